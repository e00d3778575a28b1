using Throttling.Workload;
using Throttling.Workload.Approaches;

namespace Throttling.IntegrationTests;

/// <summary>
/// The generated Refit client against the local Kestrel API, over real sockets and the real clock: a small version of
/// the demo's workload. Rate-bound on purpose, so that the assertions hold with the room a busy CI machine needs.
/// </summary>
public class GeneratedClientAgainstRealServerTests
{
    [Fact]
    public async Task With_the_servers_limits_it_gets_no_429_loses_nothing_and_finishes_near_the_bound()
    {
        var settings = new WorkloadSettings(Requests: 150, Slots: 10, RatePerSecond: 50, Latency: TimeSpan.FromMilliseconds(20));

        // A cold process spends its first second compiling Kestrel, Refit and HttpClient; measure the client, not the JIT.
        await WorkloadRunner.RunAsync(new GeneratedThrottledClient(), settings with { Requests = 20 });
        RunResult result = await WorkloadRunner.RunAsync(new GeneratedThrottledClient(), settings);

        Assert.Equal(0, result.TooManyRequests);
        Assert.Equal(settings.Requests, result.Completed);
        Assert.Equal(0, result.Failed);
        Assert.Equal(settings.Requests, result.ServerLog.Count(r => r.Status == 200));
        Assert.True(result.MakespanOverBound <= 1.10, $"makespan {result.Makespan} against a bound of {settings.Bound}");
    }

    [Fact]
    public async Task With_a_server_stricter_than_it_believes_every_request_still_completes_and_429s_stay_near_the_slots()
    {
        var settings = new WorkloadSettings(Requests: 150, Slots: 10, RatePerSecond: 50, Latency: TimeSpan.FromMilliseconds(20));

        RunResult result = await WorkloadRunner.RunAsync(new GeneratedThrottledClient(), settings, serverRatePerSecond: 25);

        Assert.Equal(settings.Requests, result.Completed);
        Assert.Equal(0, result.Failed);

        // Each cool-down lets at most the calls already in flight meet a 429; without it, every call beyond the
        // server's rate would. The client keeps its (wrong) limit, so a cool-down happens about once per window.
        Assert.InRange(result.TooManyRequests, 1, 3 * settings.Slots);
        Assert.True(result.TooManyRequests < settings.Requests / 5, $"{result.TooManyRequests} 429s for {settings.Requests} requests");
    }
}
