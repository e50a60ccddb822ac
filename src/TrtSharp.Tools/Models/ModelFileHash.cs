namespace TrtSharp.Tools.Models;

/// <summary>A file of a model package and the SHA-256 (lowercase hex) it must have.</summary>
/// <param name="RelativePath">Path inside the installed package folder, with '/' separators.</param>
/// <param name="Sha256">Expected SHA-256 of the file, 64 lowercase hex digits.</param>
public sealed record ModelFileHash(string RelativePath, string Sha256);
