using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class SlotTests
{
    [Fact]
    public async Task At_most_N_calls_are_in_flight_and_waiters_start_first_in_first_out()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(2) }, NewClock());
        var calls = new ControlledCalls<int>();

        Task<int>[] results = Enumerable.Range(0, 6)
            .Select(i => throttle.DefaultGate.RunAsync((calls, i), static s => s.calls.Call(s.i)))
            .ToArray();

        Assert.Equal(2, calls.Started);
        Assert.Equal(2, throttle.InFlight);
        Assert.Equal(4, throttle.Waiting);

        for (int done = 0; done < 6; done++)
        {
            int id = calls.StartOrder[done];
            calls.Complete(id, id * 10);
            Assert.Equal(id * 10, await results[id]);
            await Eventually.TrueAsync(() => calls.Started == Math.Min(6, done + 3), "the next waiter starts");
            Assert.True(throttle.InFlight <= 2);
        }

        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, calls.StartOrder);
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(0, throttle.Waiting);
    }

    [Fact]
    public async Task A_slot_is_freed_when_the_call_fails()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        var calls = new ControlledCalls<int>();
        Task<int> failing = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        Task<int> waiting = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));
        var failure = new InvalidOperationException("boom");

        calls.Fail(0, failure);

        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => failing));
        await Eventually.TrueAsync(() => calls.Started == 2, "the waiter starts");
        calls.Complete(1, 1);
        Assert.Equal(1, await waiting);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task A_call_that_throws_synchronously_frees_its_slot()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());

        await Assert.ThrowsAsync<ArgumentException>(() => throttle.DefaultGate.RunAsync(0, static Task<int> (_) => throw new ArgumentException("bad")));

        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(5, await throttle.DefaultGate.RunAsync(5, static n => Task.FromResult(n)));
    }

    [Fact]
    public async Task A_detector_that_throws_fails_the_call_and_frees_its_slot()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        ThrottleDetector<int> broken = static (int _, out RetryAfter retryAfter) => throw new FormatException("bad header");

        Task<int> task = throttle.DefaultGate.RunAsync(0, static _ => Task.FromResult(1), broken);
        await Assert.ThrowsAsync<FormatException>(() => task);
        Assert.Equal(0, throttle.InFlight);

        ValueTask<int> valueTask = throttle.DefaultGate.RunAsync(0, static _ => new ValueTask<int>(1), broken);
        await Assert.ThrowsAsync<FormatException>(() => valueTask.AsTask());
        Assert.Equal(0, throttle.InFlight);

        Assert.Equal(1, await throttle.DefaultGate.RunAsync(0, static _ => Task.FromResult(1)));
    }

    [Fact]
    public async Task A_queued_call_whose_inner_client_returns_a_null_task_fails_clearly()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        var calls = new ControlledCalls<int>();
        Task busy = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        Task queued = throttle.DefaultGate.RunAsync(0, static Task (_) => null!);

        calls.Complete(0, 0);
        await busy;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => queued);
        Assert.Contains("null task", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task A_full_queue_rejects_at_once_naming_the_client_and_the_limit()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) { QueueLimit = 2 } }, NewClock());
        var calls = new ControlledCalls<int>();
        for (int i = 0; i < 3; i++)
        {
            _ = throttle.DefaultGate.RunAsync((calls, i), static s => s.calls.Call(s.i));
        }

        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync(calls, static c => c.Call(9)));

        Assert.Equal("Serp", rejected.ClientName);
        Assert.Equal(RejectionReason.QueueFull, rejected.Reason);
        Assert.Contains("Serp", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("QueueLimit is 2", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("1 slot,", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(2, throttle.Waiting);
    }

    [Fact]
    public async Task A_queue_limit_of_zero_fails_fast_when_every_slot_is_busy()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) { QueueLimit = 0 } }, NewClock());
        var calls = new ControlledCalls<int>();
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));

        await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync(calls, static c => c.Call(1)));
    }

    [Fact]
    public async Task Waiting_longer_than_MaxWait_rejects_and_gives_the_place_back()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) { MaxWait = S(5) } }, clock);
        var calls = new ControlledCalls<int>();
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        Task<int> waiting = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));

        clock.Advance(S(5) - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));

        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => waiting);
        Assert.Equal(RejectionReason.MaxWaitExceeded, rejected.Reason);
        Assert.Contains("5 s (MaxWait)", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, throttle.Waiting);
        Assert.Equal(1, calls.Started);
    }

    [Fact]
    public async Task MaxWait_counts_from_the_arrival_even_when_the_caller_arms_its_wait_late()
    {
        var clock = new StallingClock(Start);
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) { MaxWait = S(5) } }, clock);
        var calls = new ControlledCalls<int>();
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));

        // The caller is queued, then loses 2 s before it sets its MaxWait timer (the first clock read after queuing).
        clock.StallOnce(S(2), () => throttle.Waiting == 1);
        Task<int> waiting = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));
        clock.Advance(S(3) - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));

        await Eventually.TrueAsync(() => waiting.IsCompleted, "rejected 5 s after it arrived");
        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => waiting);
        Assert.Equal(RejectionReason.MaxWaitExceeded, rejected.Reason);
    }

    [Fact]
    public async Task Cancelling_a_queued_call_removes_it_at_once()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        var calls = new ControlledCalls<int>();
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        using var cancel = new CancellationTokenSource();
        Task<int> cancelled = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1), cancel.Token);
        Task<int> behind = throttle.DefaultGate.RunAsync(calls, static c => c.Call(2));
        Assert.Equal(2, throttle.Waiting);

        await cancel.CancelAsync();

        Assert.Equal(1, throttle.Waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        calls.Complete(0, 0);
        await Eventually.TrueAsync(() => calls.Started == 2, "the call behind starts");
        Assert.Equal(new[] { 0, 2 }, calls.StartOrder);
        calls.Complete(2, 2);
        Assert.Equal(2, await behind);
    }

    [Fact]
    public async Task A_call_cancelled_before_it_waits_never_starts()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        var calls = new ControlledCalls<int>();
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => throttle.DefaultGate.RunAsync(calls, static c => c.Call(1), new CancellationToken(true)));

        Assert.Equal(0, throttle.Waiting);
        Assert.Equal(1, calls.Started);
    }

    [Fact]
    public async Task Disposing_fails_the_waiting_calls_and_lets_the_running_one_finish()
    {
        var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        var calls = new ControlledCalls<int>();
        Task<int> running = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        Task<int> waiting = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));

        throttle.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.Equal(1, throttle.InFlight);
        calls.Complete(0, 7);
        Assert.Equal(7, await running);
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(0, throttle.Waiting);
        Assert.Equal(1, calls.Started);
    }
}
