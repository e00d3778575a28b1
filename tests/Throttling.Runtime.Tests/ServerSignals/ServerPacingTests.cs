using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.ServerSignals;

public class ServerPacingTests
{
    [Fact]
    public async Task A_server_that_has_r_left_gets_at_most_r_more_starts_before_its_reset_counting_those_sent_after_the_answered_call()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage>[] first = Enumerable.Range(0, 3).Select(i => Run(throttle, calls, i)).ToArray();

        // Call 0's answer says 3 remain; calls 1 and 2 were sent after it, so one more may start before the reset.
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"default\";r=3;t=10"));
        await first[0];
        Task<HttpResponseMessage>[] later = Enumerable.Range(3, 3).Select(i => Run(throttle, calls, i)).ToArray();
        Assert.Equal(4, calls.Started);
        Assert.Equal(2, throttle.Waiting);

        clock.Advance(S(10) - TimeSpan.FromTicks(1));
        Assert.Equal(4, calls.Started);
        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => calls.Started == 6, "the reset lets the rest start");
        Assert.Equal(new[] { Start + S(10), Start + S(10) }, calls.StartTimes.Skip(4));
    }

    [Fact]
    public async Task A_server_with_nothing_left_pauses_every_new_start_until_its_reset()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> answered = Run(throttle, calls, 0);
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"default\";r=0;t=5"));
        await answered;

        Task<HttpResponseMessage> next = Run(throttle, calls, 1);
        clock.Advance(S(5) - TimeSpan.FromTicks(1));
        Assert.Equal(1, calls.Started);
        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => calls.Started == 2, "the reset ends the pause");
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public async Task An_answer_to_an_earlier_call_does_not_undo_what_the_answer_to_a_later_one_said()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> early = Run(throttle, calls, 0);
        Task<HttpResponseMessage> late = Run(throttle, calls, 1);

        calls.Complete(1, Answer(HttpStatusCode.OK, "\"default\";r=0;t=5"));
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"default\";r=50;t=5"));
        await Task.WhenAll(early, late);
        _ = Run(throttle, calls, 2);

        Assert.Equal(2, calls.Started);
        Assert.Equal(1, throttle.Waiting);
    }

    [Fact]
    public async Task Nothing_left_for_longer_than_MaxRetryAfter_fails_the_next_calls_fast()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> answered = Run(throttle, calls, 0);
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"daily\";r=0;t=36000"));
        await answered;

        ThrottlingRejectedException rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => Run(throttle, calls, 1));

        Assert.Equal(RejectionReason.ServerCoolDown, rejected.Reason);
        Assert.Equal(1, calls.Started);
    }

    [Fact]
    public async Task Malformed_headers_change_nothing()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10) }, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> answered = Run(throttle, calls, 0);
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"default\";r=0;t=5,"));
        await answered;

        _ = Run(throttle, calls, 1);

        Assert.Equal(2, calls.Started);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_stricter_than_the_attributes_is_obeyed_when_it_says_so(bool sendsHeaders)
    {
        // The attributes promise 100 a second; the server takes 20 per 10 s, and says so (or not).
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp")
        {
            Slots = new SlotPolicy(10),
            RateLimits = new[] { new RateLimitPolicy(100, S(1)) },
            Backoff = new BackoffPolicy { MaxRetries = 10 },
        };
        using var throttle = new ClientThrottle(policy, clock);
        var server = new FakeRateLimitedServer(clock, permits: 20, S(10), Ms(100), sendsHeaders);
        Task<HttpResponseMessage>[] calls = Enumerable.Range(0, 60)
            .Select(_ => throttle.DefaultGate.RunAsync(server, static s => s.Call(), ServerThrottle.HttpResponse))
            .ToArray();

        await server.RunAsync(throttle, S(120), Ms(50), () => calls.All(c => c.IsCompleted));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        if (sendsHeaders)
        {
            Assert.Equal(0, server.Throttled);

            // 60 calls at 20 per 10 s: the last window opens at 20 s.
            Assert.InRange(server.Arrivals.Max(), S(20), S(22));
        }
        else
        {
            Assert.True(server.Throttled >= 10, $"without headers the client cannot know: {server.Throttled} 429s");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_start_the_server_counted_is_dated_at_its_invocation_and_its_rounded_reset_does_not_pause_a_client_that_agrees(bool sendsHeaders)
    {
        // Limits that match the server's, and calls that take half the window. The first answer has nothing quicker to
        // compare with, so A is dated at its response, 0.5 s. B is sent at 0.5 s and answered as quickly: counted, it is
        // dated at its invocation plus a fiftieth of the window; otherwise at its response, 1 s. C waits for A's permit,
        // D for B's. The server's "r=0;t=1" read at B's response, a second later than B's permit, must not hold D either.
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(2, S(1)) } };
        using var throttle = new ClientThrottle(policy, clock);
        var server = new FakeRateLimitedServer(clock, permits: 2, S(1), Ms(500), sendsHeaders);
        Task<HttpResponseMessage> first = throttle.DefaultGate.RunAsync(server, static s => s.Call(), ServerThrottle.HttpResponse);
        // Exactly A's latency: stopping when A's task completes raced its continuation, and an extra step sent B late.
        await server.RunAsync(throttle, Ms(500), Ms(10));
        await first;
        Task<HttpResponseMessage>[] calls = Enumerable.Range(0, 3)
            .Select(_ => throttle.DefaultGate.RunAsync(server, static s => s.Call(), ServerThrottle.HttpResponse))
            .ToArray();

        await server.RunAsync(throttle, S(5), Ms(10), () => calls.All(c => c.IsCompleted));

        Assert.All(calls.Append(first), c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.Equal(0, server.Throttled);
        Assert.Equal(new[] { S(0), Ms(500), Ms(1500) }, server.Arrivals.Take(3));
        Assert.Equal(sendsHeaders ? Ms(1520) : S(2), server.Arrivals[3]);
    }

    [Fact]
    public async Task A_counted_start_whose_answer_took_longer_than_the_quickest_is_dated_that_much_later()
    {
        // B's answer takes 700 ms where A's took 300: B may have waited 400 ms before the server counted it (a new
        // connection, a handshake), so it is dated at its invocation (1.3 s) + 0.4 + 0.02 s, and C, waiting for B's
        // permit, starts a second after that.
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(1, S(1)) } };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage> a = Run(throttle, calls, 0);
        clock.Advance(Ms(300));
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"default\";r=0;t=1"));
        await a;

        clock.Advance(S(1));
        Task<HttpResponseMessage> b = Run(throttle, calls, 1);
        Task<HttpResponseMessage> c = Run(throttle, calls, 2);
        clock.Advance(Ms(700));
        calls.Complete(1, Answer(HttpStatusCode.OK, "\"default\";r=0;t=1"));
        await b;

        clock.Advance(Ms(1420) - Ms(700) - TimeSpan.FromTicks(1));
        Assert.Equal(2, calls.Started);
        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => calls.Started == 3, "C starts when B's permit, dated at 1.3 + 0.4 + 0.02 s, leaves the window");
        Assert.Equal(Start + Ms(1300) + Ms(1420), calls.StartTimes[2]);
        GC.KeepAlive(c);
    }

    [Fact]
    public async Task A_server_that_leaves_fewer_starts_than_the_clients_own_limits_paces_it_to_its_reset()
    {
        // Others use the account: the server's first answer says 1 left where the client's own limit leaves 8.
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(10, S(10)) } };
        using var throttle = new ClientThrottle(policy, clock);
        var calls = new ControlledCalls<HttpResponseMessage>(clock);
        Task<HttpResponseMessage>[] first = Enumerable.Range(0, 2).Select(i => Run(throttle, calls, i)).ToArray();
        calls.Complete(0, Answer(HttpStatusCode.OK, "\"default\";r=2;t=5"));
        await first[0];

        Task<HttpResponseMessage>[] later = Enumerable.Range(2, 3).Select(i => Run(throttle, calls, i)).ToArray();

        // r=2 counted from call 0: call 1 and one more.
        Assert.Equal(3, calls.Started);
        clock.Advance(S(5));
        await Eventually.TrueAsync(() => calls.Started == 5, "the server's reset lets the rest start");
        Assert.Equal(Start + S(5), calls.StartTimes[3]);
    }

    [Fact]
    public async Task A_declared_policy_looser_than_the_attributes_never_loosens_them()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(5, S(1)) } };
        using var throttle = new ClientThrottle(policy, clock);
        var server = new FakeRateLimitedServer(clock, permits: 1000, S(1), Ms(10));
        Task<HttpResponseMessage>[] calls = Enumerable.Range(0, 20)
            .Select(_ => throttle.DefaultGate.RunAsync(server, static s => s.Call(), ServerThrottle.HttpResponse))
            .ToArray();

        await server.RunAsync(throttle, S(10), Ms(10), () => calls.All(c => c.IsCompleted));

        IReadOnlyList<TimeSpan> arrivals = server.Arrivals;
        Assert.All(arrivals, a => Assert.True(arrivals.Count(b => b >= a && b < a + S(1)) <= 5, $"more than 5 starts in the second from {a}"));
    }

    private static Task<HttpResponseMessage> Run(ClientThrottle throttle, ControlledCalls<HttpResponseMessage> calls, int id)
        => throttle.DefaultGate.RunAsync((calls, id), static s => s.calls.Call(s.id), ServerThrottle.HttpResponse);

    private static HttpResponseMessage Answer(HttpStatusCode status, string rateLimit)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("RateLimit", rateLimit);
        return response;
    }
}
