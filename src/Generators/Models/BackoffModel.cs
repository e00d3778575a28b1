namespace Throttling.Generators.Models;

/// <summary>A <c>[Backoff]</c> attribute's values.</summary>
internal sealed record BackoffModel(int MaxRetries, long BaseDelayTicks, long MaxDelayTicks, long MaxRetryAfterTicks);
