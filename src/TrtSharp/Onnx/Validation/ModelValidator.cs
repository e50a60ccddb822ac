using TrtSharp.Errors;
using TrtSharp.Onnx.Protobuf;
using TrtSharp.Tensors;

namespace TrtSharp.Onnx.Validation;

/// <summary>
/// Finds what is wrong with a model before anything runs it: graph structure (order, cycles, self-loops,
/// undefined and duplicate values, subgraphs with their outer scope), operators against their domain and opset,
/// attribute types, and tensor data against type and shape. Reports every problem instead of stopping at the first.
/// </summary>
public static class ModelValidator
{
    /// <summary>
    /// Reads <paramref name="path"/> and validates it. Only an unreadable file throws; a model whose tensors
    /// are inconsistent is still read, so that its problems can be listed.
    /// </summary>
    /// <exception cref="ModelFormatException">Missing, empty or non-ONNX file.</exception>
    public static (OnnxModel Model, IReadOnlyList<ModelProblem> Problems) LoadAndValidate(string path)
    {
        OnnxModel model = OnnxModel.LoadWithoutTensorChecks(path);
        return (model, Validate(model));
    }

    /// <summary>Every problem of <paramref name="model"/>, main graph first, then subgraphs, then tensor data.</summary>
    public static IReadOnlyList<ModelProblem> Validate(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<ModelProblem>();
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var import in model.Proto.OpsetImport)
        {
            opsets[OperatorCatalog.Canonical(import.Domain)] = import.Version;
        }
        var functions = model.Proto.Functions.Select(f => (f.Domain, f.Name)).ToHashSet();
        var context = new GraphChecker.Context(opsets, functions, problems);
        GraphChecker.Check(model.Proto.Graph, "main", new HashSet<string>(StringComparer.Ordinal), context);
        CheckTensors(model, problems);
        return problems;
    }

    private static void CheckTensors(OnnxModel model, List<ModelProblem> problems)
    {
        foreach (var tensor in OnnxTensorWalker.AllTensors(model.Proto))
        {
            string? problem = TensorProblem(model, tensor);
            if (problem is not null)
            {
                problems.Add(new ModelProblem(ModelProblemKind.TensorData, "main", null, problem));
            }
        }
    }

    private static string? TensorProblem(OnnxModel model, TensorProto tensor)
    {
        try
        {
            // Type, dims, raw_data length and external files: the loader's own checks.
            model.ValidateTensor(tensor);
            if (tensor.HasRawData || ExternalDataReference.IsExternal(tensor))
            {
                return null;
            }
            // Data in the typed fields (float_data, int64_data, string_data …): one entry per element.
            var type = OnnxTensors.ElementTypeOf(tensor);
            long count = HostTensor.ShapeElementCount(OnnxTensors.ShapeOf(tensor));
            if (type == TensorElementType.String)
            {
                return tensor.StringData.Count == count ? null : $"tensor '{tensor.Name}': string_data has {tensor.StringData.Count} strings but its shape needs {count}";
            }
            OnnxTensors.CheckTypedCount(tensor, type, count);
            return null;
        }
        catch (OverflowException)
        {
            return $"tensor '{tensor.Name}': dimensions overflow";
        }
        catch (TrtSharpException e)
        {
            return e is ModelFormatException { } m ? m.Reason : e.Message;
        }
    }
}
