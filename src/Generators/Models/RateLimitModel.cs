namespace Throttling.Generators.Models;

/// <summary>A <c>[RateLimit]</c> attribute's values.</summary>
internal sealed record RateLimitModel(int Permits, long WindowTicks, int Kind);
