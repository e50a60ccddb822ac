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
                pending.RemoveAll(m => group.Contains(m));
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
    public Runner For(ModelProto model)
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
        OpenFor([model]);
        return For(model);
    }

    private void OpenFor(List<ModelProto> group)
    {
        if (!_share)
        {
            _groups.Add((group[0], null, OnnxRuntimeSession.FromModel(group[0], _runtime)));
            return;
        }
        // A group of one too: every candidate is judged on the same kind of graph (JudgeModel).
        var shared = JudgeModel.Create(group);
        _groups.Add((group[0], shared, OnnxRuntimeSession.FromModel(shared.Proto, _runtime)));
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
