using TrtSharp.Onnx.Protobuf;
using TrtSharp.OnnxRuntime;
using TrtSharp.Tensors;

namespace TrtSharp.Quantization.Precision;

/// <summary>
/// The ONNX Runtime sessions <see cref="CandidateJudge"/> runs candidates on: one per graph (a <see cref="JudgeModel"/>
/// that candidates differing only in constants share) or one per candidate. They can be opened from the candidates
/// known so far, while later ones are still being built: a later candidate joins a session whose shared model fits it,
/// or gets one of its own.
/// </summary>
internal sealed class JudgeSessions : IDisposable
{
    private readonly List<(ModelProto First, JudgeModel? Shared, OnnxRuntimeSession Session)> _groups = [];
    private readonly OnnxRuntimeOptions _runtime;
    private readonly bool _share;

    private JudgeSessions(OnnxRuntimeOptions runtime, bool share)
    {
        _runtime = runtime.Clone();
        Concurrent = CandidateJudge.SplitForCandidates(_runtime, Environment.ProcessorCount);
        _share = share;
    }

    /// <summary>How many candidates run at once (see <see cref="CandidateJudge.SplitForCandidates"/>).</summary>
    public int Concurrent { get; }

    /// <summary>Sessions open.</summary>
    public int Count => _groups.Count;

    /// <summary>Opens the sessions for <paramref name="models"/>: candidates with the same graph share one when <paramref name="share"/> is set.</summary>
    /// <param name="models">Candidates' Q/DQ models.</param>
    /// <param name="runtime">ONNX Runtime options (copied; at default threads split for two candidates at once).</param>
    /// <param name="share">Judge through <see cref="JudgeModel"/>, one session per graph; otherwise each model's own session.</param>
    public static JudgeSessions Open(IEnumerable<ModelProto> models, OnnxRuntimeOptions runtime, bool share)
    {
        var sessions = new JudgeSessions(runtime, share);
        try
        {
            var pending = models.ToList();
            while (pending.Count > 0)
            {
                // The first of each group gives the graph.
                var group = share ? pending.Where(m => JudgeModel.SameStructure(pending[0], m)).ToList() : [pending[0]];
                pending.RemoveAll(m => group.Any(g => ReferenceEquals(g, m)));
                sessions.OpenFor(group);
            }
            return sessions;
        }
        catch
        {
            sessions.Dispose();
            throw;
        }
    }

    /// <summary>How to run <paramref name="model"/>: on an open session that fits it, or on one opened for it now.</summary>
    public Runner For(ModelProto model) => Existing(model) ?? OpenFor([model]);

    /// <summary>
    /// Whether judging <paramref name="models"/> on these sessions is judging them as opening sessions for all of them
    /// at once would: each fits an open session, or has a graph no open shared session has (so it gets a session of its
    /// own either way). A model with an open graph but other values of a constant not fed there would, judged with the
    /// others, have made that constant one more fed input of the shared graph, which changes what ONNX Runtime computes.
    /// </summary>
    public bool Fit(IEnumerable<ModelProto> models) =>
        !_share || models.All(m => Existing(m) is not null || !_groups.Any(g => JudgeModel.SameStructure(g.First, m)));

    /// <summary>Closes the sessions <paramref name="opening"/> opens, once it has; a failure to open them was already surfaced by whoever waited for them, or gave way to the exception that brought the caller here.</summary>
    public static void DisposeWhenOpened(Task<JudgeSessions>? opening)
    {
        if (opening is null)
        {
            return;
        }
        try
        {
            opening.GetAwaiter().GetResult().Dispose();
        }
        catch (Exception) when (!opening.IsCompletedSuccessfully)
        {
            // Nothing was opened that is still open (Open closes what it opened before it failed).
        }
    }

    private Runner? Existing(ModelProto model)
    {
        foreach (var (first, shared, session) in _groups)
        {
            if (shared is not null && shared.FeedsFor(model) is { } feeds)
            {
                return new Runner(session, feeds);
            }
            if (shared is null && first.Equals(model))
            {
                return new Runner(session, null);
            }
        }
        return null;
    }

    /// <summary>Opens one session for <paramref name="group"/> and returns how to run its first model on it.</summary>
    private Runner OpenFor(List<ModelProto> group)
    {
        if (!_share)
        {
            var own = OnnxRuntimeSession.FromModel(group[0], _runtime);
            _groups.Add((group[0], null, own));
            return new Runner(own, null);
        }
        // A group of one too: every candidate is judged on the same kind of graph (JudgeModel).
        var shared = JudgeModel.Create(group);
        var session = OnnxRuntimeSession.FromModel(shared.Proto, _runtime);
        _groups.Add((group[0], shared, session));
        return new Runner(session, shared.Feeds[0]);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, _, session) in _groups)
        {
            session.Dispose();
        }
        _groups.Clear();
    }

    /// <summary>One candidate's way to run a batch: its own session, or the shared one with its constants fed as inputs.</summary>
    internal sealed class Runner(OnnxRuntimeSession session, IReadOnlyDictionary<string, HostTensor>? feeds)
    {
        /// <summary>Runs <paramref name="batch"/> and returns the outputs <paramref name="names"/>.</summary>
        public IReadOnlyDictionary<string, HostTensor> Run(IReadOnlyDictionary<string, HostTensor> batch, IReadOnlyCollection<string> names)
        {
            if (feeds is null)
            {
                return session.Run(batch, names);
            }
            var inputs = new Dictionary<string, HostTensor>(batch, StringComparer.Ordinal);
            foreach (var (name, value) in feeds)
            {
                inputs[name] = value;
            }
            return session.Run(inputs, names);
        }
    }
}
