using System;

namespace Throttling;

/// <summary>
/// Configures how calls that the server throttles (HTTP 429) are retried. On an interface it applies to every method;
/// on a method it replaces the interface's setting. Without it, the defaults below apply.
/// </summary>
/// <remarks>
/// A retry waits the server's <c>Retry-After</c> when it sends one (never less), otherwise a full-jitter exponential
/// delay between zero and <c>min(MaxDelay, BaseDelay · 2^attempt)</c>. Each retry takes its own rate permit.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BackoffAttribute : Attribute
{
    /// <summary>Retries after the first attempt; 0 hands every 429 straight back. Default 3.</summary>
    public int MaxRetries { get; set; } = BackoffDefaults.MaxRetries;

    /// <summary>The exponential backoff's first step, such as <c>"2s"</c> (the default).</summary>
    public string BaseDelay { get; set; } = BackoffDefaults.BaseDelayText;

    /// <summary>The longest computed backoff delay, such as <c>"60s"</c> (the default).</summary>
    public string MaxDelay { get; set; } = BackoffDefaults.MaxDelayText;

    /// <summary>
    /// The longest <c>Retry-After</c> worth waiting for, such as <c>"5m"</c> (the default). A server asking for longer
    /// fails the call at once with its 429 instead of parking it.
    /// </summary>
    public string MaxRetryAfter { get; set; } = BackoffDefaults.MaxRetryAfterText;
}
