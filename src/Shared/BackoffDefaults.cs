namespace Throttling;

/// <summary>
/// What an unset <c>[Backoff]</c> property means. Compiled into the runtime (the attribute and
/// <c>BackoffPolicy</c>) and the generator, so that a client compiled without a value and one
/// configured without it behave the same.
/// </summary>
internal static class BackoffDefaults
{
    public const int MaxRetries = 3;

    public const string BaseDelay = "2s";

    public const string MaxDelay = "60s";

    public const string MaxRetryAfter = "5m";
}
