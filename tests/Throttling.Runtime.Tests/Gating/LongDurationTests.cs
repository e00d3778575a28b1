using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;
using Throttling.RateLimiting;

namespace Throttling.Tests.Gating;

/// <summary>Every duration the attributes accept works, including those past what one timer can be armed for (~49.7 days).</summary>
public class LongDurationTests
{
    private static readonly TimeSpan SixtyDays = TimeSpan.FromDays(60);

    [Fact]
    public async Task A_limit_of_one_per_sixty_days_admits_the_next_call_once_the_window_has_passed()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Quota") { RateLimits = new[] { new RateLimitPolicy(1, SixtyDays) } }, clock);
        var calls = new ControlledCalls<int>(clock);

        Task<int> first = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));
        calls.Complete(1, 1);
        Assert.Equal(1, await first);
        Task<int> second = throttle.DefaultGate.RunAsync(calls, static c => c.Call(2));

        clock.Advance(SixtyDays - S(1));
        Assert.Equal(1, calls.Started);
        clock.Advance(S(1));
        await Eventually.TrueAsync(() => calls.Started == 2, "the second call starts sixty days on");
        calls.Complete(2, 2);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task A_MaxWait_of_sixty_days_rejects_after_sixty_days_and_holds_no_slot_meanwhile()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Patient") { Slots = new SlotPolicy(1) { MaxWait = SixtyDays } }, clock);
        var calls = new ControlledCalls<int>(clock);
        Task<int> running = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));
        Task<int> waiting = throttle.DefaultGate.RunAsync(calls, static c => c.Call(2));

        clock.Advance(SixtyDays - S(1));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, throttle.InFlight);
        clock.Advance(S(1));

        ThrottlingRejectedException rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => waiting);
        Assert.Equal(RejectionReason.MaxWaitExceeded, rejected.Reason);
        Assert.Equal(1, throttle.InFlight);
        calls.Complete(1, 1);
        await running;
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(0, throttle.Waiting);
    }

    [Fact]
    public async Task A_limiter_with_a_sixty_day_window_arms_its_timer_in_steps()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = SixtyDays, TimeProvider = clock });
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        ValueTask<System.Threading.RateLimiting.RateLimitLease> next = limiter.AcquireAsync();
        clock.Advance(SixtyDays - S(1));
        Assert.False(next.IsCompleted);
        clock.Advance(S(1));
        Assert.True((await next).IsAcquired);
    }
}
