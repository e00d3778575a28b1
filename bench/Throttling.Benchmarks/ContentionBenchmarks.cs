using BenchmarkDotNet.Attributes;

namespace Throttling.Benchmarks;

/// <summary>16 callers contending for 4 slots, each call yielding once: throughput of the slot gate under contention.</summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int Callers = 16;
    private const int CallsPerCaller = 5_000;

    private SemaphoreSlim _semaphore = null!;
    private ClientThrottle _throttle = null!;

    [IterationSetup]
    public void Setup()
    {
        _semaphore = new SemaphoreSlim(4);
        _throttle = new ClientThrottle(new ThrottlingPolicy("Contention") { Slots = new SlotPolicy(4) });
    }

    [IterationCleanup]
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

    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller, Description = "Throttling slots, 16 callers, 4 slots")]
    public Task ThrottlingGate() => Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
    {
        for (int i = 0; i < CallsPerCaller; i++)
        {
            await _throttle.DefaultGate.RunAsync(0, static _ => Work());
        }
    }));

    private static async Task<int> Work()
    {
        await Task.Yield();
        return 1;
    }
}
