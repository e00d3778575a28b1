using Throttling.TestServer;

namespace Throttling.Workload;

/// <summary>
/// One workload: how many requests, against a server that allows this many slots and this rate. The clients that know
/// the plan are configured with <see cref="RatePerSecond"/>; the server may be stricter than that.
/// </summary>
public sealed record WorkloadSettings(int Requests, int Slots, int RatePerSecond, TimeSpan Latency)
{
    /// <summary>The rate the server really allows, when stricter than the plan the clients are configured with.</summary>
    public int? ServerRatePerSecond { get; init; }

    /// <summary>Which rate-limit headers the server sends.</summary>
    public RateLimitHeaderFamily Headers { get; init; } = RateLimitHeaderFamily.Ietf;

    private int TrueRate => ServerRatePerSecond ?? RatePerSecond;

    /// <summary>The best any client can do: limited by Little's law (slots) and by the rate the server really allows.</summary>
    public TimeSpan Bound => TimeSpan.FromSeconds(Math.Max(
        Requests * Latency.TotalSeconds / Slots,
        (double)Requests / TrueRate));

    /// <summary>The server these settings describe: exact sliding window, 429 with Retry-After beyond either limit.</summary>
    public TestApiOptions ServerOptions() => new()
    {
        ConcurrencyLimit = Slots,
        RatePermits = TrueRate,
        RateWindow = TimeSpan.FromSeconds(1),
        Latency = TestServer.Latency.Fixed(Latency),
        RateLimitHeaders = Headers,
    };
}
