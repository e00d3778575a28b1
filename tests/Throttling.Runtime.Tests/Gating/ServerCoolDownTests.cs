using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.ScriptedResponses;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

/// <summary>A server that asks for longer than MaxRetryAfter: nobody is sent into it until its time has passed.</summary>
public class ServerCoolDownTests
{
    [Fact]
    public async Task A_Retry_After_beyond_MaxRetryAfter_fails_the_call_and_every_other_call_fast_until_that_time()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(2) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> first = throttle.DefaultGate.RunAsync((calls, i: 0), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);
        Task<HttpResponseMessage> second = throttle.DefaultGate.RunAsync((calls, i: 1), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);
        Task<HttpResponseMessage>[] queued = Enumerable.Range(2, 50)
            .Select(i => throttle.DefaultGate.RunAsync((calls, i), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse))
            .ToArray();

        HttpResponseMessage refusal = TooMany(after: TimeSpan.FromHours(1));
        calls.Complete(0, refusal);

        Assert.Same(refusal, await first);
        foreach (Task<HttpResponseMessage> waiting in queued)
        {
            ThrottlingRejectedException rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => waiting);
            Assert.Equal(RejectionReason.ServerCoolDown, rejected.Reason);
        }

        ThrottlingRejectedException latecomer = await Assert.ThrowsAsync<ThrottlingRejectedException>(
            () => throttle.DefaultGate.RunAsync((calls, i: 99), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse));
        Assert.Equal(RejectionReason.ServerCoolDown, latecomer.Reason);
        Assert.Contains("Serp", latecomer.Message);
        Assert.Contains("1 h", latecomer.Message);
        Assert.Contains("2026-01-01 01:00:00Z", latecomer.Message);
        Assert.Equal(2, calls.Started);

        // The call already in flight ends normally; after the server's hour, calls flow again.
        calls.Complete(1, new HttpResponseMessage(HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
        clock.Advance(TimeSpan.FromHours(1) - Ms(1));
        await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync((calls, i: 100), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse));
        clock.Advance(Ms(1));
        Task<HttpResponseMessage> after = throttle.DefaultGate.RunAsync((calls, i: 101), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);
        Assert.Equal(3, calls.Started);
        calls.Complete(101, new HttpResponseMessage(HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, (await after).StatusCode);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task A_retry_rejected_by_the_servers_cool_down_hands_the_caller_the_429_it_already_got()
    {
        // The clock moves only once the retry's wait is armed: armed after a move, it would end 2 s late.
        var clock = new TimerCountingClock(Start);
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(2) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> retrying = throttle.DefaultGate.RunAsync((calls, i: 0), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);
        Task<HttpResponseMessage> refused = throttle.DefaultGate.RunAsync((calls, i: 1), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);

        HttpResponseMessage first429 = TooMany(after: S(2));
        calls.Complete(0, first429);
        await Eventually.TrueAsync(() => throttle.InFlight == 1 && clock.TimersArmed == 1, "the first call backs off");
        calls.Complete(1, TooMany(after: TimeSpan.FromHours(1)));
        await refused;
        clock.Advance(S(2));

        Assert.Same(first429, await retrying);
        Assert.False(((TrackedContent)first429.Content).IsDisposed);
        Assert.Equal(2, calls.Started);
    }

    [Fact]
    public async Task A_retry_rejected_by_MaxWait_hands_the_caller_the_429_it_already_got()
    {
        // The clock moves only once the retry's wait is armed: armed after a move, it would end half a second late.
        var clock = new TimerCountingClock(Start);
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) { MaxWait = S(1) } }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> retrying = throttle.DefaultGate.RunAsync((calls, i: 0), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);
        HttpResponseMessage tooMany = TooMany(after: S(1));
        calls.Complete(0, tooMany);
        await Eventually.TrueAsync(() => throttle.InFlight == 0 && throttle.CoolDownRemaining == S(1) && clock.TimersArmed == 1, "the call backs off");

        // Another call, queued halfway through the cool-down (so its MaxWait ends after it), takes the slot when the
        // cool-down ends and keeps it, so the retry waits out its MaxWait.
        clock.Advance(Ms(500));
        Task<HttpResponseMessage> other = throttle.DefaultGate.RunAsync((calls, i: 1), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);
        clock.Advance(Ms(500));
        await Eventually.TrueAsync(() => calls.Started == 2 && throttle.Waiting == 1, "the other call runs, the retry waits");
        clock.Advance(S(1));

        Assert.Same(tooMany, await retrying);
        calls.Complete(1, new HttpResponseMessage(HttpStatusCode.OK));
        await other;
    }

    [Fact]
    public async Task A_detector_that_fails_while_deciding_on_a_retry_surfaces_its_failure()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1), ExceptionDetector = static (Exception _, out RetryAfter retryAfter) => throw new InvalidOperationException("the detector broke") };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new ControlledCalls<int>(clock);
        Task<int> call = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));

        calls.Fail(0, new HttpRequestException("refused"));

        InvalidOperationException failure = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
        Assert.Equal("the detector broke", failure.Message);
        Assert.Equal(0, throttle.InFlight);
    }
}
