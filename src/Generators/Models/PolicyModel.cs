using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>The limits the attributes declare, in ticks and counts.</summary>
internal sealed record PolicyModel(
    SlotsModel? Slots,
    EquatableArray<RateLimitModel> RateLimits,
    BackoffModel? Backoff,
    EquatableArray<MethodPolicyModel> Methods);

/// <summary>A <c>[Slots]</c> attribute's values.</summary>
internal sealed record SlotsModel(int Count, int QueueLimit, long? MaxWaitTicks);

/// <summary>A <c>[RateLimit]</c> attribute's values.</summary>
internal sealed record RateLimitModel(int Permits, long WindowTicks, int Kind);

/// <summary>A <c>[Backoff]</c> attribute's values.</summary>
internal sealed record BackoffModel(int MaxRetries, long BaseDelayTicks, long MaxDelayTicks, long MaxRetryAfterTicks);

/// <summary>What one method's own attributes add to the client's policy.</summary>
internal sealed record MethodPolicyModel(string Key, EquatableArray<RateLimitModel> RateLimits, BackoffModel? Backoff);
