using Throttling.TestServer;

namespace Throttling.Workload;

/// <summary>One workload: how many requests, against a server that allows this many slots and this rate.</summary>
public sealed record WorkloadSettings(int Requests, int Slots, int RatePerSecond, TimeSpan Latency)
{
    /// <summary>The best any client can do: limited by Little's law (slots) and by the rate.</summary>
    public TimeSpan Bound => TimeSpan.FromSeconds(Math.Max(
        Requests * Latency.TotalSeconds / Slots,
        (double)Requests / RatePerSecond));

    /// <summary>The server these settings describe: exact sliding window, 429 with Retry-After beyond either limit.</summary>
    public TestApiOptions ServerOptions(int? serverRatePerSecond = null) => new()
    {
        ConcurrencyLimit = Slots,
        RatePermits = serverRatePerSecond ?? RatePerSecond,
        RateWindow = TimeSpan.FromSeconds(1),
        Latency = TestServer.Latency.Fixed(Latency),
    };
}
