using System.Diagnostics;
using Throttling.Redis.Tests.TestSupport;
using Throttling.TestServer;

namespace Throttling.Redis.Tests;

/// <summary>
/// Four worker processes share one <c>[Slots(8)] [RateLimit(100, "1s")]</c> budget in a real redis-server, against the
/// local test server enforcing exactly that; one worker is killed with SIGKILL while holding slots, and Redis itself is
/// killed and restarted under load. Each test owns its redis-server and its servers, and runs alone: the makespan it
/// measures is the budget's, not that of the tests beside it.
/// </summary>
[Collection(nameof(MultiProcessTests))]
public sealed class MultiProcessTests : IAsyncLifetime
{
    private const int Slots = 8;
    private const int PermitsPerSecond = 100;
    private readonly List<WorkerProcess> _workers = new();
    private LocalRedisServer _redis = null!;
    private TestApiServer _warmUp = null!;

    public async Task InitializeAsync()
    {
        _redis = await LocalRedisServer.StartAsync();
        _warmUp = await TestApiServer.StartAsync(new TestApiOptions { ConcurrencyLimit = 0, Latency = Latency.Fixed(TimeSpan.FromMilliseconds(1)) });
    }

    public async Task DisposeAsync()
    {
        _workers.ForEach(w => w.Dispose());
        await _warmUp.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Four_processes_together_keep_to_the_servers_slots_and_rate_without_a_429()
    {
        await using TestApiServer server = await TestApiServer.StartAsync(Limits(TimeSpan.FromMilliseconds(50)));
        const int perWorker = 100;

        await RunAsync(server.BaseAddress, perWorker, Enumerable.Range(0, 4).Select(_ => Start(server.BaseAddress, perWorker, TimeSpan.FromSeconds(30))).ToArray());

        IReadOnlyList<RequestRecord> log = server.Log.Snapshot();
        Assert.Equal(0, server.Log.TooManyRequests);
        Assert.Equal(4 * perWorker, server.Log.Succeeded);
        Assert.InRange(server.Log.MaxConcurrency, 1, Slots);
        TimeSpan makespan = log.Max(r => r.Ended) - log.Min(r => r.Arrived);
        TimeSpan bound = TimeSpan.FromSeconds(4.0 * perWorker / PermitsPerSecond);
        Assert.True(makespan <= bound * 1.15, $"makespan {makespan} against a bound of {bound}");
    }

    [Fact]
    public async Task The_slots_of_a_process_killed_with_SIGKILL_come_back_within_one_lease()
    {
        var lease = TimeSpan.FromSeconds(3);
        await using TestApiServer stuck = await TestApiServer.StartAsync(new TestApiOptions { ConcurrencyLimit = 0, Latency = Latency.Fixed(TimeSpan.FromMinutes(5)) });
        await using TestApiServer server = await TestApiServer.StartAsync(Limits(TimeSpan.FromMilliseconds(20)) with { RatePermits = 0 });

        WorkerProcess doomed = Start(stuck.BaseAddress, Slots, lease);
        WorkerProcess survivor = Start(server.BaseAddress, 2 * Slots, lease);
        await Task.WhenAll(doomed.Ready, survivor.Ready);
        doomed.Go();
        await Eventually.TrueAsync(() => stuck.Log.InFlight == Slots, "the doomed worker holds every slot");

        doomed.Kill();
        var sinceKill = Stopwatch.StartNew();
        survivor.Go();
        Assert.Equal($"done {2 * Slots} 0", await survivor.Done.WaitAsync(TimeSpan.FromSeconds(60)));

        // Its leases were renewed up to the kill, so they ran out within one lease of it, and the survivor looks again at
        // least once a second: its first request left at most a lease and a second (plus slack) after the kill. That is
        // the time since the kill less the time from its first request to its last answer.
        IReadOnlyList<RequestRecord> log = server.Log.Snapshot();
        TimeSpan beforeFirst = sinceKill.Elapsed - (log.Max(r => r.Ended) - log.Min(r => r.Arrived));
        Assert.True(beforeFirst <= lease + TimeSpan.FromSeconds(2), $"the slots came back {beforeFirst} after the kill");
        Assert.InRange(server.Log.MaxConcurrency, 1, Slots);
    }

    [Fact]
    public async Task Redis_killed_and_restarted_mid_run_crashes_no_worker_loses_nothing_and_the_shared_budget_resumes()
    {
        await using TestApiServer server = await TestApiServer.StartAsync(Limits(TimeSpan.FromMilliseconds(50)));
        const int perWorker = 125;
        WorkerProcess[] workers = Enumerable.Range(0, 4).Select(_ => Start(server.BaseAddress, perWorker, TimeSpan.FromSeconds(3))).ToArray();

        Task run = RunAsync(server.BaseAddress, perWorker, workers);
        await Eventually.TrueAsync(() => server.Log.Succeeded >= perWorker, "a quarter of the requests are done");
        WorkerProcess[] busy = workers.Where(w => !w.Done.IsCompleted).ToArray();
        _redis.Kill();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await _redis.RestartAsync();
        await run;

        foreach (WorkerProcess worker in workers)
        {
            Assert.Equal(0, await worker.ExitCodeAsync());
        }

        // Every worker busy at the kill noticed it; one that had little left may finish on its local share before the
        // shared budget is back, but the others return to it.
        foreach (WorkerProcess worker in busy)
        {
            Assert.Contains("redis unavailable", worker.Lines);
        }

        Assert.Contains(busy, w => w.Lines.Contains("redis recovered"));

        Assert.Equal(4 * perWorker, server.Log.Succeeded);
        // The local shares start from each process's own recent starts, and a process returns to the shared budget
        // only once every process has written its own back: no window counts a start twice as free.
        Assert.True(server.Log.TooManyRequests <= 4, $"{server.Log.TooManyRequests} 429s; at most {server.Log.MaxConcurrency} in flight, {server.Log.MaxAcceptedInAnyWindow(TimeSpan.FromSeconds(1))} accepted in one second");
    }

    private static TestApiOptions Limits(TimeSpan latency) => new()
    {
        ConcurrencyLimit = Slots,
        RatePermits = PermitsPerSecond,
        RateWindow = TimeSpan.FromSeconds(1),
        Latency = Latency.Fixed(latency),
    };

    private WorkerProcess Start(Uri server, int requests, TimeSpan lease)
    {
        var worker = WorkerProcess.Start(_redis.Endpoint, server, _warmUp.BaseAddress, "multi", requests, Slots, PermitsPerSecond, lease);
        _workers.Add(worker);
        return worker;
    }

    // Every worker ready, then all told to go at once; each must finish everything it was given.
    private static async Task RunAsync(Uri server, int perWorker, WorkerProcess[] workers)
    {
        await Task.WhenAll(workers.Select(w => w.Ready)).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (WorkerProcess worker in workers)
        {
            worker.Go();
        }

        foreach (WorkerProcess worker in workers)
        {
            string done = await worker.Done.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(done == $"done {perWorker} 0", $"{server}: {worker}");
        }
    }
}

[CollectionDefinition(nameof(MultiProcessTests), DisableParallelization = true)]
public sealed class MultiProcessTestsRunAlone
{
}
