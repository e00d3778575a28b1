using System;
using System.Collections.Generic;

namespace Throttling;

/// <summary>
/// Overrides of one client's compiled-in policy, named after the client: read from configuration section
/// <c>Throttling:&lt;ClientName&gt;</c> (for <c>ISerpClient</c>, <c>Throttling:SerpClient</c>, durations written like
/// <c>"30s"</c>) or set in code with <c>AddThrottled&lt;ISerpClient&gt;(o =&gt; o.Slots = 68)</c>. Values left unset keep
/// the attributes' values; a value out of range fails at start-up with its configuration path.
/// </summary>
/// <example>
/// <code>
/// "Throttling": {
///   "SerpClient": {
///     "Slots": 68, "QueueLimit": 500, "MaxWait": "30s",
///     "RateLimits": [ { "Permits": 5000, "Window": "1m" } ],
///     "MaxRetries": 5, "BaseDelay": "1s", "MaxDelay": "30s", "MaxRetryAfter": "2m", "RecordingDelayCap": "500ms"
///   }
/// }
/// </code>
/// </example>
public sealed class ClientThrottlingOptions
{
    /// <summary>Calls that may be in flight at once.</summary>
    public int? Slots { get; set; }

    /// <summary>Callers that may wait at once.</summary>
    public int? QueueLimit { get; set; }

    /// <summary>The longest a call may wait for its turn.</summary>
    public TimeSpan? MaxWait { get; set; }

    /// <summary>Replaces the client's rate limits (method limits stay as compiled).</summary>
    public IList<RateLimitOptions>? RateLimits { get; set; }

    /// <summary>Retries after the first attempt.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>The exponential backoff's first step.</summary>
    public TimeSpan? BaseDelay { get; set; }

    /// <summary>The longest computed backoff delay.</summary>
    public TimeSpan? MaxDelay { get; set; }

    /// <summary>The longest server Retry-After worth waiting for.</summary>
    public TimeSpan? MaxRetryAfter { get; set; }

    /// <summary>
    /// The latest after a call is invoked that its start is dated (<see cref="ThrottlingPolicy.RecordingDelayCap"/>).
    /// </summary>
    public TimeSpan? RecordingDelayCap { get; set; }

    /// <summary>Whether no value is set, so the attributes' policy stands as compiled.</summary>
    internal bool IsEmpty
        => Slots is null && QueueLimit is null && MaxWait is null && RateLimits is null
            && MaxRetries is null && BaseDelay is null && MaxDelay is null && MaxRetryAfter is null && RecordingDelayCap is null;
}
