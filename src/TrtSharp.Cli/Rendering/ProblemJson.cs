using TrtSharp.Onnx.Validation;

namespace TrtSharp.Cli.Rendering;

/// <summary>The JSON shape of one model problem in <c>check</c> and <c>inspect</c> reports.</summary>
internal sealed record ProblemJson(string Kind, string Graph, string? Node, string Message)
{
    public static ProblemJson Of(ModelProblem p) => new(p.Code, p.Graph, p.Node, p.Message);
}
