using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.ScriptedResponses;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class AdaptiveSlotsTests
{
    [Fact]
    public async Task Adaptive_slots_start_at_MinSlots_and_double_after_a_round_trip_with_every_slot_in_use()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Llm") { Slots = new SlotPolicy(20) { Adaptive = true, MinSlots = 2 } }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage>[] running = Enumerable.Range(0, 10).Select(i => Run(throttle, calls, i)).ToArray();
        Assert.Equal(2, throttle.SlotLimit);
        Assert.Equal(2, calls.Started);

        clock.Advance(Ms(100));
        calls.Complete(0, new HttpResponseMessage(HttpStatusCode.OK));
        calls.Complete(1, new HttpResponseMessage(HttpStatusCode.OK));

        await Eventually.TrueAsync(() => calls.Started == 6, "the doubled limit starts four more");
        Assert.Equal(4, throttle.SlotLimit);
        Assert.Equal(20, throttle.Policy.Slots!.Count);
    }

    [Fact]
    public async Task A_429_or_a_503_shrinks_the_limit_once_per_round_trip_and_a_callers_cancellation_does_not()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Llm") { Slots = new SlotPolicy(20) { Adaptive = true, MinSlots = 5 }, Backoff = new BackoffPolicy { MaxRetries = 0 } };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        using var cancel = new CancellationTokenSource();
        Task<HttpResponseMessage> cancelled = throttle.DefaultGate.RunAsync((calls, id: 0), static s => s.calls.Call(s.id), ServerThrottle.HttpResponse, cancel.Token);
        Task<HttpResponseMessage>[] others = Enumerable.Range(1, 15).Select(i => Run(throttle, calls, i)).ToArray();
        clock.Advance(Ms(100));

        cancel.Cancel();
        calls.Fail(0, new OperationCanceledException(cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Eventually.TrueAsync(() => calls.Started == 6, "the cancelled call's slot goes to the next");
        for (int i = 1; i <= 5; i++)
        {
            calls.Complete(i, new HttpResponseMessage(HttpStatusCode.OK));
        }

        await Eventually.TrueAsync(() => calls.Started == 16, "a full round trip doubles the limit, the cancellation set nothing back");
        Assert.Equal(10, throttle.SlotLimit);
        calls.Complete(6, TooMany());
        await others[5];
        Assert.Equal(8, throttle.SlotLimit);

        calls.Complete(7, new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        await others[6];
        Assert.Equal(8, throttle.SlotLimit);

        clock.Advance(Ms(100));
        calls.Complete(8, new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        await others[7];
        Assert.Equal(6, throttle.SlotLimit);
    }

    [Fact]
    public void Adaptive_policies_describe_themselves_and_MinSlots_must_fit_the_count()
    {
        Assert.Equal("2-20 adaptive slots", new SlotPolicy(20) { Adaptive = true, MinSlots = 2 }.ToString());
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new SlotPolicy(4) { MinSlots = 5 });
        Assert.Contains("MinSlots must be from 1 to the slot count (4)", error.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Run(ClientThrottle throttle, ControlledCalls<HttpResponseMessage> calls, int id)
        => throttle.DefaultGate.RunAsync((calls, id), static s => s.calls.Call(s.id), ServerThrottle.HttpResponse);
}
