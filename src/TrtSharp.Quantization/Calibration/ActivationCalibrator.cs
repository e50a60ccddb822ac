using TrtSharp.Datasets;
using TrtSharp.Diagnostics;
using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Onnx;
using TrtSharp.Onnx.Normalization;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Calibration;

/// <summary>
/// Runs a float model over a calibration dataset on ONNX Runtime with every floating-point activation tapped,
/// streaming each batch's values straight into per-tensor histograms (nothing of the activations is kept).
/// </summary>
internal static class ActivationCalibrator
{
    /// <summary>Bindings kept alive at once: two (ping-pong) per distinct set of input shapes, for two shapes (full batches and the last one).</summary>
    private const int MaxCachedBindings = 4;

    /// <summary>
    /// Collects statistics of the graph inputs and every floating-point node output of <paramref name="modelPath"/>.
    /// Outputs of Max/Min with a constant, Relu and Clip are computed exactly from their input on the histogram worker
    /// instead of being tapped (see <see cref="DerivedActivation"/>).
    /// </summary>
    /// <exception cref="CalibrationException">The dataset is empty, or some value is NaN/∞ (naming tensor and sample).</exception>
    public static IReadOnlyList<TensorStatistics> Collect(string modelPath, ICalibrationDataset data, OnnxRuntimeOptions? options = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default) =>
        Collect(OnnxModel.LoadNormalized(modelPath), data, options, progress, deriveClamps: true, cancellationToken);

    /// <summary>As <see cref="Collect(string, ICalibrationDataset, OnnxRuntimeOptions?, IProgress{ProgressUpdate}?, CancellationToken)"/>
    /// on a model already in memory, normalized first if it was not (<see cref="ModelNormalizer"/>, in place).</summary>
    public static IReadOnlyList<TensorStatistics> Collect(OnnxModel model, ICalibrationDataset data, OnnxRuntimeOptions? options = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default) =>
        Collect(model, data, options, progress, deriveClamps: true, cancellationToken);

    /// <summary>The path overload with <paramref name="deriveClamps"/> (tests compare both ways).</summary>
    internal static IReadOnlyList<TensorStatistics> Collect(string modelPath, ICalibrationDataset data, OnnxRuntimeOptions? options,
        IProgress<ProgressUpdate>? progress, bool deriveClamps, CancellationToken cancellationToken) =>
        Collect(OnnxModel.LoadNormalized(modelPath), data, options, progress, deriveClamps, cancellationToken);

    /// <summary>As the public overload; <paramref name="deriveClamps"/> false taps clamp-like activations too (tests compare both ways).</summary>
    /// <param name="model">The float model; normalized in place first when it was not.</param>
    /// <param name="data">The calibration batches.</param>
    /// <param name="options">ONNX Runtime options (copied).</param>
    /// <param name="progress">Batch progress.</param>
    /// <param name="deriveClamps">Compute Max/Min/Relu/Clip outputs from their input instead of tapping them.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <param name="only">When given, only these tensors are tapped and collected (the ones a Q/DQ placement quantizes):
    /// fewer ONNX Runtime outputs to materialize, fewer histograms, and ONNX Runtime keeps its fusions elsewhere.</param>
    /// <param name="reference">When given, the batches it holds back are run but not calibrated on, and the model's own
    /// float outputs are kept there (the float reference for judging quantized candidates).</param>
    internal static IReadOnlyList<TensorStatistics> Collect(OnnxModel model, ICalibrationDataset data, OnnxRuntimeOptions? options,
        IProgress<ProgressUpdate>? progress, bool deriveClamps, CancellationToken cancellationToken, IReadOnlySet<string>? only = null,
        ReferenceCapture? reference = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (model.Normalization is null)
        {
            ModelNormalizer.Normalize(model);
        }
        options = options?.Clone() ?? new OnnxRuntimeOptions();
        if (only is null)
        {
            options.TapAllFloatingPoint = true;
        }
        int histogramThreads = SplitThreads(options, Environment.ProcessorCount, out bool sideBySide);
        // Clamp-like activations (Max/Min with a constant, Relu, Clip) are computed from their input on the worker:
        // exactly the values ONNX Runtime would produce, without one more full-size output per batch.
        var derivable = deriveClamps ? DerivedActivation.Find(model.Proto).ToList() : [];
        var derivableNames = derivable.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        derivable.RemoveAll(d => derivableNames.Contains(d.Source)); // in a chain, the later ones stay taps
        if (only is not null)
        {
            // Deriving only saves an output when the source is wanted anyway; otherwise the derived tensor is tapped itself.
            derivable.RemoveAll(d => !only.Contains(d.Name) || !only.Contains(d.Source));
        }
        var session = OpenTapped(model, options, derivable, only);
        // A tensor the caller tapped explicitly (or a graph input/output) is collected as tapped, never twice.
        var present = session.Inputs.Concat(session.Outputs).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        derivable.RemoveAll(d => present.Contains(d.Name));
        var sources = session.Inputs.Concat(session.Outputs).Where(t => t.ElementType == TensorElementType.Float).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        if (derivable.RemoveAll(d => !sources.Contains(d.Source)) > 0)
        {
            // Some source turned out not to be float32 once ONNX Runtime inferred the types: tap those tensors instead.
            session.Dispose();
            session = OpenTapped(model, options, derivable, only);
        }
        using var sessionScope = session;
        var collector = new StatisticsCollector { UseTwoThreads = false };
        bool Wanted(TensorDescriptor t) => t.ElementType == TensorElementType.Float && (only is null || only.Contains(t.Name) || options.Taps.Contains(t.Name));
        var floatOutputs = session.Outputs.Where(Wanted).Select(o => o.Name).ToArray();
        var floatInputs = session.Inputs.Where(Wanted).Select(i => i.Name).ToArray();
        var tappedNames = floatOutputs.ToHashSet(StringComparer.Ordinal);
        var derivedByName = derivable.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var derived = derivable.ToLookup(d => d.Source, StringComparer.Ordinal);
        var graphOutputs = model.Proto.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var modelOutputs = session.Outputs.Where(o => o.ElementType == TensorElementType.Float && graphOutputs.Contains(o.Name)).Select(o => o.Name).ToArray();
        long samples = 0, batches = 0;

        // What a batch ONNX Runtime has run gives the reference, in dataset order; false when it is held back (not calibrated on).
        bool Calibrates(long index, IReadOnlyDictionary<string, HostTensor> batch, IInferenceBinding binding)
        {
            if (reference is null)
            {
                return true;
            }
            if (reference.KeepsActivations(index))
            {
                KeepActivations(reference, batch, binding, tappedNames, derivedByName);
            }
            if (reference.IsHeldBack(index) || reference.KeepsCalibrated(index))
            {
                reference.Add(index, modelOutputs.Select(n => (n, binding.Output(n))));
            }
            return !reference.IsHeldBack(index);
        }

        // A calibrated batch's histograms; batches come here one at a time, in dataset order.
        void Histograms(IReadOnlyDictionary<string, HostTensor> batch, IInferenceBinding binding)
        {
            var firstInput = binding.Input(batch.Keys.First());
            int batchSize = firstInput.Rank > 0 ? (int)firstInput.Shape[0] : 1;
            // The inputs as copied into the binding: a dataset may refill its buffers for the next batch meanwhile.
            var tensors = floatInputs.Select(n => (n, (HostTensor<float>)binding.Input(n)))
                .Concat(floatOutputs.Select(n => (n, (HostTensor<float>)binding.Output(n))));
            collector.AddParallel(tensors, derived, samples, batchSize, histogramThreads, cancellationToken);
            samples += batchSize;
            batches++;
            progress?.Report(new ProgressUpdate("calibrating", batches, 0));
        }

        if (sideBySide)
        {
            SideBySide(session, data, reference, Calibrates, Histograms, cancellationToken);
        }
        else
        {
            PingPong(session, data, reference, Calibrates, Histograms, cancellationToken);
        }
        if (batches == 0)
        {
            throw new CalibrationException(null, null, $"the calibration dataset ({data.Description}) is empty");
        }
        return collector.ToStatistics();
    }

    /// <summary>
    /// One batch at a time on ONNX Runtime's threads: the histograms of batch k are built on a worker while ONNX Runtime
    /// runs batch k+1 on the other of two bindings (ping-pong), so their cost hides behind inference.
    /// </summary>
    private static void PingPong(IInferenceSession session, ICalibrationDataset data, ReferenceCapture? reference,
        Func<long, IReadOnlyDictionary<string, HostTensor>, IInferenceBinding, bool> calibrates,
        Action<IReadOnlyDictionary<string, HostTensor>, IInferenceBinding> histograms, CancellationToken cancellationToken)
    {
        var bindings = new Dictionary<string, IInferenceBinding>(StringComparer.Ordinal);
        long index = -1;
        Task pending = Task.CompletedTask;
        int slot = 0;
        try
        {
            foreach (var batch in data.Batches(cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reference is not null && reference.IsSkipped(index + 1))
                {
                    index++;
                    continue;
                }
                var binding = BindingFor(session, batch, bindings, slot, MaxCachedBindings);
                Run(batch, binding);
                index++;
                if (!calibrates(index, batch, binding))
                {
                    continue; // not calibrated on: no histograms, and this slot is free again for the next batch
                }
                pending.GetAwaiter().GetResult(); // the previous batch's histograms, and the collector is free again
                pending = Task.Run(() => histograms(batch, binding), cancellationToken);
                slot ^= 1;
            }
            pending.GetAwaiter().GetResult();
        }
        finally
        {
            try
            {
                pending.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Already surfaced above, or superseded by the exception that brought us here.
            }
            foreach (var b in bindings.Values)
            {
                b.Dispose();
            }
        }
    }

    /// <summary>
    /// Two batches at once on the one session, each worker with its own bindings, and each worker then adds its batch's
    /// histograms itself, in dataset order (a worker whose batch is next waits for the other's): no ONNX Runtime
    /// parallel section for the histograms to stall, and no more batches in memory than ping-pong holds. The histograms
    /// are those of one batch after another.
    /// </summary>
    private static void SideBySide(IInferenceSession session, ICalibrationDataset data, ReferenceCapture? reference,
        Func<long, IReadOnlyDictionary<string, HostTensor>, IInferenceBinding, bool> calibrates,
        Action<IReadOnlyDictionary<string, HostTensor>, IInferenceBinding> histograms, CancellationToken cancellationToken)
    {
        using var source = data.Batches(cancellationToken).GetEnumerator();
        // Reading the next batch (file reads, a mel front end) has a lock of its own, so it overlaps the other worker's
        // turn; tickets are handed out under it, in dataset order.
        var reading = new object();
        var turns = new object();
        long taken = -1, tickets = 0, turn = 0;
        bool exhausted = false, stopped = false;
        Task? other = null;
        void Worker(int slot)
        {
            var bindings = new Dictionary<string, IInferenceBinding>(StringComparer.Ordinal);
            try
            {
                while (true)
                {
                    IReadOnlyDictionary<string, HostTensor> batch;
                    long index, ticket;
                    lock (reading)
                    {
                        do
                        {
                            if (exhausted || Volatile.Read(ref stopped))
                            {
                                return;
                            }
                            try
                            {
                                exhausted = !source.MoveNext();
                            }
                            catch
                            {
                                exhausted = true; // a failed enumerator is not asked again
                                throw;
                            }
                            if (exhausted)
                            {
                                return;
                            }
                            taken++;
                        }
                        while (reference is not null && reference.IsSkipped(taken));
                        (batch, index, ticket) = (source.Current, taken, tickets++);
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                    var binding = BindingFor(session, batch, bindings, slot, MaxCachedBindings / 2);
                    // The second worker starts once the first binding exists, so the session's output shapes are worked
                    // out once (a binding's first creation may load the model again to infer them).
                    if (slot == 0 && other is null)
                    {
                        other = Task.Factory.StartNew(() => Worker(1), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    }
                    Run(batch, binding);
                    lock (turns)
                    {
                        while (turn != ticket && !stopped)
                        {
                            Monitor.Wait(turns);
                        }
                        if (stopped)
                        {
                            return;
                        }
                    }
                    // Only the worker whose turn it is records and bins, so the reference and the collector see one batch at a time, in order.
                    if (calibrates(index, batch, binding))
                    {
                        histograms(batch, binding);
                    }
                    lock (turns)
                    {
                        turn++;
                        Monitor.PulseAll(turns);
                    }
                }
            }
            catch
            {
                lock (turns)
                {
                    Volatile.Write(ref stopped, true);
                    Monitor.PulseAll(turns);
                }
                throw;
            }
            finally
            {
                foreach (var b in bindings.Values)
                {
                    b.Dispose();
                }
            }
        }
        try
        {
            Worker(0);
        }
        finally
        {
            try
            {
                other?.Wait(CancellationToken.None);
            }
            catch (AggregateException) when (stopped)
            {
                // Surfaced below when this thread ended normally; otherwise superseded by this thread's own exception.
            }
        }
        other?.GetAwaiter().GetResult();
    }

    private static void Run(IReadOnlyDictionary<string, HostTensor> batch, IInferenceBinding binding)
    {
        foreach (var (name, tensor) in batch)
        {
            tensor.AsBytes().CopyTo(binding.Input(name).AsBytes());
        }
        binding.Run();
    }

    /// <summary>Copies the batch's values of the activations <paramref name="reference"/> keeps: fed, tapped, or derived from a tapped one.</summary>
    private static void KeepActivations(ReferenceCapture reference, IReadOnlyDictionary<string, HostTensor> batch, IInferenceBinding binding,
        HashSet<string> floatOutputs, Dictionary<string, DerivedActivation> derivable)
    {
        HostTensor<float>? Value(string name) =>
            batch.ContainsKey(name) ? binding.Input(name) as HostTensor<float>
            : floatOutputs.Contains(name) ? (HostTensor<float>)binding.Output(name)
            : null;
        foreach (string name in reference.Activations)
        {
            if (Value(name) is { } value)
            {
                reference.AddActivation(name, value);
            }
            else if (derivable.TryGetValue(name, out var derived) && Value(derived.Source) is { } source)
            {
                // The clamp is elementwise: applied to the kept copy of the source in place, it gives the kept values.
                reference.AddActivation(name, source, kept => derived.Compute(kept, kept));
            }
        }
    }

    private static OnnxRuntimeSession OpenTapped(OnnxModel model, OnnxRuntimeOptions options, IReadOnlyList<DerivedActivation> derived, IReadOnlySet<string>? only)
    {
        var tapped = options.Clone();
        foreach (var d in derived)
        {
            tapped.TapExclusions.Add(d.Name);
        }
        if (only is not null)
        {
            // Node outputs only (graph inputs arrive as inputs), in node order, each once.
            var excluded = derived.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            var known = tapped.Taps.ToHashSet(StringComparer.Ordinal);
            foreach (var output in model.Proto.Graph.Node.SelectMany(n => n.Output))
            {
                if (only.Contains(output) && !excluded.Contains(output) && known.Add(output))
                {
                    tapped.Taps.Add(output);
                }
            }
        }
        // The session runs the normalized model from memory, so calibrated names are exactly those Q/DQ placement sees;
        // an unchanged model beyond protobuf's 2 GB limit is read by ONNX Runtime from its file instead.
        if (model.FilePath is { } path && model.Normalization is { Changed: false } && model.Proto.CalculateSize() >= int.MaxValue / 2)
        {
            return OnnxRuntimeSession.FromFile(path, tapped);
        }
        // Taps edit a copy of the proto: serialized once, never parsed back (external weights are read inline first).
        return OnnxRuntimeSession.FromModel(model.SelfContained(model.Proto), tapped);
    }

    /// <summary>
    /// Shares the cores between ONNX Runtime and the histograms when the caller left ONNX Runtime's thread count at its
    /// default (one per core): two batches run at once (<see cref="SideBySide"/>) on a session whose intra-op pool gets
    /// cores − 2 workers besides the two calling threads, spinning off (unless the caller chose), and each worker bins
    /// its own batch on a third of the cores (at least one). Measured on two cores and the 640×640 text detector
    /// (docs/real-models.md): one thread per batch this way avoids ONNX Runtime's parallel sections waiting on a
    /// thread the histograms took. An explicit thread count is kept as given: one batch at a time, one histogram worker.
    /// So is a session with an execution provider besides the CPU: two runs at once would hold a device's memory twice.
    /// </summary>
    /// <returns>The number of histogram threads per batch.</returns>
    internal static int SplitThreads(OnnxRuntimeOptions options, int cores, out bool sideBySide)
    {
        sideBySide = false;
        if (options.IntraOpThreads != 0 || options.UseGlobalThreadPool || cores < 2)
        {
            return 1;
        }
        options.AllowSpinning ??= false;
        if (options.ExecutionProviders.All(p => p is CpuProviderOptions))
        {
            options.IntraOpThreads = cores - 1;
            sideBySide = true;
        }
        return Math.Max(1, (cores + 1) / 3);
    }

    private static IInferenceBinding BindingFor(IInferenceSession session, IReadOnlyDictionary<string, HostTensor> batch, Dictionary<string, IInferenceBinding> cache, int slot, int limit)
    {
        foreach (var input in session.Inputs)
        {
            if (!batch.TryGetValue(input.Name, out var t))
            {
                throw new TensorShapeException(input.Name, "the calibration sample has no value for this input");
            }
            if (t.ElementType != input.ElementType)
            {
                throw new TensorShapeException(input.Name, $"calibration data is {TensorElementTypeInfo.Name(t.ElementType)}, the model wants {TensorElementTypeInfo.Name(input.ElementType)}");
            }
        }
        string key = slot + "|" + string.Join(";", batch.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + HostTensor.FormatShape(p.Value.Shape)));
        if (cache.TryGetValue(key, out var binding))
        {
            return binding;
        }
        if (cache.Count >= limit)
        {
            // Evict the other shape's binding of this slot; the other slot's binding may still be read by the worker.
            var (oldKey, old) = cache.First(p => p.Key.StartsWith(slot + "|", StringComparison.Ordinal));
            old.Dispose();
            cache.Remove(oldKey);
        }
        binding = session.CreateBinding(batch.ToDictionary(p => p.Key, p => p.Value.ShapeArray(), StringComparer.Ordinal));
        cache[key] = binding;
        return binding;
    }
}
