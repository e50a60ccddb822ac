using TrtSharp.Errors;
using TrtSharp.Inference;
using TrtSharp.Tensors;

namespace TrtSharp.Tools.Speech;

/// <summary>Shape and type checks shared by the speech classes, so a wrong model fails early with a named tensor.</summary>
internal static class SessionChecks
{
    public static TensorDescriptor SingleFloatInput(IInferenceSession session, string role)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Inputs.Count != 1)
        {
            throw new TensorShapeException(null, $"the {role} model should have 1 input, it has {session.Inputs.Count} ({string.Join(", ", session.Inputs.Select(i => i.Name))})");
        }
        return RequireFloat(session.Inputs[0], role);
    }

    public static TensorDescriptor FirstFloatOutput(IInferenceSession session, string role)
    {
        if (session.Outputs.Count == 0)
        {
            throw new TensorShapeException(null, $"the {role} model has no outputs");
        }
        return RequireFloat(session.Outputs[0], role);
    }

    public static HostTensor<float> FloatBuffer(HostTensor tensor, string name, int expectedCount, string role)
    {
        if (tensor is not HostTensor<float> f || tensor.ElementType != TensorElementType.Float)
        {
            throw new TensorShapeException(name, $"the {role} model's tensor is {tensor}, expected float");
        }
        if (f.ElementCount != expectedCount)
        {
            throw new TensorShapeException(name, $"the {role} model's tensor has shape {HostTensor.FormatShape(f.Shape)} ({f.ElementCount} values), expected {expectedCount} values");
        }
        return f;
    }

    private static TensorDescriptor RequireFloat(TensorDescriptor d, string role) =>
        d.ElementType == TensorElementType.Float
            ? d
            : throw new TensorShapeException(d.Name, $"the {role} model's tensor is {TensorElementTypeInfo.Name(d.ElementType)}, expected float");
}
