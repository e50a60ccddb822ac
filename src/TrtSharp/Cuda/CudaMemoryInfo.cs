namespace TrtSharp.Cuda;

/// <summary>Free and total bytes of one device's memory.</summary>
/// <param name="FreeBytes">Bytes not yet allocated.</param>
/// <param name="TotalBytes">Bytes the device has.</param>
public readonly record struct CudaMemoryInfo(long FreeBytes, long TotalBytes);
