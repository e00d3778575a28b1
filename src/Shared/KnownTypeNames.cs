namespace Throttling;

/// <summary>Names the generator and the analyzers match symbols by; the runtime defines these types.</summary>
internal static class KnownTypeNames
{
    /// <summary>The runtime package's assembly, which defines the attributes.</summary>
    public const string RuntimeAssembly = "Throttling";

    public const string SlotsAttribute = "Throttling.SlotsAttribute";
    public const string RateLimitAttribute = "Throttling.RateLimitAttribute";
    public const string BackoffAttribute = "Throttling.BackoffAttribute";
    public const string UnthrottledAttribute = "Throttling.UnthrottledAttribute";
    public const string GeneratedCodeAttribute = "System.CodeDom.Compiler.GeneratedCodeAttribute";
}
