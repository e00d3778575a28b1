using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class CostTests
{
    private static RateLimitPolicy Tokens(int permits, RateLimitKind kind = RateLimitKind.SlidingWindow)
        => new(permits, S(10)) { Unit = "tokens", Kind = kind };

    private static ThrottlingPolicy Chat(params RateLimitPolicy[] limits)
        => new("Chat") { RateLimits = limits, ResponseHeaders = static r => (r as Answer)?.Headers };

    private static Task<Usage> Call(ClientThrottle throttle, ControlledCalls<Usage> calls, int id, long cost, CancellationToken cancellationToken = default)
        => throttle.DefaultGate.RunWithCostAsync(cost, (calls, id), static s => s.calls.Call(s.id), detector: null, cancellationToken);

    [Fact]
    public async Task A_call_reserves_its_cost_before_it_starts_and_its_start_holds_it_for_a_window()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(100)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        Task<Usage> first = Call(throttle, calls, 1, 80);
        Task<Usage> second = Call(throttle, calls, 2, 30);
        Assert.Equal(1, calls.Started);

        // The first start is dated at its answer, 300 ms in: its 80 tokens are back at 10.3 s.
        clock.Advance(Ms(300));
        calls.Complete(1, new Usage(80));
        await first;
        await StartsAfterAsync(clock, calls, S(10), 2, "the second call starts once the first's tokens leave the window");
        Assert.Equal(Ms(10_300), calls.StartTimes[1] - Start);
        calls.Complete(2, new Usage(30));
        await second;
    }

    [Theory]
    [InlineData(RateLimitKind.SlidingWindow)]
    [InlineData(RateLimitKind.FixedWindow)]
    [InlineData(RateLimitKind.TokenBucket)]
    public async Task A_result_that_reports_a_smaller_cost_returns_the_rest_at_once(RateLimitKind kind)
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(100, kind)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        Task<Usage> first = Call(throttle, calls, 1, 100);
        Task<Usage> second = Call(throttle, calls, 2, 50);
        Task<Usage> third = Call(throttle, calls, 3, 20);
        clock.Advance(Ms(300));
        Assert.Equal(1, calls.Started);

        // 40 used of 100: 60 come back, room for the second call's 50 but not for the third's 20 beside it.
        calls.Complete(1, new Usage(40));
        await first;
        await Eventually.TrueAsync(() => calls.Started == 2, "the second call starts as soon as the first settles");
        Assert.Equal(Ms(300), calls.StartTimes[1] - Start);
        Assert.Equal(2, calls.Started);
        Assert.False(third.IsCompleted);
        calls.Complete(2, new Usage(50));
        await second;
    }

    [Fact]
    public async Task An_overrun_is_charged_and_counts_from_its_start()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(100)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        Task<Usage> first = Call(throttle, calls, 1, 10);
        clock.Advance(Ms(300));
        calls.Complete(1, new Usage(90));
        await first;

        // 90 of 100 are spent until 10.3 s, so a call of 20 waits until then although only 10 were reserved.
        Task<Usage> second = Call(throttle, calls, 2, 20);
        await StartsAfterAsync(clock, calls, S(10), 2, "the second call starts once the overrun leaves the window");
        calls.Complete(2, new Usage(20));
        await second;
    }

    [Fact]
    public async Task A_call_dated_at_its_cap_settles_against_that_date()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(100)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        // A long completion: its start is dated at the 1 s cap, while it still runs.
        Task<Usage> slow = Call(throttle, calls, 1, 90);
        Task<Usage> next = Call(throttle, calls, 2, 50);
        clock.Advance(S(5));
        Assert.Equal(1, calls.Started);

        // It used 30: the 60 it did not use are free at once; its 30 count until 11 s, a window after its cap.
        calls.Complete(1, new Usage(30));
        await slow;
        await Eventually.TrueAsync(() => calls.Started == 2, "the next call starts as soon as the slow one settles");
        Assert.Equal(S(5), calls.StartTimes[1] - Start);
        Task<Usage> last = Call(throttle, calls, 3, 30);
        await StartsAfterAsync(clock, calls, S(6), 3, "the last call starts when the slow call's 30 leave, at 11 s");
        calls.Complete(2, new Usage(50));
        calls.Complete(3, new Usage(30));
        await Task.WhenAll(next, last);
    }

    [Fact]
    public async Task Request_and_token_limits_stack_and_each_binds_on_its_own()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(new RateLimitPolicy(2, S(10)), Tokens(100)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        // Tokens bind: 70 + 40 > 100, although the request limit has room for a second call.
        Task<Usage> big = Call(throttle, calls, 1, 70);
        Task<Usage> blockedByTokens = Call(throttle, calls, 2, 40);
        Assert.Equal(1, calls.Started);
        calls.Complete(1, new Usage(50));
        await big;
        await Eventually.TrueAsync(() => calls.Started == 2, "50 + 40 tokens fit once the first settles");

        // Requests bind: two starts in the window, although 10 tokens are left.
        Task<Usage> blockedByRequests = Call(throttle, calls, 3, 1);
        Assert.Equal(2, calls.Started);
        calls.Complete(2, new Usage(40));
        await blockedByTokens;
        clock.Advance(S(10));
        await Eventually.TrueAsync(() => calls.Started == 3, "the third call starts once a request permit returns");
        calls.Complete(3, new Usage(1));
        await blockedByRequests;
    }

    [Fact]
    public async Task A_cost_larger_than_a_whole_limit_fails_at_once_and_sends_nothing()
    {
        using var throttle = new ClientThrottle(Chat(new RateLimitPolicy(500, S(60)), Tokens(100)), NewClock());
        var calls = new ControlledCalls<Usage>();

        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => Call(throttle, calls, 1, 101));

        Assert.Equal(RejectionReason.CostExceedsLimit, rejected.Reason);
        Assert.Equal("Chat", rejected.ClientName);
        Assert.Contains("101 tokens", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("100 tokens per 10s", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls.Started);
        Assert.Equal(0, throttle.InFlight);

        // The budget is untouched: the whole limit is still there.
        Task<Usage> whole = Call(throttle, calls, 2, 100);
        Assert.Equal(1, calls.Started);
        calls.Complete(2, new Usage(100));
        await whole;
    }

    [Fact]
    public void A_negative_cost_is_an_argument_error()
    {
        using var throttle = new ClientThrottle(Chat(Tokens(100)), NewClock());
        var calls = new ControlledCalls<Usage>();

        // Thrown by the call itself, as argument checks are, not by the task it would return.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Call(throttle, calls, 1, -1); });

        Assert.Equal("cost", error.ParamName);
        Assert.Equal(0, calls.Started);
    }

    [Fact]
    public async Task A_large_cost_at_the_head_is_not_overtaken_by_smaller_ones_and_goes_first_when_its_room_comes()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(100)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        Task<Usage> first = Call(throttle, calls, 1, 60);
        calls.Complete(1, new Usage(60));
        await first;
        Task<Usage> large = Call(throttle, calls, 2, 60);
        Task<Usage> small = Call(throttle, calls, 3, 10);
        Task<Usage> medium = Call(throttle, calls, 4, 35);

        // 40 are left, enough for either smaller call, but both came after the large one.
        clock.Advance(S(5));
        Assert.Equal(1, calls.Started);

        // 100 come back: the large call and then the small one take 70; the medium one does not fit in the 30 left.
        // Smaller ones first would have taken 45 and left the large one waiting. Calls granted together start on
        // their own threads, so the grants are judged by who started, not by the order of their starts.
        clock.Advance(S(5));
        await Eventually.TrueAsync(() => calls.Started == 3, "the large and the small call start when the first call's tokens leave the window");
        Assert.Equal(new[] { 1, 2, 3 }, calls.StartOrder.Order());
        calls.Complete(2, new Usage(60));
        calls.Complete(3, new Usage(10));
        await Task.WhenAll(large, small);

        clock.Advance(S(10));
        await Eventually.TrueAsync(() => calls.Started == 4, "the medium call starts when their tokens leave the window");
        calls.Complete(4, new Usage(35));
        await medium;
    }

    [Fact]
    public async Task MaxWait_ends_the_wait_of_a_large_cost_and_lets_the_smaller_ones_behind_it_go()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Chat") { Slots = new SlotPolicy(4) { MaxWait = S(5) }, RateLimits = new[] { Tokens(100) } }, clock);
        var calls = new ControlledCalls<Usage>(clock);

        Task<Usage> first = Call(throttle, calls, 1, 60);
        calls.Complete(1, new Usage(60));
        await first;
        Task<Usage> large = Call(throttle, calls, 2, 60);
        clock.Advance(S(2));
        Task<Usage> small = Call(throttle, calls, 3, 10);

        clock.Advance(S(3));
        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => large);
        Assert.Equal(RejectionReason.MaxWaitExceeded, rejected.Reason);
        await Eventually.TrueAsync(() => calls.Started == 2, "the small call starts as soon as the large one leaves");
        Assert.Equal(S(5), calls.StartTimes[1] - Start);
        calls.Complete(3, new Usage(10));
        await small;
    }

    [Fact]
    public async Task A_result_that_reports_no_cost_keeps_its_reservation()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(100)), clock);
        var calls = new ControlledCalls<Usage>(clock);

        // A negative report is no report: the 80 reserved stay spent.
        Task<Usage> first = Call(throttle, calls, 1, 80);
        calls.Complete(1, new Usage(-5));
        await first;
        Task<Usage> second = Call(throttle, calls, 2, 30);
        await StartsAfterAsync(clock, calls, S(10), 2, "the second call waits for the whole reservation to leave");
        calls.Complete(2, new Usage(30));
        await second;
    }

    [Fact]
    public async Task A_token_count_from_the_server_paces_the_token_limit_where_it_leaves_less()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(1_000)), clock);
        var calls = new ControlledCalls<Answer>(clock);

        // Others use the account: the server has 100 tokens left for 5 s where the client's own limit leaves 900.
        Task<Answer> first = CallForAnswer(throttle, calls, 1, 100);
        calls.Complete(1, new Answer(100, TokensLeft(100, "5s")));
        await first;

        Task<Answer> second = CallForAnswer(throttle, calls, 2, 100);
        Task<Answer> third = CallForAnswer(throttle, calls, 3, 100);
        Assert.Equal(2, calls.Started);
        calls.Complete(2, new Answer(100, null));
        await second;
        await StartsAfterAsync(clock, calls, S(5), 3, "the third call waits for the server's token reset");
        calls.Complete(3, new Answer(100, null));
        await third;
    }

    [Fact]
    public async Task A_token_count_that_agrees_with_the_token_limit_leaves_it_to_its_own_window()
    {
        FakeTimeProvider clock = NewClock();
        using var throttle = new ClientThrottle(Chat(Tokens(1_000)), clock);
        var calls = new ControlledCalls<Answer>(clock);

        Task<Answer> first = CallForAnswer(throttle, calls, 1, 100);
        calls.Complete(1, new Answer(100, TokensLeft(900, "10s")));
        await first;

        // The server counts as the client does: eight more calls of 100 start at once, as the client's window allows.
        Task<Answer>[] more = Enumerable.Range(2, 8).Select(id => CallForAnswer(throttle, calls, id, 100)).ToArray();
        Assert.Equal(9, calls.Started);
        foreach (int id in Enumerable.Range(2, 8))
        {
            calls.Complete(id, new Answer(100, null));
        }

        await Task.WhenAll(more);
    }

    private static Task<Answer> CallForAnswer(ClientThrottle throttle, ControlledCalls<Answer> calls, int id, long cost)
        => throttle.DefaultGate.RunWithCostAsync(cost, (calls, id), static s => s.calls.Call(s.id), detector: null, CancellationToken.None);

    // OpenAI's token headers.
    private static System.Net.Http.Headers.HttpResponseHeaders TokensLeft(int remaining, string reset)
    {
        using var response = new System.Net.Http.HttpResponseMessage();
        response.Headers.Add("x-ratelimit-limit-tokens", "1000");
        response.Headers.Add("x-ratelimit-remaining-tokens", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.Add("x-ratelimit-reset-tokens", reset);
        return response.Headers;
    }

    // The call numbered `started` starts `wait` from now, not a millisecond sooner (timers are armed in whole milliseconds).
    private static async Task StartsAfterAsync<T>(FakeTimeProvider clock, ControlledCalls<T> calls, TimeSpan wait, int started, string what)
    {
        clock.Advance(wait - Ms(1));
        Assert.Equal(started - 1, calls.Started);
        clock.Advance(Ms(1));
        await Eventually.TrueAsync(() => calls.Started == started, what);
    }

    private sealed record Usage(long ActualCost) : IReportsCost;

    private sealed record Answer(long ActualCost, System.Net.Http.Headers.HttpResponseHeaders? Headers) : IReportsCost;
}
