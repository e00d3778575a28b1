using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.ScriptedResponses;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class CoolDownTests
{
    [Fact]
    public async Task One_429_pauses_every_new_start_of_the_client_until_the_servers_time()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(4) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage>[] running = Enumerable.Range(0, 4)
            .Select(i => throttle.DefaultGate.RunAsync((calls, i), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse))
            .ToArray();
        Task<HttpResponseMessage>[] queued = Enumerable.Range(4, 6)
            .Select(i => throttle.DefaultGate.RunAsync((calls, i), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse))
            .ToArray();
        Assert.Equal(4, calls.Started);

        calls.Complete(0, TooMany(after: S(10)));
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(10), "the cool-down starts");
        calls.Complete(1, new HttpResponseMessage(HttpStatusCode.OK));
        await running[1];
        Task<HttpResponseMessage> latecomer = throttle.DefaultGate.RunAsync((calls, i: 10), static s => s.calls.Call(s.i), ServerThrottle.HttpResponse);

        clock.Advance(S(10) - TimeSpan.FromTicks(1));
        Assert.Equal(4, calls.Started);
        Assert.All(queued, q => Assert.False(q.IsCompleted));

        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => calls.Started == 6, "two freed slots start two calls");
        Assert.All(calls.StartTimes.Skip(4), at => Assert.Equal(Start + S(10), at));
        Assert.False(latecomer.IsCompleted);
    }

    [Fact]
    public async Task A_later_429_extends_the_cool_down_and_an_earlier_one_does_not_shorten_it()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(2) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0), ServerThrottle.HttpResponse);
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1), ServerThrottle.HttpResponse);

        calls.Complete(0, TooMany(after: S(20)));
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(20), "cool-down of 20 s");
        calls.Complete(1, TooMany(after: S(5)));
        await Eventually.TrueAsync(() => throttle.InFlight == 0, "both attempts end");

        Assert.Equal(S(20), throttle.CoolDownRemaining);
    }

    [Fact]
    public async Task The_end_of_a_cool_down_releases_queued_starts_at_the_rate_the_limits_allow()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(2, S(1)) } }, clock);
        var script = new ScriptedResponses(clock, new[] { Respond(TooMany(after: S(5))) }.Concat(Enumerable.Repeat(Ok(), 7)).ToArray());
        Task<HttpResponseMessage> throttled = throttle.DefaultGate.RunAsync(script, static s => s.Call(), ServerThrottle.HttpResponse);
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(5), "the cool-down starts");
        Task<HttpResponseMessage>[] queued = Enumerable.Range(0, 6)
            .Select(_ => throttle.DefaultGate.RunAsync(script, static s => s.Call(), ServerThrottle.HttpResponse))
            .ToArray();

        // Every call answers at once, so only the window spaces the starts: two a second, not six at 5 s; the retry,
        // queued last, goes last.
        clock.Advance(S(5));
        await Eventually.TrueAsync(() => script.Calls == 3, "two starts when the cool-down ends");
        clock.Advance(S(1));
        await Eventually.TrueAsync(() => script.Calls == 5, "two more a second later");
        clock.Advance(S(1));
        await Eventually.TrueAsync(() => script.Calls == 7, "two more");
        clock.Advance(S(1));
        await Task.WhenAll(queued.Append(throttled));

        Assert.Equal(new[] { S(0), S(5), S(5), S(6), S(6), S(7), S(7), S(8) }, script.CallTimes);
    }
}
