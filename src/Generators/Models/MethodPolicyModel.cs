using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>What one method's own attributes add to the client's policy.</summary>
internal sealed record MethodPolicyModel(string Key, EquatableArray<RateLimitValues> RateLimits, BackoffValues? Backoff);
