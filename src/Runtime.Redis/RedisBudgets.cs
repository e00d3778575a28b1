using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>
/// The budgets of one registry kept in Redis: creates a <see cref="RedisBudgetStore"/> per client, and owns what they
/// share, the connection's health, this process's heartbeat (so each process knows its share during an outage) and
/// the Redis instruments.
/// </summary>
internal sealed class RedisBudgets : BudgetStoreFactory, IDisposable
{
    // During an outage the heartbeat probes every second, so calls return to the shared budget soon after Redis does.
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);

    private readonly List<RedisBudgetStore> _stores = new();
    private readonly HashSet<Task> _pending = new();
    private readonly Histogram<double> _roundTrips;
    private readonly ITimer _heartbeat;
    private readonly RedisKey _processesKey;
    private readonly TimeSpan _heartbeatTtl;
    private readonly ILogger _logger;
    private int _available = 1;
    private long _unavailableSince;
    private int _liveProcesses;
    private bool _disposed;

    public RedisBudgets(IConnectionMultiplexer connection, RedisBudgetOptions options, ThrottlingMetrics metrics, ILoggerFactory? loggerFactory)
    {
        Connection = connection;
        Options = options;
        _logger = loggerFactory?.CreateLogger("Throttling.Redis") ?? NullLogger.Instance;
        ProcessId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        _processesKey = "{" + options.KeyPrefix + "}:processes";
        Skew = options.ClockSkew.Ticks / 10;

        // A third of the lease, within [1 s, 10 s]: often enough to notice a dead process quickly, rarely enough to cost nothing.
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(options.SlotLease.Ticks / 3, TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerSecond));
        RenewEvery = period;
        _heartbeatTtl = 3 * period;
        _roundTrips = metrics.Meter.CreateHistogram<double>(
            "throttling.budget.store.duration",
            unit: "s",
            description: "Round trips to the budget store (Redis), by operation.");
        metrics.Meter.CreateObservableGauge(
            "throttling.budget.processes",
            () => new Measurement<int>(Volatile.Read(ref _liveProcesses), new KeyValuePair<string, object?>(ThrottlingMetrics.StoreTag, "redis")),
            unit: "{process}",
            description: "Processes sharing the budgets in Redis, as the last heartbeat counted them.");
        _heartbeat = TimeProvider.System.CreateTimer(static s => _ = ((RedisBudgets)s!).BeatAsync(), this, TimeSpan.Zero, period);
    }

    public IConnectionMultiplexer Connection { get; }

    public RedisBudgetOptions Options { get; }

    /// <summary>Names this process's leases and its heartbeat.</summary>
    public string ProcessId { get; }

    /// <summary>ARGV 1 of every script: the test-only shift of the Redis clock, in microseconds.</summary>
    public long Skew { get; }

    /// <summary>How long a process stays on its local share after writing its starts back: every other process probes in that time.</summary>
    public static TimeSpan RecoverySettle => ProbeEvery + ProbeEvery;

    /// <summary>How often running calls renew their slot leases.</summary>
    public TimeSpan RenewEvery { get; }

    public bool IsAvailable => Volatile.Read(ref _available) == 1;

    /// <summary>Processes alive as last counted; one before the first heartbeat answered.</summary>
    public int LiveProcesses => Math.Max(1, Volatile.Read(ref _liveProcesses));

    public override BudgetStore Create(ThrottlingPolicy policy, string? scope, Clock clock, ThrottlingMetrics? metrics, ILogger logger)
    {
        var store = new RedisBudgetStore(this, policy, scope, clock, metrics, logger);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>
    /// Runs one script with a bounded wait: a connection that is down fails at once, rather than queueing the command
    /// as StackExchange.Redis does, and a slow answer fails after <see cref="RedisBudgetOptions.CommandTimeout"/>.
    /// A failure marks Redis unavailable until a heartbeat answers again.
    /// </summary>
    /// <exception cref="RedisUnavailableException">Redis did not answer.</exception>
    public async Task<RedisResult> RunAsync(RedisScript script, RedisKey[] keys, RedisValue[] values)
    {
        if (!Connection.IsConnected)
        {
            throw Unavailable(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "The connection to Redis is down."));
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            RedisResult result = await script.EvaluateAsync(Connection.GetDatabase(), keys, values).WaitAsync(Options.CommandTimeout).ConfigureAwait(false);
            _roundTrips.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("throttling.budget.operation", script.Name));
            return result;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Keeps a round trip nobody awaits (a release, a cool-down) until it ends, so that <see cref="Dispose"/> can let it
    /// finish: a process that stops gracefully frees its slots at once rather than a lease later.
    /// </summary>
    public void Track(Task operation)
    {
        if (operation.IsCompleted)
        {
            return;
        }

        lock (_pending)
        {
            _pending.Add(operation);
        }

        operation.ContinueWith(
            static (t, s) =>
            {
                var pending = (HashSet<Task>)s!;
                lock (pending)
                {
                    pending.Remove(t);
                }
            },
            _pending,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Lets the releases under way finish (for at most <see cref="RedisBudgetOptions.CommandTimeout"/>), says goodbye, and stops.</summary>
    public void Dispose()
    {
        RedisBudgetStore[] stores;
        lock (_stores)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            stores = _stores.ToArray();
        }

        _heartbeat.Dispose();
        foreach (RedisBudgetStore store in stores)
        {
            store.Dispose();
        }

        // Leaving: the other processes' shares grow at once instead of after the heartbeat's time-to-live.
        Task goodbye = IsAvailable && Connection.IsConnected
            ? RunAsync(RedisScript.Heartbeat, [_processesKey], [Skew, ProcessId, 0])
            : Task.CompletedTask;
        Task[] pending;
        lock (_pending)
        {
            pending = [.. _pending, goodbye];
        }

        Task.WhenAll(pending).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default).Wait(Options.CommandTimeout);
    }

    private RedisUnavailableException Unavailable(Exception cause)
    {
        if (Interlocked.Exchange(ref _available, 0) == 1)
        {
            _unavailableSince = Stopwatch.GetTimestamp();
            string mode = Options.OnUnavailable switch
            {
                RedisUnavailableMode.FailOpen => "calls run without limits (FailOpen)",
                RedisUnavailableMode.FailClosed => "calls fail with BudgetUnavailable (FailClosed)",
                _ => $"each process enforces its share of every limit, 1/{LiveProcesses} here (LocalFallback)",
            };
            RedisLog.Unavailable(_logger, Options.KeyPrefix, mode, cause);
            _heartbeat.Change(ProbeEvery, ProbeEvery);
            ForEachStore(static s => s.OnUnavailable());
        }

        return new RedisUnavailableException(cause);
    }

    // The heartbeat doubles as the probe that ends an outage.
    private async Task BeatAsync()
    {
        try
        {
            RedisResult live = await RunAsync(RedisScript.Heartbeat, [_processesKey], [Skew, ProcessId, _heartbeatTtl.Ticks / 10]).ConfigureAwait(false);
            Volatile.Write(ref _liveProcesses, (int)live);
            if (Interlocked.CompareExchange(ref _available, 1, 0) == 0)
            {
                RedisLog.Recovered(_logger, Options.KeyPrefix, Duration.Describe(Stopwatch.GetElapsedTime(_unavailableSince)));
                _heartbeat.Change(RenewEvery, RenewEvery);
                ForEachStore(static s => _ = s.OnRecoveredAsync());
            }
        }
        catch (RedisUnavailableException)
        {
            // Logged once, when the outage began; the next beat probes again.
        }
    }

    private void ForEachStore(Action<RedisBudgetStore> action)
    {
        RedisBudgetStore[] stores;
        lock (_stores)
        {
            if (_disposed)
            {
                return;
            }

            stores = _stores.ToArray();
        }

        foreach (RedisBudgetStore store in stores)
        {
            action(store);
        }
    }
}
