using System;

namespace Throttling;

/// <summary>How calls the server throttles (HTTP 429) are retried.</summary>
/// <remarks>
/// Every setting is an init property with <see cref="BackoffAttribute"/>'s default, so that adding one later breaks no
/// caller's binary: <c>new BackoffPolicy { MaxRetries = 5, MaxRetryAfter = TimeSpan.FromMinutes(1) }</c>.
/// </remarks>
public sealed class BackoffPolicy
{
    private readonly int _maxRetries = BackoffDefaults.MaxRetries;
    private readonly TimeSpan _baseDelay = BackoffDefaults.BaseDelay;
    private readonly TimeSpan _maxDelay = BackoffDefaults.MaxDelay;
    private readonly TimeSpan _maxRetryAfter = BackoffDefaults.MaxRetryAfter;

    /// <summary>Three retries, 2 s base delay, 60 s max delay, Retry-After honored up to 5 minutes.</summary>
    public static BackoffPolicy Default { get; } = new();

    /// <summary>Creates a backoff policy with <see cref="BackoffAttribute"/>'s defaults; set the properties that differ.</summary>
    public BackoffPolicy()
    {
    }

    /// <summary>Retries after the first attempt; 0 or more. <see cref="BackoffAttribute.MaxRetries"/>'s default.</summary>
    public int MaxRetries
    {
        get => _maxRetries;
        init => _maxRetries = LimitRules.IsValidRetryCount(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxRetries), value, "MaxRetries must be 0 or more.");
    }

    /// <summary>The exponential backoff's first step; positive.</summary>
    public TimeSpan BaseDelay
    {
        get => _baseDelay;
        init => _baseDelay = Positive(value, nameof(BaseDelay));
    }

    /// <summary>The longest computed delay; positive.</summary>
    public TimeSpan MaxDelay
    {
        get => _maxDelay;
        init => _maxDelay = Positive(value, nameof(MaxDelay));
    }

    /// <summary>The longest server Retry-After worth waiting for; longer fails the call at once. Positive.</summary>
    public TimeSpan MaxRetryAfter
    {
        get => _maxRetryAfter;
        init => _maxRetryAfter = Positive(value, nameof(MaxRetryAfter));
    }

    /// <summary>
    /// The full-jitter delay before retry number <paramref name="retry"/> (0 for the first retry): uniform between zero
    /// and <c>min(MaxDelay, BaseDelay · 2^retry)</c>, so that clients throttled together do not retry together.
    /// </summary>
    /// <param name="retry">The retry about to happen, counted from 0.</param>
    /// <param name="unitRandom">A number in [0, 1).</param>
    internal TimeSpan ComputeDelay(int retry, double unitRandom)
    {
        double ceiling = BaseDelay.Ticks * Math.Pow(2, Math.Min(retry, 62));
        double capped = Math.Min(ceiling, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * unitRandom));
    }

    private static TimeSpan Positive(TimeSpan value, string name)
        => value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "Backoff durations must be positive.");

    internal bool SetsSameLimitsAs(BackoffPolicy? other)
        => other is not null
            && MaxRetries == other.MaxRetries
            && BaseDelay == other.BaseDelay
            && MaxDelay == other.MaxDelay
            && MaxRetryAfter == other.MaxRetryAfter;
}
