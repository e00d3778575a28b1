using Throttling.TestServer;
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
    public async Task With_a_server_stricter_than_it_believes_and_silent_every_request_still_completes_and_429s_stay_near_the_slots()
    {
        var settings = new WorkloadSettings(Requests: 150, Slots: 10, RatePerSecond: 50, Latency: TimeSpan.FromMilliseconds(20))
        {
            ServerRatePerSecond = 25,
            Headers = RateLimitHeaderFamily.None,
        };

        RunResult result = await WorkloadRunner.RunAsync(new GeneratedThrottledClient(), settings);

        Assert.Equal(settings.Requests, result.Completed);
        Assert.Equal(0, result.Failed);

        // Each cool-down lets at most the calls already in flight meet a 429; without it, every call beyond the
        // server's rate would. The client keeps its (wrong) limit, so a cool-down happens about once per window.
        Assert.InRange(result.TooManyRequests, 1, 3 * settings.Slots);
        Assert.True(result.TooManyRequests < settings.Requests / 5, $"{result.TooManyRequests} 429s for {settings.Requests} requests");
    }

    [Theory]
    [InlineData(RateLimitHeaderFamily.Ietf)]
    [InlineData(RateLimitHeaderFamily.XRateLimit)]
    [InlineData(RateLimitHeaderFamily.OpenAi)]
    [InlineData(RateLimitHeaderFamily.Anthropic)]
    public async Task With_a_server_stricter_than_it_believes_that_says_so_it_keeps_to_the_servers_count(RateLimitHeaderFamily headers)
    {
        var settings = new WorkloadSettings(Requests: 150, Slots: 10, RatePerSecond: 50, Latency: TimeSpan.FromMilliseconds(20))
        {
            ServerRatePerSecond = 25,
            Headers = headers,
        };

        RunResult result = await WorkloadRunner.RunAsync(new GeneratedThrottledClient(), settings);

        Assert.Equal(settings.Requests, result.Completed);
        Assert.Equal(0, result.Failed);

        // The first answers arrive while the first slots' worth is in flight: at most those meet a 429.
        Assert.True(result.TooManyRequests <= settings.Slots, $"{result.TooManyRequests} 429s for {settings.Requests} requests");
        Assert.True(result.MakespanOverBound <= MakespanLimit(headers), $"makespan {result.Makespan} against a bound of {settings.Bound}");
    }

    // The IETF fields declare their policy, which the client then keeps to on its own exact window (0.92 typically).
    // OpenAI's resets are in milliseconds, but declare no window: each burst waits for the full reset (1.10). X-RateLimit-
    // Reset (epoch seconds) and Anthropic's reset (read against the response's Date, in whole seconds) are a second
    // coarse: against this 1 s window the client waits up to a second longer for each reset (2.5 to 3.1), a cost that
    // vanishes for the minute and hour windows such headers come with. The limits leave room for a busy CI machine.
    private static double MakespanLimit(RateLimitHeaderFamily headers) => headers switch
    {
        RateLimitHeaderFamily.Ietf => 1.2,
        RateLimitHeaderFamily.OpenAi => 1.4,
        _ => 4.0,
    };
}
