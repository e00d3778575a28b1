using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using Throttling.Redis.Tests.TestSupport;
using Throttling.TestServer;

namespace Throttling.Redis.Tests;

/// <summary>
/// Redis killed with SIGKILL under a running client, and started again: each test owns its redis-server. Calls never
/// hang on the dead connection, go on as OnUnavailable says, and return to the shared budget when Redis is back.
/// </summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly FakeLogCollector _logs = new();
    private readonly List<IDisposable> _owned = new();
    private LocalRedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await LocalRedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        _owned.ForEach(o => o.Dispose());
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task With_the_local_fallback_calls_keep_flowing_on_this_process_share_and_the_outage_and_recovery_are_logged_once()
    {
        var policy = new ThrottlingPolicy("Fallback") { Slots = new SlotPolicy(4) };
        ClientThrottle throttle = Registry(_redis.Connect(), RedisUnavailableMode.LocalFallback).GetOrCreate(policy);
        ClientThrottle other = Registry(_redis.Connect(), RedisUnavailableMode.LocalFallback, new FakeLogCollector()).GetOrCreate(policy);
        await Eventually.TrueAsync(() => Live(throttle) == 2, "both processes were counted alive");
        await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);

        _redis.Kill();
        int running = 0, most = 0;
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => throttle.DefaultGate.RunAsync(0, async Task (_) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref running);
        })));

        // Two processes were alive, so this one's share of four slots is two.
        Assert.Equal(2, most);
        Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "BudgetStoreUnavailable");

        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => _logs.GetSnapshot().Any(r => r.Id.Name == "BudgetStoreRecovered"), "the process saw Redis again");
        await Eventually.TrueAsync(() => ((RedisBudgetStore)throttle.Store).IsShared, "calls went back to the shared budget");
        var calls = new HeldCalls();
        Task held = calls.Run(throttle.DefaultGate, "shared");
        await Eventually.TrueAsync(() => calls.Started.Count == 1, "the call runs");
        using ConnectionMultiplexer probe = _redis.Connect();
        Assert.Equal(1, await probe.GetDatabase().SortedSetLengthAsync(new ClientKeys("outage", "Fallback", null).Slots));
        calls.Finish("shared");
        await held;
        Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "BudgetStoreUnavailable");
        Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "BudgetStoreRecovered");
        GC.KeepAlive(other);
    }

    [Fact]
    public async Task A_call_never_waits_on_a_dead_connection_even_with_a_multiplexer_on_default_settings()
    {
        using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
        ClientThrottle throttle = Registry(connection, RedisUnavailableMode.LocalFallback).GetOrCreate(new ThrottlingPolicy("Default") { Slots = new SlotPolicy(2) });
        await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);

        _redis.Kill();
        Task calls = Task.WhenAll(Enumerable.Range(0, 10).Select(_ => throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask)));

        // A bound against hanging, far above the one-second command timeout: StackExchange.Redis would hold a queued
        // command until Redis is back, however long that is.
        await calls.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task FailClosed_rejects_with_BudgetUnavailable_naming_the_client_and_FailOpen_runs_without_limits()
    {
        ClientThrottle closed = Registry(_redis.Connect(), RedisUnavailableMode.FailClosed).GetOrCreate(new ThrottlingPolicy("Closed") { Slots = new SlotPolicy(1) });
        ClientThrottle open = Registry(_redis.Connect(), RedisUnavailableMode.FailOpen).GetOrCreate(new ThrottlingPolicy("Open") { Slots = new SlotPolicy(1) });
        await closed.DefaultGate.RunAsync(0, _ => Task.CompletedTask);
        await open.DefaultGate.RunAsync(0, _ => Task.CompletedTask);

        _redis.Kill();
        await Eventually.TrueAsync(() => _logs.GetSnapshot().Count(r => r.Id.Name == "BudgetStoreUnavailable") == 2, "both saw the outage");
        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => closed.DefaultGate.RunAsync(0, _ => Task.CompletedTask));
        Assert.Equal(RejectionReason.BudgetUnavailable, rejected.Reason);
        Assert.Contains("Closed", rejected.Message, StringComparison.Ordinal);

        var calls = new HeldCalls();
        Task first = calls.Run(open.DefaultGate, "a");
        Task second = calls.Run(open.DefaultGate, "b");
        await Eventually.TrueAsync(() => calls.Started.Count == 2, "both calls run beyond the one slot");
        calls.Finish("a");
        calls.Finish("b");
        await Task.WhenAll(first, second);
    }

    [Fact]
    public async Task On_the_local_share_a_rate_limit_counts_each_start_once()
    {
        var policy = new ThrottlingPolicy("LocalRate") { RateLimits = [new RateLimitPolicy(4, TimeSpan.FromMinutes(1))], RecordingDelayCap = TimeSpan.FromSeconds(1) };
        ClientThrottle throttle = Registry(_redis.Connect(), RedisUnavailableMode.LocalFallback).GetOrCreate(policy);
        await Eventually.TrueAsync(() => Live(throttle) == 1, "the heartbeat answered");
        _redis.Kill();

        // One process alive: its share is all four permits, and each call takes exactly one.
        for (int i = 0; i < 4; i++)
        {
            await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var cancel = new CancellationTokenSource();
        int started = 0;
        Task fifth = throttle.DefaultGate.RunAsync(0, _ => { started++; return Task.CompletedTask; }, cancel.Token);
        await Eventually.TrueAsync(() => throttle.Waiting == 1, "the fifth start waits for the window");
        Assert.Equal(0, started);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fifth);
    }

    [Fact]
    public async Task After_the_outage_the_starts_made_on_the_local_share_count_in_the_shared_window()
    {
        var limit = new RateLimitPolicy(4, TimeSpan.FromMinutes(1));
        var policy = new ThrottlingPolicy("Replayed") { RateLimits = [limit], RecordingDelayCap = TimeSpan.Zero };
        ClientThrottle throttle = Registry(_redis.Connect(), RedisUnavailableMode.LocalFallback).GetOrCreate(policy);
        await Eventually.TrueAsync(() => Live(throttle) == 1, "the heartbeat answered");
        _redis.Kill();

        // One process alive: its share is the whole limit. Redis forgets everything it held when it is killed.
        for (int i = 0; i < 3; i++)
        {
            await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);
        }

        await _redis.RestartAsync();
        await Eventually.TrueAsync(() => _logs.GetSnapshot().Any(r => r.Id.Name == "BudgetStoreRecovered"), "Redis answers again");
        using ConnectionMultiplexer probe = _redis.Connect();
        RedisKey sum = new ClientKeys("outage", "Replayed", null).Limit(string.Empty, limit).Aux;
        await Eventually.TrueAsync(() => ((RedisBudgetStore)throttle.Store).IsShared, "calls went back to the shared budget");
        Assert.Equal(3, (int)await probe.GetDatabase().StringGetAsync(sum));

        // One permit is left in the window, not four.
        await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);
        using var cancel = new CancellationTokenSource();
        Task fifth = throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask, cancel.Token);
        await Eventually.TrueAsync(() => throttle.Waiting == 1, "the fifth start waits");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fifth);
    }

    [Fact]
    public async Task An_acquire_that_timed_out_and_ran_later_is_taken_back_when_Redis_answers_again()
    {
        // Paused, Redis keeps the acquire it was sent and runs it on resuming, long after the client gave up and ran the
        // call on its local share. The local start is written back; the late grant must not count a second time, nor
        // hold a slot until its lease expires.
        var limit = new RateLimitPolicy(10, TimeSpan.FromMinutes(1));
        var policy = new ThrottlingPolicy("Late") { Slots = new SlotPolicy(4), RateLimits = [limit], RecordingDelayCap = TimeSpan.Zero };
        ClientThrottle throttle = Registry(_redis.Connect(), RedisUnavailableMode.LocalFallback).GetOrCreate(policy);
        await Eventually.TrueAsync(() => Live(throttle) == 1, "the heartbeat answered");

        _redis.Pause();
        await throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask);
        Assert.False(((RedisBudgetStore)throttle.Store).IsShared);
        _redis.Resume();

        await Eventually.TrueAsync(() => ((RedisBudgetStore)throttle.Store).IsShared, "calls went back to the shared budget");
        using ConnectionMultiplexer probe = _redis.Connect();
        var keys = new ClientKeys("outage", "Late", null);
        Assert.Equal(1, (int)await probe.GetDatabase().StringGetAsync(keys.Limit(string.Empty, limit).Aux));
        Assert.Equal(0, await probe.GetDatabase().SortedSetLengthAsync(keys.Slots));
    }

    private static int Live(ClientThrottle throttle) => ((RedisBudgetStore)throttle.Store).LiveProcesses;

    private ThrottlingRegistry Registry(ConnectionMultiplexer connection, RedisUnavailableMode mode, FakeLogCollector? logs = null)
    {
        var logging = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs ?? _logs)));
        var registry = new ThrottlingRegistry(loggerFactory: logging).UseRedis(connection, o =>
        {
            o.KeyPrefix = "outage";
            o.OnUnavailable = mode;

            // Heartbeats every second, so the processes count each other at once.
            o.SlotLease = TimeSpan.FromSeconds(3);
        });
        _owned.Add(registry);
        _owned.Add(connection);
        _owned.Add(logging);
        return registry;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
