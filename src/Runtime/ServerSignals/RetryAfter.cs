using System;
using System.Collections.Generic;
using System.Globalization;
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
    /// Reads a response's <c>Retry-After</c> from its raw values, which the typed header drops when they do not parse:
    /// a list (<c>120, 120</c>, duplicates merged by a proxy) means its largest entry; a number too large for
    /// <see cref="TimeSpan"/> means <see cref="TimeSpan.MaxValue"/>; a date is resolved against the response's own
    /// <c>Date</c> header when it has one, so a server whose clock differs from ours still gets the wait it meant.
    /// Entries that do not parse are ignored; none that parse gives <see cref="None"/>.
    /// </summary>
    public static RetryAfter From(HttpResponseHeaders? headers)
        => headers is not null && headers.TryGetValues(HeaderName, out IEnumerable<string>? values) ? Parse(values, headers.Date) : None;

    internal const string HeaderName = "Retry-After";

    internal static RetryAfter Parse(IEnumerable<string> values, DateTimeOffset? responseDate)
    {
        TimeSpan? delay = null;
        DateTimeOffset? date = null;
        foreach (string value in values)
        {
            // An HTTP-date has a comma of its own ("Wed, 21 Oct 2026 07:28:00 GMT"): rejoin it before reading the list.
            string[] parts = value.Split(',');
            for (int i = 0; i < parts.Length; i++)
            {
                string part = parts[i].Trim();
                if (TryParseSeconds(part, out TimeSpan seconds))
                {
                    delay = Max(delay, seconds);
                }
                else if (i + 1 < parts.Length && TryParseDate(part + "," + parts[i + 1], out DateTimeOffset joined))
                {
                    date = Max(date, joined);
                    i++;
                }
                else if (TryParseDate(part, out DateTimeOffset single))
                {
                    date = Max(date, single);
                }
            }
        }

        if (date is { } named && responseDate is { } sent)
        {
            delay = Max(delay, named > sent ? named - sent : TimeSpan.Zero);
            date = null;
        }

        return new RetryAfter(delay, date);
    }

    private static bool TryParseSeconds(string text, out TimeSpan delay)
    {
        delay = default;
        if (text.Length == 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        // All digits: a number past what TimeSpan holds is still a number, and an absurd wait.
        delay = double.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) >= TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.MaxValue
            : TimeSpan.FromSeconds(long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
        return true;
    }

    private static bool TryParseDate(string text, out DateTimeOffset date)
        => DateTimeOffset.TryParseExact(text.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);

    private static TimeSpan? Max(TimeSpan? current, TimeSpan candidate) => current is { } value && value >= candidate ? value : candidate;

    private static DateTimeOffset? Max(DateTimeOffset? current, DateTimeOffset candidate) => current is { } value && value >= candidate ? value : candidate;

    /// <summary>
    /// How long to wait from <paramref name="utcNow"/>: the delay, or the time left until the date (the longer of the
    /// two when a list gave both). Null when the server gave no time, or only a date already past (usually clock skew:
    /// the computed backoff is the safer answer then).
    /// </summary>
    public TimeSpan? Resolve(DateTimeOffset utcNow)
    {
        TimeSpan? delay = Delay is { } asked && asked >= TimeSpan.Zero ? asked : null;
        if (Date is { } date && date > utcNow && (delay is null || date - utcNow > delay))
        {
            return date - utcNow;
        }

        return delay;
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
        => Delay is { } delay ? Duration.Describe(delay) : Date is { } date ? date.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "unspecified";
}
