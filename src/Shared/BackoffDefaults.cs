using System;

namespace Throttling;

/// <summary>
/// What an unset <c>[Backoff]</c> property means. Compiled into the runtime (the attribute and
/// <c>BackoffPolicy</c>) and the generator, so that a client compiled without a value and one
/// configured without it behave the same.
/// </summary>
internal static class BackoffDefaults
{
    public const int MaxRetries = 3;

    // As the attribute's properties hold them.
    public const string BaseDelayText = "2s";
    public const string MaxDelayText = "60s";
    public const string MaxRetryAfterText = "5m";

    // Parsed once, by the one parser.
    public static readonly TimeSpan BaseDelay = Duration.Parse(BaseDelayText, nameof(BaseDelay));
    public static readonly TimeSpan MaxDelay = Duration.Parse(MaxDelayText, nameof(MaxDelay));
    public static readonly TimeSpan MaxRetryAfter = Duration.Parse(MaxRetryAfterText, nameof(MaxRetryAfter));
}
