using System;

namespace Throttling.Roslyn;

/// <summary>The values of a <c>[RateLimit]</c> attribute; <paramref name="Unit"/> is "requests" unless it counts costs.</summary>
internal sealed record RateLimitValues(int Permits, TimeSpan Window, int Kind, string Unit)
{
    public bool IsWeighted => !LimitRules.CountsRequests(Unit);
}
