using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>The limits the attributes declare.</summary>
internal sealed record PolicyModel(
    SlotsValues? Slots,
    EquatableArray<RateLimitValues> RateLimits,
    BackoffValues? Backoff,
    EquatableArray<MethodPolicyModel> Methods);
