using System;
using System.Net.Http.Headers;

namespace Throttling;

/// <summary>
/// When the server said to try again: a delay (<c>Retry-After: 120</c>), a date (<c>Retry-After: Wed, 21 Oct 2026 07:28:00 GMT</c>),
/// or nothing. Dates are resolved against the throttle's <see cref="TimeProvider"/>, so tests control them.
/// </summary>
public readonly struct RetryAfter : IEquatable<RetryAfter>
{
    private RetryAfter(TimeSpan? delay, DateTimeOffset? date)
    {
        Delay = delay;
        Date = date;
    }

    /// <summary>The server gave no time.</summary>
    public static RetryAfter None => default;

    /// <summary>The delay the server asked for, when it sent one.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>The date the server named, when it sent one.</summary>
    public DateTimeOffset? Date { get; }

    /// <summary>Whether the server gave a time at all.</summary>
    public bool IsSpecified => Delay.HasValue || Date.HasValue;

    /// <summary>The server asked to wait <paramref name="delay"/>.</summary>
    public static RetryAfter After(TimeSpan delay) => new(delay, null);

    /// <summary>The server asked to wait until <paramref name="date"/>.</summary>
    public static RetryAfter At(DateTimeOffset date) => new(null, date);

    /// <summary>Reads an HTTP <c>Retry-After</c> header; a missing or malformed header gives <see cref="None"/>.</summary>
    public static RetryAfter From(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return After(delta);
        }

        return header?.Date is { } date ? At(date) : None;
    }

    /// <summary>
    /// How long to wait from <paramref name="utcNow"/>: the delay, or the time left until the date. Null when the server
    /// gave no time, or a date already past (usually clock skew: the computed backoff is the safer answer then).
    /// </summary>
    public TimeSpan? Resolve(DateTimeOffset utcNow)
    {
        if (Delay is { } delay)
        {
            return delay < TimeSpan.Zero ? null : delay;
        }

        if (Date is { } date && date > utcNow)
        {
            return date - utcNow;
        }

        return null;
    }

    /// <inheritdoc />
    public bool Equals(RetryAfter other) => Delay == other.Delay && Date == other.Date;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RetryAfter other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (Delay, Date).GetHashCode();

    /// <summary>Compares two values.</summary>
    public static bool operator ==(RetryAfter left, RetryAfter right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    public static bool operator !=(RetryAfter left, RetryAfter right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString()
        => Delay is { } delay ? "after " + delay : Date is { } date ? "at " + date.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "unspecified";
}
