namespace Throttling.Roslyn;

/// <summary>How a throttled client handles one member of its interface.</summary>
internal enum MemberHandling
{
    /// <summary>A call gated by slots, rate limits and backoff.</summary>
    Gated,

    /// <summary>Passed straight through because <c>[Unthrottled]</c> says so.</summary>
    Unthrottled,

    /// <summary>Passed straight through because it cannot be gated (THR102 says why).</summary>
    PassedThrough,

    /// <summary>Passed through silently: <c>Dispose</c>/<c>DisposeAsync</c> of the interface's disposable bases.</summary>
    Lifetime,

    /// <summary>A static abstract member: the interface cannot even be a type argument, so no client can wrap it.</summary>
    Unsupported,
}
