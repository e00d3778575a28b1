using System;

namespace Throttling;

/// <summary>
/// Thrown by a hand-written client when its provider throttled a call, so a generated decorator retries it like an
/// HTTP 429: after <see cref="RetryAfter"/> when given, else after a jittered backoff.
/// </summary>
public class TooManyRequestsException : Exception
{
    /// <summary>The server throttled the call without saying when to retry.</summary>
    public TooManyRequestsException()
        : this((TimeSpan?)null)
    {
    }

    /// <summary>The server throttled the call without saying when to retry.</summary>
    /// <param name="message">What happened.</param>
    public TooManyRequestsException(string? message)
        : this(message, null)
    {
    }

    /// <summary>The server throttled the call without saying when to retry.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">What caused it.</param>
    public TooManyRequestsException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The server throttled the call and asked to wait <paramref name="retryAfter"/>.</summary>
    public TooManyRequestsException(TimeSpan? retryAfter)
        : this(retryAfter, null)
    {
    }

    /// <summary>The server throttled the call and asked to wait <paramref name="retryAfter"/>.</summary>
    public TooManyRequestsException(TimeSpan? retryAfter, Exception? innerException)
        : base(retryAfter is { } wait ? $"The server is throttling calls; it asked to retry after {wait}." : "The server is throttling calls.", innerException)
        => RetryAfter = retryAfter;

    /// <summary>How long the server asked to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
