namespace Containment.Landlock;

/// <summary>A Landlock rule: <paramref name="Access"/> is allowed on <paramref name="Path"/> and everything beneath it.</summary>
/// <param name="Path">An absolute path, resolved inside the container's root when the container starts.</param>
/// <param name="Access">What is allowed there.</param>
public sealed record LandlockPathRule(string Path, LandlockPathAccess Access);
