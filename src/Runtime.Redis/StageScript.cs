using System.Collections.Generic;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>
/// What the scripts take for one method stage: its keys and limits (the client's, those learned from the server, then the
/// method's).
/// </summary>
internal sealed class StageScript
{
    public StageScript(MethodStage stage, string methodKey, IReadOnlyList<RateLimitPolicy> methodLimits, RedisKey[] keys, RedisValue[] limitArgs, bool hasSlidingWindow, long jitter)
    {
        Jitter = jitter;
        Stage = stage;
        MethodKey = methodKey;
        MethodLimits = methodLimits;
        Keys = keys;
        LimitArgs = limitArgs;
        LimitCount = limitArgs.Length / 4;
        HasSlidingWindow = hasSlidingWindow;
    }

    public MethodStage Stage { get; }

    public string MethodKey { get; }

    public IReadOnlyList<RateLimitPolicy> MethodLimits { get; }

    public RedisKey[] Keys { get; }

    /// <summary>Four values per limit: kind, permits, window (µs), scope.</summary>
    public RedisValue[] LimitArgs { get; }

    public int LimitCount { get; }

    /// <summary>The room a counted start's date leaves for the network's jitter (<see cref="CountedDating.JitterFor"/>).</summary>
    public long Jitter { get; }

    /// <summary>Whether a release must date the call's start (a sliding window counts it from its response).</summary>
    public bool HasSlidingWindow { get; }

    /// <summary>The same method's stage in the local share, while Redis is away.</summary>
    public MethodStage? FallbackStage { get; set; }
}
