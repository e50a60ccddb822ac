namespace TrtSharp.TensorRT;

/// <summary>
/// Where one TensorRT run's time went, trtexec style: host time spent enqueueing, and GPU time (CUDA events on the
/// run's stream) of the host→device copies, the engine's compute and the device→host copies.
/// </summary>
/// <param name="EnqueueMs">Host wall time of the enqueue (or graph launch) call.</param>
/// <param name="HostToDeviceMs">GPU time of the input copies (0 with transfers skipped).</param>
/// <param name="ComputeMs">GPU time of the engine's work.</param>
/// <param name="DeviceToHostMs">GPU time of the output copies (0 with transfers skipped).</param>
public readonly record struct TensorRtPhases(double EnqueueMs, double HostToDeviceMs, double ComputeMs, double DeviceToHostMs);
