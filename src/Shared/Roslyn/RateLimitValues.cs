using System;

namespace Throttling.Roslyn;

/// <summary>The values of a <c>[RateLimit]</c> attribute.</summary>
internal sealed record RateLimitValues(int Permits, TimeSpan Window, int Kind);
