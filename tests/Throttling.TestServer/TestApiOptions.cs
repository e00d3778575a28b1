namespace Throttling.TestServer;

/// <summary>How the local API limits its callers, and how slowly it answers.</summary>
public sealed record TestApiOptions
{
    /// <summary>Requests the server works on at once; the next one is refused. 0 for no limit.</summary>
    public int ConcurrencyLimit { get; init; } = 20;

    /// <summary>The status a request over the concurrency limit gets: 429 or 503.</summary>
    public int OverConcurrencyStatus { get; init; } = 429;

    /// <summary>Requests accepted in any window of <see cref="RateWindow"/> (an exact sliding window). 0 for no limit.</summary>
    public int RatePermits { get; init; }

    /// <summary>The rate limit's window.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long each accepted request takes.</summary>
    public Latency Latency { get; init; } = Latency.Fixed(TimeSpan.FromMilliseconds(100));

    /// <summary>How refusals say when to come back.</summary>
    public RetryAfterFormat RetryAfter { get; init; } = RetryAfterFormat.Seconds;

    /// <summary>
    /// Tokens accepted in any window of <see cref="TokenWindow"/> by <c>POST /v1/completions</c>, each request charged its
    /// <c>max_tokens</c> on arrival and corrected to what it used on completion. 0 for no limit.
    /// </summary>
    public long TokensPerWindow { get; init; }

    /// <summary>The token limit's window.</summary>
    public TimeSpan TokenWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Which rate-limit headers answers carry, if any.</summary>
    public RateLimitHeaderFamily RateLimitHeaders { get; init; } = RateLimitHeaderFamily.Ietf;
}

/// <summary>How a server says what is left of its rate limit.</summary>
public enum RateLimitHeaderFamily
{
    /// <summary>It does not.</summary>
    None,

    /// <summary>draft-ietf-httpapi-ratelimit-headers: <c>RateLimit-Policy: "default";q=30;w=1</c> and <c>RateLimit: "default";r=4;t=1</c>.</summary>
    Ietf,

    /// <summary>GitHub's: <c>X-RateLimit-Limit</c>, <c>-Remaining</c> and <c>-Reset</c> in epoch seconds.</summary>
    XRateLimit,

    /// <summary>OpenAI's: <c>x-ratelimit-{limit,remaining,reset}-requests</c>, the reset like <c>120ms</c> or <c>1m0s</c>.</summary>
    OpenAi,

    /// <summary>Anthropic's: <c>anthropic-ratelimit-requests-{limit,remaining,reset}</c>, the reset in RFC 3339.</summary>
    Anthropic,
}

/// <summary>How a 429 says when to retry.</summary>
public enum RetryAfterFormat
{
    /// <summary>No Retry-After header.</summary>
    None,

    /// <summary><c>Retry-After: 2</c>.</summary>
    Seconds,

    /// <summary><c>Retry-After: Wed, 21 Oct 2026 07:28:00 GMT</c>.</summary>
    HttpDate,
}
