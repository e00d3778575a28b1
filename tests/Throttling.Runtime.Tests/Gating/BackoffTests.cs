using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.ScriptedResponses;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

// A test moves the clock only once the retry's wait is armed (TimersArmed): a wait armed after a move would end that
// much later, and the test would hang waiting for it.
public class BackoffTests
{
    private static ClientThrottle Throttle(FakeTimeProvider clock, BackoffPolicy? backoff = null, params RateLimitPolicy[] limits)
        => new(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(4), RateLimits = limits, Backoff = backoff ?? BackoffPolicy.Default }, clock);

    private static Task<HttpResponseMessage> Run(ClientThrottle throttle, ScriptedResponses script)
        => throttle.DefaultGate.RunAsync(script, static s => s.Call(), ServerThrottle.HttpResponse);

    [Fact]
    public async Task A_429_with_delta_seconds_is_retried_exactly_that_much_later_and_disposed_once_the_retry_is_admitted()
    {
        var clock = new TimerCountingClock(Start);
        using ClientThrottle throttle = Throttle(clock);
        HttpResponseMessage tooMany = TooMany(after: S(7));
        var script = new ScriptedResponses(clock, Respond(tooMany), Ok());

        Task<HttpResponseMessage> call = Run(throttle, script);

        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(7) && throttle.InFlight == 0 && clock.TimersArmed == 1, "backing off for the server's 7 s without a slot");
        Assert.False(((TrackedContent)tooMany.Content).IsDisposed);
        clock.Advance(S(7));
        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Equal(new[] { TimeSpan.Zero, S(7) }, script.CallTimes);
        Assert.True(((TrackedContent)tooMany.Content).IsDisposed);
    }

    [Fact]
    public async Task A_retry_that_reaches_its_wait_late_still_goes_at_the_servers_time_not_that_long_after()
    {
        // A busy thread pool runs the retry's continuation late. Simulated here: the clock moves the server's 7 s
        // while the retry announces its cool-down, before it starts waiting. Those 7 s count towards its wait.
        FakeTimeProvider clock = NewClock();
        var logs = new FakeLogCollector(Options.Create(new FakeLogCollectorOptions
        {
            OutputSink = line =>
            {
                if (line.Contains("new calls pause", StringComparison.Ordinal))
                {
                    clock.Advance(S(7));
                }
            },
        }));
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var registry = new ThrottlingRegistry(clock, loggerFactory);
        ClientThrottle throttle = registry.GetOrCreate(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(4) });
        var script = new ScriptedResponses(clock, Respond(TooMany(after: S(7))), Ok());

        Task<HttpResponseMessage> call = Run(throttle, script);

        await Eventually.TrueAsync(() => call.IsCompleted, "the retry goes once the server's 7 s have passed");
        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Equal(new[] { TimeSpan.Zero, S(7) }, script.CallTimes);
    }

    [Fact]
    public async Task A_429_with_an_HTTP_date_waits_until_that_date_on_the_clock()
    {
        var clock = new TimerCountingClock(Start);
        using ClientThrottle throttle = Throttle(clock);
        var script = new ScriptedResponses(clock, Respond(TooMany(at: Start + S(10))), Ok());

        Task<HttpResponseMessage> call = Run(throttle, script);

        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(10) && clock.TimersArmed == 1, "the client cools down until the date");
        clock.Advance(S(10));
        await call;
        Assert.Equal(new[] { TimeSpan.Zero, S(10) }, script.CallTimes);
    }

    [Theory]
    [InlineData("past")]
    [InlineData("malformed")]
    [InlineData("missing")]
    public async Task Without_a_usable_Retry_After_the_first_retry_waits_a_jittered_delay_within_BaseDelay(string kind)
    {
        FakeTimeProvider clock = NewClock();
        using ClientThrottle throttle = Throttle(clock, new BackoffPolicy { BaseDelay = S(2) });
        HttpResponseMessage tooMany = kind switch
        {
            "past" => TooMany(at: Start - S(30)),
            "malformed" => TooMany(raw: "soon"),
            _ => TooMany(),
        };
        var script = new ScriptedResponses(clock, Respond(tooMany), Ok());

        Task<HttpResponseMessage> call = Run(throttle, script);
        await Eventually.TrueAsync(() => throttle.InFlight == 0, "the first attempt ends");
        clock.Advance(S(2));

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.InRange(script.CallTimes[1], TimeSpan.Zero, S(2));
    }

    [Fact]
    public async Task An_absurd_Retry_After_fails_the_call_at_once_with_the_servers_answer()
    {
        FakeTimeProvider clock = NewClock();
        using ClientThrottle throttle = Throttle(clock);
        HttpResponseMessage tooMany = TooMany(after: TimeSpan.FromHours(3));
        var script = new ScriptedResponses(clock, Respond(tooMany));

        HttpResponseMessage response = await Run(throttle, script);

        Assert.Same(tooMany, response);
        Assert.False(((TrackedContent)tooMany.Content).IsDisposed);
        Assert.Equal(1, script.Calls);
        Assert.Equal(TimeSpan.Zero, throttle.CoolDownRemaining);
    }

    [Fact]
    public async Task When_retries_run_out_the_caller_gets_the_last_429_response()
    {
        var clock = new TimerCountingClock(Start);
        using ClientThrottle throttle = Throttle(clock, new BackoffPolicy { MaxRetries = 1 });
        HttpResponseMessage first = TooMany(after: S(1));
        HttpResponseMessage last = TooMany(after: S(1));
        var script = new ScriptedResponses(clock, Respond(first), Respond(last));

        Task<HttpResponseMessage> call = Run(throttle, script);
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining > TimeSpan.Zero && clock.TimersArmed == 1, "backing off");
        clock.Advance(S(1));

        Assert.Same(last, await call);
        Assert.True(((TrackedContent)first.Content).IsDisposed);
        Assert.False(((TrackedContent)last.Content).IsDisposed);
        Assert.Equal(2, script.Calls);
    }

    [Fact]
    public async Task When_retries_run_out_the_caller_gets_the_original_exception_with_its_stack()
    {
        FakeTimeProvider clock = NewClock();
        using ClientThrottle throttle = Throttle(clock, new BackoffPolicy { MaxRetries = 0 });
        var script = new ScriptedResponses(clock, () => ThrowingCall());

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => Run(throttle, script));

        Assert.Equal((HttpStatusCode)429, thrown.StatusCode);
        Assert.Contains(nameof(ThrowingCall), thrown.StackTrace, StringComparison.Ordinal);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task HttpRequestException_with_429_and_TooManyRequestsException_are_retried()
    {
        var clock = new TimerCountingClock(Start);
        using ClientThrottle throttle = Throttle(clock);
        var script = new ScriptedResponses(
            clock,
            Throw(new HttpRequestException("slow down", null, (HttpStatusCode)429)),
            Throw(new TooManyRequestsException(S(3))),
            Ok());

        Task<HttpResponseMessage> call = Run(throttle, script);
        await Eventually.TrueAsync(() => script.Calls == 1 && throttle.InFlight == 0 && clock.TimersArmed == 1, "the first attempt ends");
        clock.Advance(S(2));
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(3) && clock.TimersArmed == 2, "the second attempt asks for 3 s");
        clock.Advance(S(3));

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Equal(3, script.Calls);
    }

    [Fact]
    public async Task Other_failures_are_never_retried()
    {
        FakeTimeProvider clock = NewClock();
        using ClientThrottle throttle = Throttle(clock);
        var script = new ScriptedResponses(clock, Throw(new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable)), Ok());

        await Assert.ThrowsAsync<HttpRequestException>(() => Run(throttle, script));

        Assert.Equal(1, script.Calls);
    }

    [Fact]
    public async Task Every_attempt_takes_its_own_rate_permit()
    {
        var clock = new TimerCountingClock(Start);
        using ClientThrottle throttle = Throttle(clock, null, new RateLimitPolicy(2, TimeSpan.FromMinutes(1)));
        var script = new ScriptedResponses(clock, Respond(TooMany(after: S(1))), Respond(TooMany(after: S(1))), Ok());

        Task<HttpResponseMessage> call = Run(throttle, script);
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(1) && clock.TimersArmed == 1, "first backoff");
        clock.Advance(S(1));
        await Eventually.TrueAsync(() => script.Calls == 2 && throttle.CoolDownRemaining == S(1) && clock.TimersArmed == 2, "second backoff");
        clock.Advance(S(1));
        await Eventually.TrueAsync(() => throttle.Waiting == 1, "the third attempt waits for a permit");

        clock.Advance(S(58));

        await call;
        Assert.Equal(new[] { TimeSpan.Zero, S(1), TimeSpan.FromMinutes(1) }, script.CallTimes);
    }

    [Fact]
    public async Task Cancelling_during_backoff_ends_the_call_without_another_attempt()
    {
        FakeTimeProvider clock = NewClock();
        using ClientThrottle throttle = Throttle(clock);
        var script = new ScriptedResponses(clock, Respond(TooMany(after: S(30))), Ok());
        using var cancel = new CancellationTokenSource();

        Task<HttpResponseMessage> call = throttle.DefaultGate.RunAsync(script, static s => s.Call(), ServerThrottle.HttpResponse, cancel.Token);
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(30), "backing off");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, script.Calls);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public void Full_jitter_stays_under_the_exponential_ceiling_and_the_cap()
    {
        var backoff = new BackoffPolicy { BaseDelay = S(2), MaxDelay = S(60) };

        Assert.Equal(S(1), backoff.ComputeDelay(0, 0.5));
        Assert.Equal(S(4), backoff.ComputeDelay(2, 0.5));
        Assert.Equal(S(30), backoff.ComputeDelay(10, 0.5));
        Assert.Equal(S(30), backoff.ComputeDelay(int.MaxValue, 0.5));
        Assert.Equal(TimeSpan.Zero, backoff.ComputeDelay(3, 0));
    }

    private static async Task<HttpResponseMessage> ThrowingCall()
    {
        await Task.Yield();
        throw new HttpRequestException("Too Many Requests", null, (HttpStatusCode)429);
    }
}
