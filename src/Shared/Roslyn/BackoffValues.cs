using System;

namespace Throttling.Roslyn;

/// <summary>The values of a <c>[Backoff]</c> attribute; unset properties hold the attribute's defaults.</summary>
internal sealed record BackoffValues(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan MaxRetryAfter);
