namespace TrtSharp.Tools.Models;

/// <summary>Paths of the installed real-models suite (all absolute).</summary>
/// <param name="TextDetector">PP-OCRv4 text detector (DB): [N, 3, H, W] image → [N, 1, H, W] text probability; opset 11.</param>
/// <param name="TextRecognizer">PP-OCRv4 recognizer (SVTR-LCNet, attention blocks): [N, 3, 48, W] → [N, W/8, 6625] CTC probabilities; opset 9.</param>
/// <param name="TextDirectionClassifier">PP-OCR mobile v2.0 text-line direction classifier: [N, 3, 48, 192] → [N, 2] (0°, 180°); opset 9.</param>
/// <param name="RecognizerDictionary">The recognizer's character list, one per line (CTC class i + 1; the class after the last is a space).</param>
/// <param name="Speech">The default speech models.</param>
public sealed record SuiteModelSet(string TextDetector, string TextRecognizer, string TextDirectionClassifier, string RecognizerDictionary, SpeechModelSet Speech)
{
    /// <summary>Every model of the suite by a short name, ONNX files only.</summary>
    public IReadOnlyDictionary<string, string> Models => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ocr-det"] = TextDetector,
        ["ocr-rec"] = TextRecognizer,
        ["ocr-cls"] = TextDirectionClassifier,
        ["melspectrogram"] = Speech.Melspectrogram,
        ["speech-embedding"] = Speech.Embedding,
        ["hey_jarvis"] = Speech.HeyJarvis,
        ["silero_vad"] = Speech.Vad,
    };
}
