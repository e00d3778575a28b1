using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class MethodLimitTests
{
    private static ThrottlingPolicy Policy() => new("Serp")
    {
        Slots = new SlotPolicy(2),
        RateLimits = new[] { new RateLimitPolicy(100, S(1)) },
        Methods = new[] { new MethodPolicy("SearchAsync") { RateLimits = new[] { new RateLimitPolicy(1, S(1)) } } },
    };

    [Fact]
    public async Task A_method_waiting_for_its_own_limit_holds_no_slot_and_blocks_no_other_method()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Policy(), clock);
        CallGate search = throttle.Gate("SearchAsync");
        var calls = new ControlledCalls<int>(clock);

        Task<int> firstSearch = search.RunAsync(calls, static c => c.Call(1));
        Task<int> secondSearch = search.RunAsync(calls, static c => c.Call(2));
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(3));

        Assert.Equal(new[] { 1, 3 }, calls.StartOrder);
        Assert.Equal(1, throttle.Waiting);
        Assert.Equal(2, throttle.InFlight);

        // The first search's start is recorded when its answer comes, 300 ms in: its permit is back a second later.
        clock.Advance(Ms(300));
        calls.Complete(1, 1);
        calls.Complete(3, 3);
        await firstSearch;
        clock.Advance(S(1) - TimeSpan.FromTicks(1));
        Assert.Equal(2, calls.Started);
        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => calls.Started == 3, "the second search starts once its limit allows");
        Assert.Equal(Ms(1300), calls.StartTimes[2] - Start);
        calls.Complete(2, 2);
        Assert.Equal(2, await secondSearch);
    }

    [Fact]
    public async Task A_start_is_recorded_when_its_answer_comes_but_no_later_than_the_cap()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Slow") { RateLimits = new[] { new RateLimitPolicy(1, S(10)) } }, clock);
        var calls = new ControlledCalls<int>(clock);

        Task<int> slow = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));
        Task<int> next = throttle.DefaultGate.RunAsync(calls, static c => c.Call(2));

        // Dated at 0 + cap although it still runs: its permit is back at cap + 10 s, long before its answer at 30 s.
        clock.Advance(S(11) - Ms(1));
        Assert.Equal(1, calls.Started);
        clock.Advance(Ms(1));
        await Eventually.TrueAsync(() => calls.Started == 2, "the next call starts a window after the slow one's cap");
        Assert.Equal(S(11), calls.StartTimes[1] - Start);
        Assert.Equal(S(1), ThrottlingPolicy.DefaultRecordingDelayCap);
        clock.Advance(S(19));
        calls.Complete(1, 1);
        calls.Complete(2, 2);
        await slow;
        await next;
    }

    [Fact]
    public void Method_limits_stack_with_the_clients_limits()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp")
        {
            RateLimits = new[] { new RateLimitPolicy(4, S(1)) },
            Methods = new[] { new MethodPolicy("SearchAsync") { RateLimits = new[] { new RateLimitPolicy(2, S(1)) } } },
        };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new ControlledCalls<int>(clock);

        // The method's own limit binds first: two searches, then the other method takes what the client's limit leaves.
        for (int i = 0; i < 3; i++)
        {
            _ = throttle.Gate("SearchAsync").RunAsync((calls, i), static s => s.calls.Call(s.i));
        }

        for (int i = 3; i < 7; i++)
        {
            _ = throttle.Gate("ExtractAsync").RunAsync((calls, i), static s => s.calls.Call(s.i));
        }

        Assert.Equal(new[] { 0, 1, 3, 4 }, calls.StartOrder);
    }

    [Fact]
    public void Methods_without_a_policy_share_the_default_gate()
    {
        using var throttle = new ClientThrottle(Policy(), NewClock());

        Assert.Same(throttle.DefaultGate, throttle.Gate("ExtractAsync"));
        Assert.Same(throttle.Gate("SearchAsync"), throttle.Gate("SearchAsync"));
    }
}
