using TrtSharp.Tensors;
using TrtSharp.Triton;
using TrtSharp.Errors;

namespace TrtSharp.Tests.Triton;

public sealed class TritonModelConfigTests
{
    private static TritonTensor T(string name, params long[] shape) => new(new TensorDescriptor(name, TensorElementType.Float, shape));

    private static TritonExportOptions Options(int? maxBatch = null, bool dynamic = false) => new() { Name = "m", MaxBatchSize = maxBatch, DynamicBatching = dynamic };

    [Test]
    public void DynamicLeadingDimensionBecomesTheBatchDimension()
    {
        var (config, notes) = TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", -1, 76, 32, 1)], [T("y", -1, 96)], Options(16));
        Assert.Multiple(() =>
        {
            Assert.That(config.MaxBatchSize, Is.EqualTo(16));
            Assert.That(config.Input[0].Dims, Is.EqualTo(new long[] { 76, 32, 1 }));
            Assert.That(config.Output[0].Dims, Is.EqualTo(new long[] { 96 }));
            Assert.That(notes, Is.Empty);
        });
    }

    [Test]
    public void WithoutMaxBatchTheDefaultIsUsedAndSaid()
    {
        var (config, notes) = TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", -1, 4)], [T("y", -1, 4)], Options());
        Assert.That(config.MaxBatchSize, Is.EqualTo(TritonExportOptions.DefaultMaxBatchSize));
        Assert.That(notes.Single(), Does.Contain("--max-batch"));
    }

    [Test]
    public void ThePlanProfileBoundsTheBatch()
    {
        var input = new TritonTensor(new TensorDescriptor("x", TensorElementType.Float, [-1, 4]), MaxLeadingDimension: 32);
        var (config, _) = TritonModelConfig.Build(TritonModelConfig.TensorRtPlatform, [input], [T("y", -1, 4)], Options());
        Assert.That(config.MaxBatchSize, Is.EqualTo(32));
        Assert.That(config.InstanceGroup[0].Kind, Is.EqualTo(TrtSharp.Triton.Protobuf.ModelInstanceGroup.Types.Kind.Gpu));

        var ex = Assert.Throws<ArgumentException>(() => TritonModelConfig.Build(TritonModelConfig.TensorRtPlatform, [input], [T("y", -1, 4)], Options(64)));
        Assert.That(ex!.Message, Does.Contain("64").And.Contain("32"));
    }

    [Test]
    public void FixedLeadingDimensionKeepsShapesWholeOrRefusesABatch()
    {
        var (config, notes) = TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", 1, 16, 96)], [T("y", 1, 1)], Options());
        Assert.That(config.MaxBatchSize, Is.Zero);
        Assert.That(config.Input[0].Dims, Is.EqualTo(new long[] { 1, 16, 96 }));
        Assert.That(notes.Single(), Does.Contain("max_batch_size 0"));

        var ex = Assert.Throws<ArgumentException>(() => TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", 1, 16, 96)], [T("y", 1, 1)], Options(8)));
        Assert.That(ex!.Message, Does.Contain("'x' is [1, 16, 96]"));
        ex = Assert.Throws<ArgumentException>(() => TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", 1, 16, 96)], [T("y", 1, 1)], Options(dynamic: true)));
        Assert.That(ex!.Message, Does.Contain("--dynamic-batching"));
    }

    [Test]
    public void AScalarPerRequestIsOneElementReshapedToNothing()
    {
        var (config, _) = TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", -1, 4)], [T("score", -1)], Options(4));
        Assert.That(config.Output[0].Dims, Is.EqualTo(new long[] { 1 }));
        Assert.That(config.Output[0].Reshape, Is.Not.Null);
        Assert.That(config.Output[0].Reshape.Shape, Is.Empty);
    }

    [Test]
    public void MaxBatchZeroKeepsTheDynamicLeadingDimension()
    {
        var (config, _) = TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [T("x", -1, 4)], [T("y", -1, 4)], Options(0));
        Assert.That(config.Input[0].Dims, Is.EqualTo(new long[] { -1, 4 }));
    }

    [Test]
    public void ShapeTensorsDoNotDecideTheBatchDimensionAndKeepTheirShape()
    {
        var shape = new TritonTensor(new TensorDescriptor("shape", TensorElementType.Int64, [2]), IsShapeTensor: true);
        var (config, _) = TritonModelConfig.Build(TritonModelConfig.TensorRtPlatform, [T("x", -1, 6), shape], [T("y", -1, 2, 3)], Options(4));
        Assert.That(config.Input[1].IsShapeTensor, Is.True);
        Assert.That(config.Input[1].Dims, Is.EqualTo(new long[] { 2 }));
        Assert.That(config.Input[1].DataType, Is.EqualTo(TrtSharp.Triton.Protobuf.DataType.TypeInt64));
    }

    [Test]
    public void TypesWithoutATritonEquivalentAreRefusedByName()
    {
        var complex = new TritonTensor(new TensorDescriptor("c", TensorElementType.Complex64, [-1, 2]));
        var ex = Assert.Throws<UnsupportedDataTypeException>(() => TritonModelConfig.Build(TritonModelConfig.OnnxRuntimePlatform, [complex], [T("y", -1)], Options()));
        Assert.That(ex!.Message, Does.Contain("'c'").And.Contain("complex64"));
    }

    [TestCase("", "plain folder name")]
    [TestCase("a/b", "plain folder name")]
    [TestCase("..", "plain folder name")]
    public void BadNamesAreRefused(string name, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => TritonModelConfig.Validate(new TritonExportOptions { Name = name }));
        Assert.That(ex!.Message, Does.Contain(fragment));
    }

    [Test]
    public void BadNumbersAreRefusedBeforeAnyFileIsRead()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TritonModelConfig.Validate(new TritonExportOptions { Name = "m", Instances = 0 }), Throws.ArgumentException.With.Message.Contains("--instances"));
            Assert.That(() => TritonModelConfig.Validate(new TritonExportOptions { Name = "m", Version = 0 }), Throws.ArgumentException.With.Message.Contains("--version"));
            Assert.That(() => TritonModelConfig.Validate(new TritonExportOptions { Name = "m", MaxBatchSize = -1 }), Throws.ArgumentException.With.Message.Contains("--max-batch"));
            Assert.That(() => TritonModelConfig.Validate(new TritonExportOptions { Name = "m", MaxBatchSize = 0, DynamicBatching = true }), Throws.ArgumentException.With.Message.Contains("--dynamic-batching"));
        });
    }
}
