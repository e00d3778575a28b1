using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>The limits the attributes declare, in ticks and counts.</summary>
internal sealed record PolicyModel(
    SlotsModel? Slots,
    EquatableArray<RateLimitModel> RateLimits,
    BackoffModel? Backoff,
    EquatableArray<MethodPolicyModel> Methods);
