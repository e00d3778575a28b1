using BenchmarkDotNet.Attributes;

namespace Throttling.Benchmarks;

/// <summary>16 callers contending for 4 slots, each call yielding once: throughput of the slot gate under contention.</summary>
[MemoryDiagnoser]
[TierUpAtOnce]
public class ContentionBenchmarks
{
    private const int Callers = 16;
    private const int CallsPerCaller = 5_000;

    private SemaphoreSlim _semaphore = null!;
    private ClientThrottle _throttle = null!;

    // Once per run: a setup per iteration would make every iteration one invocation, too few calls to warm up.
    [GlobalSetup]
    public void Setup()
    {
        _semaphore = new SemaphoreSlim(4);
        _throttle = new ClientThrottle(new ThrottlingPolicy("Contention") { Slots = new SlotPolicy(4) });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _semaphore.Dispose();
        _throttle.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Callers * CallsPerCaller, Description = "SemaphoreSlim, 16 callers, 4 slots")]
    public Task SemaphoreSlimGate() => Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
    {
        for (int i = 0; i < CallsPerCaller; i++)
        {
            await _semaphore.WaitAsync();
            try
            {
                await Work();
            }
            finally
            {
                _semaphore.Release();
            }
        }
    }));

    // The same gate written as a method around the call, as a hand-written decorator is (and the per-call benchmark's
    // SemaphoreSlim gate): a task and a continuation per call more than the bare loop above, as any decorator has.
    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller, Description = "SemaphoreSlim gate method, 16 callers, 4 slots")]
    public Task SemaphoreSlimGateMethod() => Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
    {
        for (int i = 0; i < CallsPerCaller; i++)
        {
            await GatedWork();
        }
    }));

    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller, Description = "Throttling slots, 16 callers, 4 slots")]
    public Task ThrottlingGate() => Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
    {
        for (int i = 0; i < CallsPerCaller; i++)
        {
            await _throttle.DefaultGate.RunAsync(0, static _ => Work());
        }
    }));

    private async Task<int> GatedWork()
    {
        await _semaphore.WaitAsync();
        try
        {
            return await Work();
        }
        finally
        {
            _semaphore.Release();
        }
    }

    private static async Task<int> Work()
    {
        await Task.Yield();
        return 1;
    }
}
