namespace Throttling;

/// <summary>Metadata names the generator and the analyzers resolve in more than one place: the runtime's types, and the BCL's they share.</summary>
internal static class KnownTypeNames
{
    /// <summary>The runtime package's assembly, which defines the attributes.</summary>
    public const string RuntimeAssembly = "Throttling";

    public const string SlotsAttribute = "Throttling.SlotsAttribute";
    public const string RateLimitAttribute = "Throttling.RateLimitAttribute";
    public const string BackoffAttribute = "Throttling.BackoffAttribute";
    public const string UnthrottledAttribute = "Throttling.UnthrottledAttribute";
    public const string CostAttribute = "Throttling.CostAttribute";
    public const string GeneratedCodeAttribute = "System.CodeDom.Compiler.GeneratedCodeAttribute";

    // BCL types that several rules and the generator resolve.
    public const string Task = "System.Threading.Tasks.Task";
    public const string TaskOfT = "System.Threading.Tasks.Task`1";
    public const string ValueTask = "System.Threading.Tasks.ValueTask";
    public const string ValueTaskOfT = "System.Threading.Tasks.ValueTask`1";
    public const string Thread = "System.Threading.Thread";
    public const string SemaphoreSlim = "System.Threading.SemaphoreSlim";
    public const string RateLimiter = "System.Threading.RateLimiting.RateLimiter";
    public const string CancellationToken = "System.Threading.CancellationToken";
    public const string HttpResponseMessage = "System.Net.Http.HttpResponseMessage";
    public const string Enumerable = "System.Linq.Enumerable";
}
