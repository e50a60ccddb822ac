using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Quantization.Calibration;
using TrtSharp.Quantization.Precision;
using TrtSharp.Tensors;
using TrtSharp.Tests.Quantization.Precision;

namespace TrtSharp.Tests.Quantization.Pipeline;

/// <summary>The automatic method choice's judge: reference outputs from the calibration run, one shared session, identical candidates, successive halving.</summary>
[TestFixture]
public class MethodJudgingTests
{
    private static readonly CalibrationMethod[] Methods = [CalibrationMethod.Entropy, CalibrationMethod.Mse, CalibrationMethod.Percentile, CalibrationMethod.Max];
    private QuantizationFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new QuantizationFixture(calibrationFiles: 12, holdoutFiles: 3);

    [TearDown]
    public void TearDown() => _f.Dispose();

    private TensorFileDataset Data(string dir)
    {
        using var s = OnnxRuntimeSession.FromFile(_f.ModelPath);
        return new TensorFileDataset([dir], s.Inputs);
    }

    private List<ModelProto> Candidates(QdqProfile profile)
    {
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        var statistics = ActivationCalibrator.Collect(model, Data(_f.CalibrationDir));
        return [.. Methods.Select(m => ModelQuantizer.FromStatistics(model, statistics, new QuantizeOptions { Method = m, Qdq = new QdqOptions { Profile = profile } }).Model.Proto)];
    }

    private List<IReadOnlyDictionary<string, HostTensor>> Expected(ICalibrationDataset data)
    {
        using var fp32 = OnnxRuntimeSession.FromFile(_f.ModelPath);
        return [.. data.Batches().Select(b => fp32.Run(b, ["y"]))];
    }

    [Test]
    public void TheWinnerIsTheBestOfThoseJudgedOnEveryBatchAndTiesKeepTheEarlier()
    {
        CandidateJudge.Score S(double cosine, double snr, int batches) => new(cosine, snr, batches, null);
        // A dropped candidate's first-batch score cannot win, however good.
        Assert.That(CandidateJudge.Winner([S(0.99, 20, 3), S(0.999, 30, 1), S(0.995, 25, 3), S(0.98, 18, 1)]), Is.EqualTo(2));
        // Cosines within 1e-6: the higher SNR wins by more than 0.01 dB; otherwise the earlier stays.
        Assert.That(CandidateJudge.Winner([S(0.9950004, 20, 3), S(0.995, 21, 3)]), Is.EqualTo(1));
        Assert.That(CandidateJudge.Winner([S(0.995, 20, 3), S(0.9950004, 20.005, 3)]), Is.EqualTo(0));
        Assert.That(CandidateJudge.Winner([S(double.NaN, double.NaN, 0), S(double.NaN, double.NaN, 0)]), Is.EqualTo(0), "nothing judged: the first");
    }

    [Test]
    public void OneSharedSessionScoresEachCandidateAsItsOwnSessionDoes()
    {
        // On the TensorRT placement (the ORT CPU one quantizes nothing range-dependent in this small net).
        var models = Candidates(QdqProfile.TensorRt);
        Assert.That(models.Distinct().Count(), Is.EqualTo(4), "the methods give different models here, so there is a choice");
        var data = Data(_f.HoldoutDir);
        var expected = Expected(data);
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        var shared = CandidateJudge.Judge(models, data, expected, runtime, shareSessions: true, halve: false, CancellationToken.None);
        var separate = CandidateJudge.Judge(models, data, expected, runtime, shareSessions: false, halve: false, CancellationToken.None);
        Assert.That(CandidateJudge.Winner(shared), Is.EqualTo(CandidateJudge.Winner(separate)));
        Assert.That(shared.Select(s => s.MinCosine).Distinct().Count(), Is.EqualTo(4), "four different scores");
        for (int i = 0; i < models.Count; i++)
        {
            Assert.That(shared[i].MinCosine, Is.EqualTo(separate[i].MinCosine).Within(1e-9), $"{Methods[i]}");
            Assert.That(shared[i].MinSnrDb, Is.EqualTo(separate[i].MinSnrDb).Within(1e-6), $"{Methods[i]}");
            Assert.That(shared[i].Batches, Is.EqualTo(3));
        }
    }

    [Test]
    public void CandidatesRunSideBySideAtDefaultThreadsScoreAsOneAtATime()
    {
        var two = new OnnxRuntimeOptions();
        Assert.That(CandidateJudge.SplitForCandidates(two, 2), Is.EqualTo(2));
        Assert.That(two.IntraOpThreads, Is.EqualTo(1), "no pool worker: the two calling threads are the two cores");
        Assert.That(two.AllowSpinning, Is.False);
        var sixteen = new OnnxRuntimeOptions();
        Assert.That(CandidateJudge.SplitForCandidates(sixteen, 16), Is.EqualTo(2));
        Assert.That(sixteen.IntraOpThreads, Is.EqualTo(15), "14 shared pool workers and the two calling threads");
        var given = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        Assert.That(CandidateJudge.SplitForCandidates(given, 16), Is.EqualTo(1), "an explicit thread count runs one at a time");
        Assert.That(given.IntraOpThreads, Is.EqualTo(1));
        Assert.That(CandidateJudge.SplitForCandidates(new OnnxRuntimeOptions(), 1), Is.EqualTo(1));

        Assume.That(Environment.ProcessorCount, Is.GreaterThanOrEqualTo(2), "one core runs the candidates one at a time either way");
        var models = Candidates(QdqProfile.TensorRt);
        var data = Data(_f.HoldoutDir);
        var expected = Expected(data);
        var sideBySide = CandidateJudge.Judge(models, data, expected, new OnnxRuntimeOptions(), shareSessions: true, halve: true, CancellationToken.None);
        var oneAtATime = CandidateJudge.Judge(models, data, expected, new OnnxRuntimeOptions { IntraOpThreads = 1 }, shareSessions: true, halve: true, CancellationToken.None);
        for (int i = 0; i < models.Count; i++)
        {
            Assert.That(sideBySide[i].MinCosine, Is.EqualTo(oneAtATime[i].MinCosine).Within(1e-9), $"{Methods[i]}");
            Assert.That(sideBySide[i].Batches, Is.EqualTo(oneAtATime[i].Batches), $"{Methods[i]}");
        }
    }

    [Test]
    public void TheSharedModelWithACandidatesConstantsComputesWhatThatCandidateComputes()
    {
        var models = Candidates(QdqProfile.TensorRt);
        var judge = JudgeModel.Create(models);
        Assert.That(judge.Proto.Graph.Input.Select(i => i.Name), Does.Contain("x_scale").And.Contain("r_scale"), "activation scales are fed");
        Assert.That(judge.Proto.Graph.Initializer.Select(t => t.Name), Has.None.EqualTo("x_scale").And.None.EqualTo("r_scale"));
        Assert.That(models[0].Graph.Initializer.Select(t => t.Name), Does.Contain("x_scale"), "the candidates keep their constants");
        var data = Data(_f.HoldoutDir);
        // At each optimization level: unoptimized, every Q/DQ node runs literally; optimized, ONNX Runtime may sum
        // convolutions in another order, and a last-bit difference can move a value across a rounding boundary of the
        // next quantization (one int8 step), so the two levels are not compared with each other.
        foreach (var level in new[] { OnnxRuntimeGraphOptimization.Disabled, OnnxRuntimeGraphOptimization.All })
        {
            var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1, GraphOptimization = level };
            using var shared = OnnxRuntimeSession.FromModel(judge.Proto, runtime);
            for (int k = 0; k < models.Count; k++)
            {
                Assert.That(((HostTensor<float>)judge.Feeds[k]["x_scale"]).Data, Is.EqualTo(((HostTensor<float>)OnnxTensors.ToHostTensor(models[k].Graph.Initializer.Single(t => t.Name == "x_scale"))).Data));
                using var own = OnnxRuntimeSession.FromModel(models[k], runtime);
                foreach (var batch in data.Batches())
                {
                    var feeds = new Dictionary<string, HostTensor>(batch);
                    foreach (var (name, value) in judge.Feeds[k])
                    {
                        feeds[name] = value;
                    }
                    var a = ((HostTensor<float>)shared.Run(feeds, ["y"])["y"]).Data;
                    var e = ((HostTensor<float>)own.Run(batch, ["y"])["y"]).Data;
                    Assert.That(a.Zip(e, (p, q) => MathF.Abs(p - q)).Max(), Is.LessThanOrEqualTo(1e-6f * e.Max(MathF.Abs)), $"{Methods[k]} at {level}");
                }
            }
        }
    }

    [Test]
    public void OnTheOrtCpuPlacementTheJudgeRunsTheQdqGraphInFloatNotTheIntegerKernels()
    {
        // The int32 biases differ between candidates (bias scale = input scale × weight scale) and are fed, and ONNX
        // Runtime forms no QLinearConv with a bias that is not constant: the judge computes every candidate as its literal
        // Q/DQ graph in float (fake quantization), the same kind of graph for all, close to but not the integer kernels.
        var model = new ModelBuilder(13).Input("x", 1, 4, 8, 8)
            .Initializer("W0", ModelBuilder.Random(4 * 4 * 9, 3, 0.4f), 4, 4, 3, 3)
            .Initializer("W1", ModelBuilder.Random(4 * 4 * 9, 4, 0.5f), 4, 4, 3, 3)
            .Initializer("B0", ModelBuilder.Random(4, 5, 0.2f), 4)
            .Initializer("B1", ModelBuilder.Random(4, 6, 0.2f), 4)
            .Node("Conv", "conv0", ["x", "W0", "B0"], "c0", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", "relu0", ["c0"], "r0")
            .Node("Conv", "conv1", ["r0", "W1", "B1"], "c1", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", "relu1", ["c1"], "r1")
            .Node("Conv", "conv2", ["r1", "W1"], "y", ModelBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y")
            .Build();
        var samples = TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 6, 300).ToList();
        var ranges = OrtHarness.Ranges(model, samples);
        var wider = ranges.ToDictionary(r => r.Key, r => new TensorRange(r.Value.Min * 1.1f, r.Value.Max * 1.1f));
        var options = new QdqOptions { Profile = QdqProfile.OrtCpu, KeepFirstAndLastConvInFloat = false };
        ModelProto[] models = [QdqInserter.Insert(model, ranges, options).Model, QdqInserter.Insert(model, wider, options).Model];
        var judge = JudgeModel.Create(models);
        var inputs = judge.Proto.Graph.Input.Select(i => i.Name).ToList();
        Assert.That(inputs, Does.Contain("c0_scale").And.Contain("B1_quantized"), "activation scales and int32 biases are fed");
        Assert.That(OrtCpuQdqTests.OptimizedOps(judge.Proto), Has.None.EqualTo("QLinearConv"));
        Assert.That(OrtCpuQdqTests.OptimizedOps(models[0]).Count(o => o == "QLinearConv"), Is.EqualTo(2), "the candidate's own model runs integer kernels");
        // A candidate judged alone is fed the same way, so it is judged on the same kind of graph.
        var alone = JudgeModel.Create([models[0]]);
        Assert.That(alone.Proto.Graph.Input.Select(i => i.Name), Is.EquivalentTo(inputs));
        Assert.That(OrtCpuQdqTests.OptimizedOps(alone.Proto), Has.None.EqualTo("QLinearConv"));

        foreach (var level in new[] { OnnxRuntimeGraphOptimization.Disabled, OnnxRuntimeGraphOptimization.All })
        {
            var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1, GraphOptimization = level };
            using var shared = OnnxRuntimeSession.FromModel(judge.Proto, runtime);
            for (int k = 0; k < models.Length; k++)
            {
                using var own = OnnxRuntimeSession.FromModel(models[k], runtime);
                foreach (var sample in TensorRtQdqTests.Samples("x", [1, 4, 8, 8], 3, 7100))
                {
                    var x = new HostTensor<float>([1, 4, 8, 8], sample.Inputs["x"].Data);
                    var feeds = new Dictionary<string, HostTensor>(judge.Feeds[k]) { ["x"] = x };
                    var judged = ((HostTensor<float>)shared.Run(feeds, ["y"])["y"]).Data;
                    var expected = ((HostTensor<float>)own.Run(new Dictionary<string, HostTensor> { ["x"] = x }, ["y"])["y"]).Data;
                    if (level == OnnxRuntimeGraphOptimization.Disabled)
                    {
                        Assert.That(judged, Is.EqualTo(expected), "unoptimized, both run the literal Q/DQ graph");
                    }
                    else
                    {
                        Assert.That(OrtHarness.Cosine(expected, judged), Is.GreaterThanOrEqualTo(0.999), "fake quantization is close to the integer kernels");
                    }
                }
            }
        }
    }

    [Test]
    public void ACandidateWithTheSameModelAsAnEarlierOneIsNotRunAgain()
    {
        var models = Candidates(QdqProfile.TensorRt);
        Assert.That(models[0], Is.Not.EqualTo(models[3]));
        var data = Data(_f.HoldoutDir);
        var expected = Expected(data);
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        var scores = CandidateJudge.Judge([models[0], models[0].Clone(), models[3]], data, expected, runtime, shareSessions: true, halve: true, CancellationToken.None);
        Assert.That(scores.Select(s => s.SameAs), Is.EqualTo(new int?[] { null, 0, null }));
        Assert.That(scores[1].MinCosine, Is.EqualTo(scores[0].MinCosine));
        Assert.That(scores[0].MinCosine, Is.Not.EqualTo(scores[2].MinCosine));
        var alone = CandidateJudge.Judge([models[3], models[3].Clone()], data, expected, runtime, shareSessions: true, halve: true, CancellationToken.None);
        Assert.That(alone.Select(s => s.Batches), Is.EqualTo(new[] { 0, 0 }), "one distinct model: nothing to judge, nothing run");
    }

    [Test]
    public void ACandidateBuiltAfterTheSessionsOpenedJoinsTheSharedOneAndScoresAsIfJudgedInOneGo()
    {
        // ModelQuantizer opens the judge's sessions from the four methods while the per-tensor candidate is still being
        // built; that one must be judged exactly as if it had been there from the start.
        var models = Candidates(QdqProfile.TensorRt);
        var data = Data(_f.HoldoutDir);
        var expected = Expected(data);
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        var together = CandidateJudge.Judge(models, data, expected, runtime, shareSessions: true, halve: true, CancellationToken.None);
        using var sessions = JudgeSessions.Open(models.Take(3), runtime, share: true);
        Assert.That(sessions.Count, Is.EqualTo(1), "the three share one graph");
        Assert.That(sessions.Fit(models), Is.True);
        var later = CandidateJudge.Judge(models, data, expected, sessions, halve: true, CancellationToken.None);
        Assert.That(sessions.Count, Is.EqualTo(1), "the fourth joined the open session");
        for (int i = 0; i < models.Count; i++)
        {
            Assert.That(later[i], Is.EqualTo(together[i]), $"{Methods[i]}");
        }
    }

    [Test]
    public void ACandidateWhoseSharedConstantsDifferGetsASessionOfItsOwn()
    {
        var models = Candidates(QdqProfile.TensorRt);
        var judge = JudgeModel.Create([models[0]]);
        Assert.That(judge.FeedsFor(models[2]), Is.Not.Null, "another method's model differs only in what is fed");
        // A weight is not fed (it is the same in every candidate): a model with another weight cannot use this session.
        var other = models[2].Clone();
        var weight = other.Graph.Initializer.First(t => t.DataType == (int)TensorElementType.Int8 && t.Dims.Count == 4);
        var bytes = weight.RawData.ToByteArray();
        bytes[0] ^= 1;
        weight.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
        Assert.That(judge.FeedsFor(other), Is.Null);

        var data = Data(_f.HoldoutDir);
        var expected = Expected(data);
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        using var sessions = JudgeSessions.Open([models[0]], runtime, share: true);
        Assert.That(sessions.Fit([models[0], other]), Is.False, "judged with the first, its weight would have been fed: ModelQuantizer opens sessions for all then");
        var scores = CandidateJudge.Judge([models[0], other], data, expected, sessions, halve: false, CancellationToken.None);
        Assert.That(sessions.Count, Is.EqualTo(2), "the changed model got its own session");
        var alone = CandidateJudge.Judge([models[0], other], data, expected, runtime, shareSessions: false, halve: false, CancellationToken.None);
        Assert.That(scores[1].MinCosine, Is.EqualTo(alone[1].MinCosine).Within(1e-9), "it was judged with its own weight");
    }

    [Test]
    public void SessionsOpenedAheadAreClosedOnceOpenAndAFailureToOpenIsNotThrownAgain()
    {
        var models = Candidates(QdqProfile.TensorRt);
        var opening = Task.Run(() => JudgeSessions.Open(models, new OnnxRuntimeOptions { IntraOpThreads = 1 }, share: true));
        JudgeSessions.DisposeWhenOpened(opening);
        Assert.That(opening.Result.Count, Is.Zero, "closed");
        var failed = Task.FromException<JudgeSessions>(new InvalidOperationException("could not open"));
        Assert.DoesNotThrow(() => JudgeSessions.DisposeWhenOpened(failed), "whoever waited for the sessions has reported it already");
        Assert.DoesNotThrow(() => JudgeSessions.DisposeWhenOpened(null));
    }

    [Test]
    public void HalvingKeepsTheBetterHalfOfTheFirstBatchAndScoresItOnEveryBatch()
    {
        var models = Candidates(QdqProfile.TensorRt);
        Assert.That(models.Distinct().Count(), Is.EqualTo(4));
        var data = Data(_f.HoldoutDir);
        var expected = Expected(data);
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = 1 };
        var halved = CandidateJudge.Judge(models, data, expected, runtime, shareSessions: true, halve: true, CancellationToken.None);
        var full = CandidateJudge.Judge(models, data, expected, runtime, shareSessions: true, halve: false, CancellationToken.None);
        var first = new FirstBatches(data, 1);
        var onFirst = CandidateJudge.Judge(models, first, expected.Take(1).ToList(), runtime, shareSessions: true, halve: false, CancellationToken.None);
        var kept = Enumerable.Range(0, 4).Where(i => halved[i].Batches == 3).ToList();
        Assert.That(kept, Has.Count.EqualTo(2));
        Assert.That(Enumerable.Range(0, 4).Where(i => !kept.Contains(i)).Select(i => halved[i].Batches), Has.All.EqualTo(1));
        foreach (int i in kept)
        {
            Assert.That(halved[i].MinCosine, Is.EqualTo(full[i].MinCosine), "survivors are scored on every batch, exactly as without halving");
            foreach (int j in Enumerable.Range(0, 4).Where(j => !kept.Contains(j)))
            {
                Assert.That(CandidateJudge.Beats(onFirst[j].MinCosine, onFirst[j].MinSnrDb, onFirst[i].MinCosine, onFirst[i].MinSnrDb), Is.False,
                    $"{Methods[j]} (dropped) did not beat {Methods[i]} (kept) on the first batch");
                Assert.That(halved[j].MinCosine, Is.EqualTo(onFirst[j].MinCosine), "a dropped candidate's score is its first-batch score");
            }
        }
    }

    [TestCase(3)]
    [TestCase(5)]
    public void HalvingKeepsTwoCandidatesOfThreeOrFive(int count)
    {
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        var statistics = ActivationCalibrator.Collect(model, Data(_f.CalibrationDir));
        var options = new[] { (CalibrationMethod.Entropy, 99.99), (CalibrationMethod.Mse, 99.99), (CalibrationMethod.Percentile, 99.99), (CalibrationMethod.Max, 99.99), (CalibrationMethod.Percentile, 99.0) };
        var models = options.Take(count).Select(o => ModelQuantizer.FromStatistics(model, statistics, new QuantizeOptions { Method = o.Item1, Percentile = o.Item2 }).Model.Proto).ToList();
        Assert.That(models.Distinct().Count(), Is.EqualTo(count));
        var data = Data(_f.HoldoutDir);
        var halved = CandidateJudge.Judge(models, data, Expected(data), new OnnxRuntimeOptions { IntraOpThreads = 1 }, shareSessions: true, halve: true, CancellationToken.None);
        Assert.That(halved.Count(s => s.Batches == 3), Is.EqualTo(2), "two survive the first batch");
        Assert.That(halved.Count(s => s.Batches == 1), Is.EqualTo(count - 2));
    }

    [Test]
    public void TheCalibrationRunKeepsTheFloatOutputsOfTheBatchesItHoldsBack()
    {
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        var data = Data(_f.CalibrationDir);
        var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod);
        var stats = ActivationCalibrator.Collect(model, data, null, null, deriveClamps: true, CancellationToken.None, null, capture);
        var alone = ActivationCalibrator.Collect(OnnxModel.LoadNormalized(_f.ModelPath), new InterleavedSplit(data, ModelQuantizer.SelectionPeriod, heldBack: false));
        Assert.That(stats.Select(s => (s.TensorName, s.Min, s.Max, s.Count)), Is.EqualTo(alone.Select(s => (s.TensorName, s.Min, s.Max, s.Count))),
            "held-back batches are not calibrated on");
        Assert.That(capture.AnyHeldBack, Is.True);
        var heldBack = new InterleavedSplit(data, ModelQuantizer.SelectionPeriod, heldBack: true);
        var expected = Expected(heldBack);
        Assert.That(capture.Outputs, Has.Count.EqualTo(3));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(capture.Outputs[i].Keys, Is.EqualTo(new[] { "y" }));
            Assert.That(((HostTensor<float>)capture.Outputs[i]["y"]).Data, Is.EqualTo(((HostTensor<float>)expected[i]["y"]).Data).Within(1e-5f));
        }
    }

    [Test]
    public void TwoBatchesAtOnceGiveTheStatisticsAndTheReferenceOfOneAtATime()
    {
        // Default threads on two or more cores run two batches at once, each worker binning its own in turn; an explicit
        // thread count runs one at a time. Everything calibration gives must be the same either way.
        Assume.That(Environment.ProcessorCount, Is.GreaterThanOrEqualTo(2), "two batches run at once only on two or more cores");
        using var f = new QuantizationFixture(calibrationFiles: 13);
        // Reading a batch takes a few milliseconds, as reading a file does: on this tiny model a run takes far less, so
        // without it the first worker could take every batch before the second has started.
        var data = new SlowBatches(Data(f.CalibrationDir), TimeSpan.FromMilliseconds(5));
        (IReadOnlyList<TensorStatistics> Stats, ReferenceCapture Capture, int Threads) Calibrate(OnnxRuntimeOptions options)
        {
            var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod, 2) { Activations = new HashSet<string> { "x", "r" }, Cropped = new HashSet<string> { "r" } };
            var binners = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
            var progress = new Recording(_ => binners[Environment.CurrentManagedThreadId] = true);
            var stats = ActivationCalibrator.Collect(OnnxModel.LoadNormalized(f.ModelPath), data, options, progress, deriveClamps: true, CancellationToken.None, null, capture);
            return (stats, capture, binners.Count);
        }
        var (together, togetherCapture, togetherThreads) = Calibrate(new OnnxRuntimeOptions());
        var (alone, aloneCapture, _) = Calibrate(new OnnxRuntimeOptions { IntraOpThreads = 1 });

        Assert.That(togetherThreads, Is.EqualTo(2), "both workers binned batches");

        Assert.That(together.Select(s => (s.TensorName, s.Min, s.Max, s.Count)), Is.EqualTo(alone.Select(s => (s.TensorName, s.Min, s.Max, s.Count))));
        for (int i = 0; i < alone.Count; i++)
        {
            Assert.That(together[i].Histogram.Counts.ToArray(), Is.EqualTo(alone[i].Histogram.Counts.ToArray()), together[i].TensorName);
            Assert.That(together[i].Histogram.Range, Is.EqualTo(alone[i].Histogram.Range), together[i].TensorName);
        }
        // 13 batches of 4×1×8×8; 3, 7 and 11 held back, the first 2 of those judged on and 11 not run: 10 calibrated.
        Assert.That(together.First(s => s.TensorName == "x").Count, Is.EqualTo(10 * 256));
        Assert.That(togetherCapture.Outputs, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++)
        {
            Assert.That(((HostTensor<float>)togetherCapture.Outputs[i]["y"]).Data, Is.EqualTo(((HostTensor<float>)aloneCapture.Outputs[i]["y"]).Data));
        }
        Assert.That(togetherCapture.ActivationValues.Keys, Is.EquivalentTo(new[] { "x", "r" }));
        foreach (var name in new[] { "x", "r" })
        {
            Assert.That(togetherCapture.ActivationValues[name].Data, Is.EqualTo(aloneCapture.ActivationValues[name].Data), name);
        }
    }

    [Test]
    public void WithFewerBatchesThanThePeriodEveryBatchIsKept()
    {
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        var data = new FirstBatches(Data(_f.CalibrationDir), 3);
        var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod);
        ActivationCalibrator.Collect(model, data, null, null, deriveClamps: true, CancellationToken.None, null, capture);
        Assert.That(capture.AnyHeldBack, Is.False);
        Assert.That(capture.Outputs, Has.Count.EqualTo(3));
        Assert.That(((HostTensor<float>)capture.Outputs[2]["y"]).Data, Is.EqualTo(((HostTensor<float>)Expected(data)[2]["y"]).Data).Within(1e-5f));
    }

    [Test]
    public void TheCalibrationRunKeepsTheFirstBatchOfTheProbedTensors()
    {
        // 'r' is the Relu of 'c', computed on the histogram worker rather than tapped: its kept values are computed too.
        var model = OnnxModel.LoadNormalized(_f.ModelPath);
        var data = Data(_f.CalibrationDir);
        var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod) { Activations = new HashSet<string> { "x", "r" }, Cropped = new HashSet<string> { "r" } };
        ActivationCalibrator.Collect(model, data, null, null, deriveClamps: true, CancellationToken.None, null, capture);

        var first = data.Batches().First();
        var tapped = new OnnxRuntimeOptions();
        tapped.Taps.Add("r");
        using var session = OnnxRuntimeSession.FromFile(_f.ModelPath, tapped);
        var r = (HostTensor<float>)session.Run(first, ["r"])["r"];
        Assert.That(capture.ActivationValues["x"].Shape.ToArray(), Is.EqualTo(new long[] { 4, 1, 8, 8 }), "x is kept whole");
        Assert.That(capture.ActivationValues["x"].Data, Is.EqualTo(((HostTensor<float>)first["x"]).Data), "the first batch, a calibrated one, not a judged one");
        Assert.That(capture.ActivationValues["r"].Shape.ToArray(), Is.EqualTo(new long[] { 1, 4, 8, 8 }), "r keeps its first sample (8×8 is too small to crop)");
        Assert.That(capture.ActivationValues["r"].Data, Is.EqualTo(r.Data.Take(4 * 64)).Within(1e-5f));
    }

    [Test]
    public void AConvolutionInputKeepsItsFirstSampleAndTheCentralHalfOfItsLongAxes()
    {
        int side = ReferenceCapture.CropSide, quarter = side / 2;
        long[] shape = [2, 3, 2 * side, side + 6];
        var value = new HostTensor<float>(shape, [.. Enumerable.Range(0, (int)HostTensor.ShapeElementCount(shape)).Select(i => (float)i)]);
        var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod) { Activations = new HashSet<string> { "t", "u" }, Cropped = new HashSet<string> { "t" } };

        capture.AddActivation("t", value, kept => kept[0] = -1);
        capture.AddActivation("u", value);

        var t = capture.ActivationValues["t"];
        int width = (side + 6) / 2, left = (side + 6 - width) / 2;
        Assert.That(t.Shape.ToArray(), Is.EqualTo(new long[] { 1, 3, side, width }));
        for (int c = 0; c < 3; c++)
        {
            for (int h = 0; h < side; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    float expected = (c == 0 && h == 0 && w == 0) ? -1 : ((((c * 2 * side) + quarter + h) * (side + 6)) + left + w);
                    Assert.That(t.Data[(((c * side) + h) * width) + w], Is.EqualTo(expected), $"[0, {c}, {h}, {w}]");
                }
            }
        }
        Assert.That(capture.ActivationValues["u"].Data, Is.EqualTo(value.Data), "not a convolution input: kept whole");
    }

    [Test]
    public void AMatMulInputKeepsItsLeadingRows()
    {
        var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod)
        {
            Activations = new HashSet<string> { "batched", "matrix" },
            LeadingRows = new HashSet<string> { "batched", "matrix" },
        };
        var batched = new HostTensor<float>([3, 5, 4], [.. Enumerable.Range(0, 60).Select(i => (float)i)]);
        var matrix = new HostTensor<float>([ReferenceCapture.MaxRows + 10, 2], [.. Enumerable.Range(0, (ReferenceCapture.MaxRows + 10) * 2).Select(i => (float)i)]);
        capture.AddActivation("batched", batched);
        capture.AddActivation("matrix", matrix);
        Assert.That(capture.ActivationValues["batched"].Shape.ToArray(), Is.EqualTo(new long[] { 1, 5, 4 }));
        Assert.That(capture.ActivationValues["batched"].Data, Is.EqualTo(batched.Data.Take(20)));
        Assert.That(capture.ActivationValues["matrix"].Shape.ToArray(), Is.EqualTo(new long[] { ReferenceCapture.MaxRows, 2 }));
        Assert.That(capture.ActivationValues["matrix"].Data, Is.EqualTo(matrix.Data.Take(ReferenceCapture.MaxRows * 2)));
    }

    [TestCase(QdqProfile.TensorRt)]
    [TestCase(QdqProfile.OrtCpu)]
    public void TheDefaultQuantizationJudgesAPerTensorMixAfterTheFourMethods(QdqProfile profile)
    {
        // Both convs quantized on ORT CPU too (by default it keeps the first and the last in float, which here is all).
        var options = new QuantizeOptions { Qdq = new QdqOptions { Profile = profile, KeepFirstAndLastConvInFloat = false } };
        var result = ModelQuantizer.Quantize(_f.ModelPath, Data(_f.CalibrationDir), options);
        Assert.That(result.Qdq.Warnings, Has.None.Contains("per-tensor candidate"));
        var candidates = result.Selection!.Candidates;
        Assert.That(candidates.Select(c => c.Name), Is.EqualTo(new[] { "entropy", "mse", "percentile", "max", "per-tensor" }));
        Assert.That(candidates[^1].PerTensor, Is.True);
        Assert.That(candidates[^1].Method, Is.EqualTo(CalibrationMethod.Mse), "what the tensors no weighted layer reads get");
    }

    [Test]
    public void ThePerTensorMixGivesEachProbedTensorItsChoiceAndTheOthersMse()
    {
        TensorRangeReport Report(string name, CalibrationMethod method, float amax, string? reason = null) =>
            new(name, 100, -8, 8, new Dictionary<CalibrationMethod, float>(), method, amax, 0) { Reason = reason };
        var guarded = Methods.ToDictionary(m => m, m => new Dictionary<string, TensorRangeReport>
        {
            ["probed"] = Report("probed", m, 1 + (int)m),
            // Entropy clips 'guarded' hard, so the collapse guard gave it percentile's range.
            ["guarded"] = m == CalibrationMethod.Entropy ? Report("guarded", CalibrationMethod.Percentile, 7, "entropy clips 5% of the values (collapse guard): percentile used") : Report("guarded", m, 2 + (int)m),
            ["elementwise"] = Report("elementwise", m, 3 + (int)m),
        });
        var errors = Methods.ToDictionary(m => m, m => 0.1);
        var choices = new Dictionary<string, ConsumerErrorProbe.Choice>
        {
            ["probed"] = new("probed", CalibrationMethod.Max, errors, ["Conv 'a'"]),
            ["guarded"] = new("guarded", CalibrationMethod.Entropy, errors, ["Conv 'b'"]),
        };
        var reports = guarded[CalibrationMethod.Max].Values.ToList();

        var ranges = PerTensorCandidate.Ranges(reports, guarded, choices).ToDictionary(r => r.Name);

        Assert.That(ranges["probed"].Amax, Is.EqualTo(guarded[CalibrationMethod.Max]["probed"].Amax));
        Assert.That(ranges["probed"].Reason, Does.StartWith("per tensor: max gave the least error at the output of Conv 'a'"));
        Assert.That(ranges["guarded"].ChosenMethod, Is.EqualTo(CalibrationMethod.Percentile));
        Assert.That(ranges["guarded"].Reason, Does.StartWith("per tensor: entropy gave").And.EndWith("; entropy clips 5% of the values (collapse guard): percentile used"));
        Assert.That(ranges["elementwise"].Amax, Is.EqualTo(guarded[CalibrationMethod.Mse]["elementwise"].Amax));
        Assert.That(ranges["elementwise"].Reason, Does.StartWith("per tensor: mse, as no weighted layer"));
    }

    [Test]
    public void TheDefaultQuantizationReportsHowEachMethodWasJudged()
    {
        var result = ModelQuantizer.Quantize(_f.ModelPath, Data(_f.CalibrationDir), new QuantizeOptions());
        var selection = result.Selection!;
        Assert.That(selection.Data, Does.Contain("held back"));
        Assert.That(selection.Candidates.Select(c => c.Batches).Max(), Is.EqualTo(3), "12 batches: every 4th, 3, held back");
        Assert.That(selection.Chosen.Batches, Is.EqualTo(3));
    }

    [Test]
    public void TheJudgeReadsTheFirstFourHeldBackBatchesAndTheLaterOnesAreNotRun()
    {
        // 40 batches: every 4th (10) is held back from calibration; the first 4 of those are judged on, the last 6 skipped.
        using var big = new QuantizationFixture(calibrationFiles: 40, holdoutFiles: 1);
        using var s = OnnxRuntimeSession.FromFile(big.ModelPath);
        var data = new TensorFileDataset([big.CalibrationDir], s.Inputs);
        var judged = new InterleavedSplit(data, ModelQuantizer.SelectionPeriod, heldBack: true, ModelQuantizer.SelectionBatches);
        var calibrated = new InterleavedSplit(data, ModelQuantizer.SelectionPeriod, heldBack: false);
        var all = data.Batches().Select(b => ((HostTensor<float>)b["x"]).Data).ToList();
        Assert.That(judged.Batches().Select(b => ((HostTensor<float>)b["x"]).Data), Is.EqualTo(new[] { 3, 7, 11, 15 }.Select(i => all[i])));
        Assert.That(calibrated.Batches().Count(), Is.EqualTo(30));

        // Batches 19 and 39 (the 5th and 10th held back) are replaced by a shape the model refuses: running either would throw.
        var poisoned = new PoisonedBatches(data, [19, 39]);
        var capture = new ReferenceCapture(ModelQuantizer.SelectionPeriod, ModelQuantizer.SelectionBatches);
        var stats = ActivationCalibrator.Collect(OnnxModel.LoadNormalized(big.ModelPath), poisoned, null, null, deriveClamps: true, CancellationToken.None, null, capture);
        var alone = ActivationCalibrator.Collect(OnnxModel.LoadNormalized(big.ModelPath), calibrated);
        Assert.That(stats.Select(t => (t.TensorName, t.Min, t.Max, t.Count)), Is.EqualTo(alone.Select(t => (t.TensorName, t.Min, t.Max, t.Count))),
            "the limit does not change what is calibrated on");
        Assert.That(capture.Outputs, Has.Count.EqualTo(4));
        Assert.That(((HostTensor<float>)capture.Outputs[3]["y"]).Data, Is.EqualTo(((HostTensor<float>)Expected(judged)[3]["y"]).Data).Within(1e-5f));

        var result = ModelQuantizer.Quantize(big.ModelPath, data, new QuantizeOptions());
        Assert.That(result.Selection!.Candidates.Max(c => c.Batches), Is.EqualTo(4));
        Assert.That(result.Selection.Data, Does.Contain("4 judged on, at most 4"));
        Assert.That(() => ModelQuantizer.Quantize(big.ModelPath, poisoned, new QuantizeOptions()), Throws.Nothing, "the skipped batches are never run");
        Assert.That(() => ModelQuantizer.Quantize(big.ModelPath, new PoisonedBatches(data, [15]), new QuantizeOptions()), Throws.Exception,
            "a held-back batch within the limit is run (for its reference in the calibration session): the poison is seen");
    }

    /// <summary><paramref name="inner"/> with the batches at <paramref name="indices"/> replaced by an input of the wrong shape.</summary>
    private sealed class PoisonedBatches(ICalibrationDataset inner, int[] indices) : ICalibrationDataset
    {
        public string Description => $"{inner.Description}, batches {string.Join(", ", indices)} poisoned";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) =>
            inner.Batches(cancellationToken).Select((b, i) => indices.Contains(i)
                ? new Dictionary<string, HostTensor> { ["x"] = new HostTensor<float>([4, 1, 9, 9], new float[4 * 81]) }
                : b);
    }

    /// <summary>The first <paramref name="count"/> batches of <paramref name="inner"/>.</summary>
    private sealed class SlowBatches(ICalibrationDataset inner, TimeSpan delay) : ICalibrationDataset
    {
        public string Description => inner.Description;

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default)
        {
            foreach (var batch in inner.Batches(cancellationToken))
            {
                Thread.Sleep(delay);
                yield return batch;
            }
        }
    }

    private sealed class Recording(Action<ProgressUpdate> report) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => report(value);
    }

    private sealed class FirstBatches(ICalibrationDataset inner, int count) : ICalibrationDataset
    {
        public string Description => $"first {count} of {inner.Description}";

        public IEnumerable<IReadOnlyDictionary<string, HostTensor>> Batches(CancellationToken cancellationToken = default) => inner.Batches(cancellationToken).Take(count);
    }
}
