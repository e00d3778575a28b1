using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

/// <summary>
/// When a start counts against a limit: from its invocation (not its grant), dated at its response or its recording cap,
/// whichever is first; and a method's own limit costs it nothing but what the limit says.
/// </summary>
[Collection(Simulations.Name)]
public class RecordingTests
{
    [Fact]
    public async Task A_method_limit_does_not_starve_its_calls_behind_busy_slots()
    {
        // 4 slots of 500 ms calls serve 8 calls/s; arrivals are one A for two B, so A's fair share is 2.67/s, under its 10/s.
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(4), Methods = new[] { new MethodPolicy("A") { RateLimits = new[] { new RateLimitPolicy(10, S(1)) } } } }, clock);
        var calls = new TimedCalls(clock);
        Enqueue(throttle, calls, count: 600, length: Ms(500));

        await calls.RunAsync(throttle, S(20), Ms(50));

        int a = calls.StartsOf("A", TimeSpan.Zero, S(20));
        Assert.InRange(a / 20.0, 2.4, 2.8);
        Assert.InRange(calls.StartsOf("B", TimeSpan.Zero, S(20)) / 20.0, 4.8, 5.6);
    }

    [Fact]
    public async Task A_binding_method_limit_is_reached_as_its_recording_allows()
    {
        // At 1/s the limit binds; each start is dated at its response, 500 ms in, so 1 / (1 + 0.5) of it is the most it can give.
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(4), Methods = new[] { new MethodPolicy("A") { RateLimits = new[] { new RateLimitPolicy(1, S(1)) } } } }, clock);
        var calls = new TimedCalls(clock);
        Enqueue(throttle, calls, count: 600, length: Ms(500));

        await calls.RunAsync(throttle, S(30), Ms(50));

        Assert.InRange(calls.StartsOf("A", TimeSpan.Zero, S(30)) / 30.0, 0.9 * (1 / 1.5), 1 / 1.5 + 0.05);
    }

    [Fact]
    public async Task MaxWait_treats_method_limited_calls_like_every_other_call()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(4) { MaxWait = S(5) }, Methods = new[] { new MethodPolicy("A") { RateLimits = new[] { new RateLimitPolicy(10, S(1)) } } } };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new TimedCalls(clock);
        var results = new List<(string Method, Task<int> Call)>();

        // 6 arrivals a second (2 A, 4 B) against a capacity of 8: nobody should wait anywhere near 5 s.
        for (int second = 0; second < 20; second++)
        {
            for (int i = 0; i < 6; i++)
            {
                string method = i % 3 == 0 ? "A" : "B";
                results.Add((method, throttle.Gate(method).RunAsync((calls, method), static s => s.calls.Call(s.method, Ms(500)))));
            }

            await calls.RunAsync(throttle, S(1), Ms(50));
        }

        await calls.RunAsync(throttle, S(2), Ms(50));
        Assert.All(results, r => Assert.True(r.Call.IsCompletedSuccessfully, $"a call of {r.Method} failed: {r.Call.Exception?.InnerException?.Message}"));
    }

    [Fact]
    public async Task A_start_is_dated_from_its_invocation_not_from_its_grant()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Slow") { RateLimits = new[] { new RateLimitPolicy(1, S(10)) } }, clock);
        MethodStage stage = throttle.DefaultGate.Stage;
        Assert.True(throttle.TryEnter(stage, 1, out long first));
        clock.Advance(Ms(100));
        throttle.Exit(stage, first, 1);

        // The second call is granted when the first permit returns, at 10.1 s, but its pool thread runs 2 s later.
        Task<long> granted = throttle.EnterAsync(stage, 1, CancellationToken.None).AsTask();
        clock.Advance(S(10));
        long entered = await granted;
        clock.Advance(S(2));
        long second = throttle.Invoked(stage, entered, 1);

        // Dated by its invocation at 12.1 s plus the 1 s cap: a third start waits until 23.1 s, not 21.1 s (timers are
        // armed in whole milliseconds, rounded up).
        Task<long> third = throttle.EnterAsync(stage, 1, CancellationToken.None).AsTask();
        clock.Advance(S(11) - Ms(1));
        Assert.False(third.IsCompleted);
        clock.Advance(Ms(1));
        await Eventually.TrueAsync(() => third.IsCompleted, "the third call is granted a window after the second's dated start");
        throttle.Exit(stage, second, 1);
        throttle.Exit(stage, throttle.Invoked(stage, await third, 1), 1);
    }

    [Theory]
    [InlineData(60, 60_000, 90_000, 1_000)]
    [InlineData(10, 1_000, 1_000, 1_000)]
    [InlineData(10, 1_000, 100, 1_000)]
    [InlineData(10, 1_000, 1_000, 100)]
    [InlineData(5, 10_000, 30_000, 1_000)]
    public async Task A_limit_delivers_its_window_over_window_plus_the_dating_delay_however_long_calls_run(int permits, int windowMs, int callMs, int capMs)
    {
        const int Cycles = 20;
        FakeTimeProvider clock = NewClock();
        ThrottlingPolicy policy = new ThrottlingPolicy("Long") { RateLimits = new[] { new RateLimitPolicy(permits, Ms(windowMs)) }, RecordingDelayCap = Ms(capMs) };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new TimedCalls(clock);
        for (int i = 0; i < permits * (Cycles + 1); i++)
        {
            _ = throttle.DefaultGate.RunAsync((calls, length: Ms(callMs)), static s => s.calls.Call("M", s.length));
        }

        // Each start holds its permit from its invocation until min(response, cap) later, then for one window.
        TimeSpan cycle = Ms(windowMs + Math.Min(callMs, capMs));
        await calls.RunAsync(throttle, cycle * Cycles + Ms(windowMs / 2.0), Ms(windowMs / 100.0));

        IReadOnlyList<(string Method, TimeSpan At)> starts = calls.Starts;
        Assert.Equal(permits * (Cycles + 1), starts.Count);
        TimeSpan lastCohort = starts[permits * Cycles].At;
        Assert.True(lastCohort >= cycle * Cycles, $"cohort {Cycles} started at {lastCohort}, before {cycle * Cycles}: a window held more than the limit");
        Assert.True(lastCohort <= cycle * Cycles * 1.03, $"cohort {Cycles} started at {lastCohort}: the limit delivered less than W / (W + min(L, cap))");
    }

    private static void Enqueue(ClientThrottle throttle, TimedCalls calls, int count, TimeSpan length)
    {
        for (int i = 0; i < count; i++)
        {
            string method = i % 3 == 0 ? "A" : "B";
            _ = throttle.Gate(method).RunAsync((calls, method, length), static s => s.calls.Call(s.method, s.length));
        }
    }
}
