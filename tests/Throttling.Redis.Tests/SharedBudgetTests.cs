using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Throttling.Redis.Tests.TestSupport;
using Throttling.Tests;

namespace Throttling.Redis.Tests;

/// <summary>
/// Budgets kept in a real Redis, shared by two registries that stand for two processes: the slots, limits and
/// cool-downs of one client are the same budget in both.
/// </summary>
[Collection(SharedRedisTests.Name)]
public sealed class SharedBudgetTests(SharedRedis redis) : IDisposable
{
    private readonly string _prefix = SharedRedis.NewPrefix();
    private readonly List<ThrottlingRegistry> _registries = new();
    private readonly FakeLogCollector _logs = new();

    [Fact]
    public async Task Two_processes_share_the_slots_and_a_freed_slot_wakes_the_other_process()
    {
        var policy = new ThrottlingPolicy("Search") { Slots = new SlotPolicy(2) };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        var calls = new HeldCalls();

        Task a = calls.Run(first.DefaultGate, "a");
        Task b = calls.Run(second.DefaultGate, "b");
        await Eventually.TrueAsync(() => calls.Started.Count == 2, "both calls started");
        Task c = calls.Run(second.DefaultGate, "c");
        await Eventually.TrueAsync(() => second.Waiting == 1, "the third call waits");

        calls.Finish("a");
        await Eventually.TrueAsync(() => calls.Started.Contains("c"), "the slot freed in the first process went to the second");
        calls.Finish("b");
        calls.Finish("c");
        await Task.WhenAll(a, b, c);
        Assert.Equal(0, await Database.SortedSetLengthAsync(Keys("Search").Slots));
    }

    [Fact]
    public async Task Within_a_process_waiters_start_in_the_order_they_came()
    {
        var policy = new ThrottlingPolicy("Ordered") { Slots = new SlotPolicy(1) };
        ClientThrottle throttle = Registry().GetOrCreate(policy);
        var calls = new HeldCalls();

        Task first = calls.Run(throttle.DefaultGate, "0");
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "the first call started");
        var waiting = new List<Task>();
        for (int i = 1; i <= 4; i++)
        {
            waiting.Add(calls.Run(throttle.DefaultGate, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            int queued = i;
            await Eventually.TrueAsync(() => throttle.Waiting == queued, $"call {i} waits");
        }

        for (int i = 0; i <= 4; i++)
        {
            string name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Eventually.TrueAsync(() => calls.Started.Contains(name), $"call {name} started");
            calls.Finish(name);
        }

        await Task.WhenAll(waiting.Append(first));
        Assert.Equal(["0", "1", "2", "3", "4"], calls.Started);
    }

    [Fact]
    public async Task A_rate_limit_counts_the_starts_of_every_process()
    {
        var policy = new ThrottlingPolicy("Paced") { RateLimits = [new RateLimitPolicy(3, TimeSpan.FromMinutes(1))], RecordingDelayCap = TimeSpan.Zero };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        int started = 0;

        await first.DefaultGate.RunAsync(0, _ => { Interlocked.Increment(ref started); return Task.CompletedTask; });
        await first.DefaultGate.RunAsync(0, _ => { Interlocked.Increment(ref started); return Task.CompletedTask; });
        await second.DefaultGate.RunAsync(0, _ => { Interlocked.Increment(ref started); return Task.CompletedTask; });
        using var cancel = new CancellationTokenSource();
        Task fourth = second.DefaultGate.RunAsync(0, _ => { Interlocked.Increment(ref started); return Task.CompletedTask; }, cancel.Token);

        await Eventually.TrueAsync(() => second.Waiting == 1, "the fourth start waits for the window");
        Assert.Equal(3, started);
        Assert.Equal(3, await Database.StringGetAsync(Keys("Paced").Limit(string.Empty, policy.RateLimits[0]).Aux));

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fourth);
        Assert.Equal(3, started);
    }

    [Fact]
    public async Task A_weighted_limit_is_charged_each_call_s_cost_in_every_process_and_settled_to_its_real_cost()
    {
        var tokens = new RateLimitPolicy(100, TimeSpan.FromMinutes(1)) { Unit = "tokens" };
        var policy = new ThrottlingPolicy("Costed") { RateLimits = [new RateLimitPolicy(50, TimeSpan.FromMinutes(1)), tokens] };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        RedisKey sum = Keys("Costed").Limit(string.Empty, tokens).Aux;

        // 70 reserved, 30 used: the 40 left over return to the shared window.
        await first.DefaultGate.RunWithCostAsync(70, 0, static _ => Task.FromResult(new Usage(30)), detector: null, CancellationToken.None);
        await Eventually.TrueAsync(() => (long)Database.StringGet(sum) == 30, "the first call was settled to 30 in Redis");

        // So the second process fits 70 more, and then nothing: a call of 1 waits while the window is full.
        await second.DefaultGate.RunWithCostAsync(70, 0, static _ => Task.FromResult(new Usage(70)), detector: null, CancellationToken.None);
        Assert.Equal(100, (long)await Database.StringGetAsync(sum));
        Task<Usage> waiting = first.DefaultGate.RunWithCostAsync(1, 0, static _ => Task.FromResult(new Usage(1)), detector: null, CancellationToken.None);
        await Eventually.TrueAsync(() => first.Waiting == 1, "a call of 1 waits for the full window");
        Assert.False(waiting.IsCompleted);

        // A cost beyond the whole limit fails in either process without waiting.
        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(
            () => second.DefaultGate.RunWithCostAsync(101, 0, static _ => Task.FromResult(new Usage(101)), detector: null, CancellationToken.None));
        Assert.Equal(RejectionReason.CostExceedsLimit, rejected.Reason);
    }

    private sealed record Usage(long ActualCost) : IReportsCost;

    [Fact]
    public async Task The_window_is_measured_on_Redis_clock_not_on_the_process_clock()
    {
        var time = new FakeTimeProvider();
        var policy = new ThrottlingPolicy("RedisClock") { RateLimits = [new RateLimitPolicy(1, TimeSpan.FromMinutes(1))], RecordingDelayCap = TimeSpan.Zero };
        ClientThrottle throttle = Registry(time).GetOrCreate(policy);
        await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);

        // An hour on the process's clock is nothing on Redis's: the window has not moved.
        time.Advance(TimeSpan.FromHours(1));
        using var cancel = new CancellationTokenSource();
        Task second = throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask, cancel.Token);
        await Eventually.TrueAsync(() => throttle.Waiting == 1, "the second start waits");
        time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(100);
        Assert.False(second.IsCompleted);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }

    [Fact]
    public async Task A_429_in_one_process_pauses_the_client_in_the_other()
    {
        var policy = new ThrottlingPolicy("Cooled") { Slots = new SlotPolicy(4), Backoff = new BackoffPolicy { MaxRetries = 0 } };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);

        await Assert.ThrowsAsync<TooManyRequestsException>(() => first.DefaultGate.RunAsync(
            0,
            _ => Task.FromException(new TooManyRequestsException(TimeSpan.FromMinutes(1)))));
        await Eventually.TrueAsync(() => Database.KeyExists(Keys("Cooled").CoolDown), "the cool-down reached Redis");

        using var cancel = new CancellationTokenSource();
        Task paused = second.DefaultGate.RunAsync(0, _ => Task.CompletedTask, cancel.Token);
        await Eventually.TrueAsync(() => second.CoolDownRemaining > TimeSpan.FromSeconds(50), "the second process learned of the cool-down");
        Assert.False(paused.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => paused);
    }

    [Fact]
    public async Task A_wait_beyond_MaxRetryAfter_asked_of_one_process_fails_the_calls_of_the_other_fast()
    {
        var policy = new ThrottlingPolicy("Refused") { Slots = new SlotPolicy(4), Backoff = new BackoffPolicy { MaxRetryAfter = TimeSpan.FromMinutes(1) } };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);

        await Assert.ThrowsAsync<TooManyRequestsException>(() => first.DefaultGate.RunAsync(
            0,
            _ => Task.FromException(new TooManyRequestsException(TimeSpan.FromHours(1)))));
        await Eventually.TrueAsync(() => Database.HashExists(Keys("Refused").CoolDown, "r"), "the refusal reached Redis");

        int started = 0;
        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => second.DefaultGate.RunAsync(0, _ => { started++; return Task.CompletedTask; }));
        Assert.Equal(RejectionReason.ServerCoolDown, rejected.Reason);
        Assert.Contains("1 h (Retry-After)", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, started);
    }

    [Fact]
    public async Task What_the_server_says_is_left_in_one_process_paces_the_other()
    {
        // The attributes allow 100 a minute; the server's answer to the first process's call says 1 more until its reset.
        var policy = new ThrottlingPolicy("Told") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(100, TimeSpan.FromMinutes(1)) } };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        HttpResponseMessage answer = Answer("RateLimit", "\"default\";r=1;t=2");
        await first.DefaultGate.RunAsync(answer, static a => Task.FromResult(a), ServerThrottle.HttpResponse);
        await Eventually.TrueAsync(() => Database.HashExists(Keys("Told").CoolDown, "q"), "the server's count reached Redis");

        // One more starts at once, in the other process; the next waits for the reset.
        var calls = new HeldCalls();
        Task one = calls.Run(second.DefaultGate, "one");
        Task two = calls.Run(second.DefaultGate, "two");
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "the one start the server allows");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(new[] { "one" }, calls.Started);

        await Eventually.TrueAsync(() => calls.Started.Count == 2, "the server's reset lets the next start");
        calls.Finish("one");
        calls.Finish("two");
        await Task.WhenAll(one, two);
    }

    [Fact]
    public async Task What_the_server_says_is_left_of_its_tokens_in_one_process_paces_the_other()
    {
        // The attributes allow 1,000 tokens a minute; the server's answer to the first process's call of 100 says 150 are
        // left until its reset, 2 s away: others use the key.
        var policy = new ThrottlingPolicy("TokensTold")
        {
            Slots = new SlotPolicy(10),
            RateLimits = [new RateLimitPolicy(1_000, TimeSpan.FromMinutes(1)) { Unit = "tokens" }],
            ResponseHeaders = static r => (r as TokenAnswer)?.Headers,
        };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        HttpResponseMessage told = Answer("x-ratelimit-remaining-tokens", "150");
        told.Headers.TryAddWithoutValidation("x-ratelimit-reset-tokens", "2s");
        await first.DefaultGate.RunWithCostAsync(100, new TokenAnswer(100, told.Headers), static a => Task.FromResult(a), detector: null, CancellationToken.None);
        await Eventually.TrueAsync(() => Database.HashExists(Keys("TokensTold").CoolDown, "tq"), "the server's token count reached Redis");

        // 150 more tokens start, in the other process: one call of 100, not a second; the reset lets it start.
        var calls = new HeldCalls();
        Task one = calls.Run(second.DefaultGate, "one", cost: 100);
        Task two = calls.Run(second.DefaultGate, "two", cost: 100);
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "the call of 100 the server's tokens allow");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(new[] { "one" }, calls.Started);

        await Eventually.TrueAsync(() => calls.Started.Count == 2, "the server's token reset lets the next start");
        calls.Finish("one");
        calls.Finish("two");
        await Task.WhenAll(one, two);
    }

    private sealed record TokenAnswer(long ActualCost, System.Net.Http.Headers.HttpResponseHeaders Headers) : IReportsCost;

    [Fact]
    public async Task A_policy_the_server_declares_to_one_process_limits_the_other()
    {
        // The attributes allow 100 a minute; the first process's answer declares 2 a minute, and says nothing of what is
        // left. The second process keeps to the declared policy: two start, the third waits (with the attributes alone,
        // all three would start).
        var policy = new ThrottlingPolicy("Declared") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(100, TimeSpan.FromMinutes(1)) } };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        HttpResponseMessage answer = Answer("RateLimit-Policy", "\"default\";q=2;w=60");
        await first.DefaultGate.RunAsync(answer, static a => Task.FromResult(a), ServerThrottle.HttpResponse);
        await Eventually.TrueAsync(() => Database.HashExists(Keys("Declared").CoolDown, "p"), "the declared policy reached Redis");

        // One call to hear of it (an acquire's answer carries it); the learned window counts the starts from then on.
        await second.DefaultGate.RunAsync(0, _ => Task.CompletedTask);
        var calls = new HeldCalls();
        Task[] running = Enumerable.Range(0, 3).Select(i => calls.Run(second.DefaultGate, "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        await Eventually.TrueAsync(() => calls.Started.Count == 2, "two fit the declared 2 a minute");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, calls.Started.Count);
        Assert.Equal(1, second.Waiting);
        GC.KeepAlive(running);
    }

    [Fact]
    public async Task A_start_the_server_counted_is_dated_in_Redis_at_its_invocation_not_its_response()
    {
        // Calls that take 2 s on the client's clock against a 5 s window: the first answer, with nothing to compare with,
        // dates its start at the response; the second, as quick, at its invocation plus a fiftieth of the window (100 ms),
        // 1.9 s before its release.
        var clock = new FakeTimeProvider();
        var limit = new RateLimitPolicy(10, TimeSpan.FromSeconds(5));
        var policy = new ThrottlingPolicy("Counted") { Slots = new SlotPolicy(1), RateLimits = new[] { limit } };
        ClientThrottle throttle = Registry(clock).GetOrCreate(policy);
        double answeredAt = 0;
        for (int i = 0; i < 2; i++)
        {
            var answer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            bool started = false;
            Task<HttpResponseMessage> call = throttle.DefaultGate.RunAsync(
                0,
                _ =>
                {
                    Volatile.Write(ref started, true);
                    return answer.Task;
                },
                ServerThrottle.HttpResponse);
            await Eventually.TrueAsync(() => Volatile.Read(ref started), "the call was invoked");
            clock.Advance(TimeSpan.FromSeconds(2));
            HttpResponseMessage response = Answer("RateLimit", "\"default\";r=8;t=5");
            answeredAt = RedisNow();
            answer.SetResult(response);
            await call;
        }

        // The second call's start is the member with the later lease ("<process>:<n>"); dated at its response, it would
        // be no earlier than the moment the answer came.
        RedisKey log = Keys("Counted").Limit(string.Empty, limit).Data;
        await Eventually.TrueAsync(() => Database.SortedSetRangeByScoreWithScores(log).All(e => e.Score < RedisNow()), "both releases dated their starts");
        SortedSetEntry second = (await Database.SortedSetRangeByScoreWithScoresAsync(log))
            .MaxBy(e => long.Parse(((string)e.Element!).Split(':')[^2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(second.Score < answeredAt - 1_000_000, $"the second start is dated {(answeredAt - second.Score) / 1000:0} ms before its answer");

        double RedisNow()
        {
            RedisResult[] time = (RedisResult[])Database.Execute("TIME")!;
            return ((long)time[0] * 1_000_000.0) + (long)time[1];
        }
    }

    [Fact]
    public async Task An_answer_that_agrees_with_the_shared_limits_lifts_the_servers_bound()
    {
        // 2 per minute in the attributes, and a bound that allows one start. A server that says 1 is left after it agrees
        // with the shared window: the bound is lifted.
        var policy = new ThrottlingPolicy("Agreed") { Slots = new SlotPolicy(10), RateLimits = new[] { new RateLimitPolicy(2, TimeSpan.FromMinutes(1)) } };
        ClientThrottle throttle = Registry().GetOrCreate(policy);
        HttpResponseMessage answer = Answer("RateLimit", "\"default\";r=1;t=60");
        RedisKey cool = Keys("Agreed").CoolDown;
        await Database.HashSetAsync(cool, new[] { new HashEntry("a", 1), new HashEntry("q", long.MaxValue / 2) });

        await throttle.DefaultGate.RunAsync(answer, static a => Task.FromResult(a), ServerThrottle.HttpResponse);

        await Eventually.TrueAsync(() => !Database.HashExists(cool, "q"), "the agreeing answer lifted the bound");
    }

    [Fact]
    public async Task Adaptive_slots_keep_one_live_limit_for_every_process()
    {
        var policy = new ThrottlingPolicy("Adaptive") { Slots = new SlotPolicy(10) { Adaptive = true, MinSlots = 1 } };
        ClientThrottle first = Registry().GetOrCreate(policy);
        ClientThrottle second = Registry().GetOrCreate(policy);
        var calls = new HeldCalls();

        // In the first process: x runs alone at the limit of 1 while y waits; x answering with its slot full doubles it.
        Task x = calls.Run(first.DefaultGate, "x");
        Task y = calls.Run(first.DefaultGate, "y");
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "x runs alone");
        calls.Finish("x");
        await x;
        await Eventually.TrueAsync(() => first.SlotLimit == 2 && calls.Started.Count == 2, "the limit doubled and y runs");
        await Eventually.TrueAsync(() => (int)Database.HashGet(Keys("Adaptive").CoolDown, "l") == 2, "the live limit reached Redis");

        // The second process, at 1 of its own, follows: z1 runs beside y, z2 waits for the shared second slot.
        Task z1 = calls.Run(second.DefaultGate, "z1");
        Task z2 = calls.Run(second.DefaultGate, "z2");
        await Eventually.TrueAsync(() => calls.Started.Contains("z1"), "z1 runs beside y");
        Assert.Equal(2, second.SlotLimit);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.DoesNotContain("z2", calls.Started);

        calls.Finish("y");
        await Eventually.TrueAsync(() => calls.Started.Contains("z2"), "y's slot goes to z2");
        calls.Finish("z1");
        calls.Finish("z2");
        await Task.WhenAll(y, z1, z2);
    }

    [Fact]
    public async Task A_full_queue_and_MaxWait_reject_with_a_message_naming_the_client()
    {
        var policy = new ThrottlingPolicy("Queued") { Slots = new SlotPolicy(1) { QueueLimit = 1, MaxWait = TimeSpan.FromMilliseconds(300) } };
        ClientThrottle throttle = Registry().GetOrCreate(policy);
        var calls = new HeldCalls();
        Task running = calls.Run(throttle.DefaultGate, "running");
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "the first call runs");

        Task waiting = calls.Run(throttle.DefaultGate, "waiting");
        var full = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => calls.Run(throttle.DefaultGate, "refused"));
        Assert.Equal(RejectionReason.QueueFull, full.Reason);
        Assert.Contains("Queued", full.Message, StringComparison.Ordinal);

        var timedOut = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => waiting);
        Assert.Equal(RejectionReason.MaxWaitExceeded, timedOut.Reason);
        calls.Finish("running");
        await running;
    }

    [Fact]
    public void UseRedis_after_a_budget_was_handed_out_names_the_clients_already_created()
    {
        var registry = new ThrottlingRegistry();
        _registries.Add(registry);
        registry.GetOrCreate(new ThrottlingPolicy("Early") { Slots = new SlotPolicy(1) });

        var error = Assert.Throws<InvalidOperationException>(() => registry.UseRedis(redis.Connection, o => o.KeyPrefix = _prefix));
        Assert.Contains("Early", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_carry_the_store_tag_and_time_each_round_trip()
    {
        using var meters = new TestMeterFactory();
        var registry = new ThrottlingRegistry(meterFactory: meters).UseRedis(redis.Connection, Options);
        _registries.Add(registry);
        using var roundTrips = new MetricCollector<double>(meters, ThrottlingMetrics.MeterName, "throttling.budget.store.duration");
        using var active = new MetricCollector<int>(meters, ThrottlingMetrics.MeterName, "throttling.client.active_calls");
        using var processes = new MetricCollector<int>(meters, ThrottlingMetrics.MeterName, "throttling.budget.processes");
        ClientThrottle throttle = registry.GetOrCreate(new ThrottlingPolicy("Measured") { Slots = new SlotPolicy(2) });
        var calls = new HeldCalls();

        Task call = calls.Run(throttle.DefaultGate, "a");
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "the call runs");
        active.RecordObservableInstruments();
        Assert.Contains(active.GetMeasurementSnapshot(), m => m.Value == 1 && (string?)m.Tags["throttling.budget.store"] == "redis");
        calls.Finish("a");
        await call;

        await Eventually.TrueAsync(() => roundTrips.GetMeasurementSnapshot().Any(m => (string?)m.Tags["throttling.budget.operation"] == "release"), "the release was timed");
        Assert.Contains(roundTrips.GetMeasurementSnapshot(), m => (string?)m.Tags["throttling.budget.operation"] == "acquire" && m.Value > 0);
        await Eventually.TrueAsync(
            () =>
            {
                processes.RecordObservableInstruments();
                return processes.LastMeasurement?.Value >= 1;
            },
            "the heartbeat counted this process");
    }

    // A test that passed on the local share would prove nothing about the shared budget; so that a busy machine (the
    // first round trip of a cold process can take a second here) does not send it there, round trips may take long.
    public void Dispose()
    {
        _registries.ForEach(r => r.Dispose());
        Assert.DoesNotContain(_logs.GetSnapshot(), r => r.Id.Name == "BudgetStoreUnavailable");
    }

    private IDatabase Database => redis.Connection.GetDatabase();

    private void Options(RedisBudgetOptions options)
    {
        options.KeyPrefix = _prefix;
        options.CommandTimeout = TimeSpan.FromSeconds(30);
    }

    private ClientKeys Keys(string client) => new(_prefix, client, scope: null);

    // A successful answer carrying one rate-limit field.
    private static HttpResponseMessage Answer(string field, string value)
    {
        var answer = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        answer.Headers.TryAddWithoutValidation(field, value);
        return answer;
    }

    private ThrottlingRegistry Registry(TimeProvider? time = null)
    {
        var registry = new ThrottlingRegistry(time, LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_logs)))).UseRedis(redis.Connection, Options);
        _registries.Add(registry);
        return registry;
    }
}
