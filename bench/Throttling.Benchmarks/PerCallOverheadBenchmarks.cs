using System.Net;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Polly;
using Polly.Retry;

namespace Throttling.Benchmarks;

/// <summary>
/// One uncontended call through each gate, inner call already complete: the per-call overhead and allocations of the
/// generated decorator beside a hand-written SemaphoreSlim gate, the BCL ConcurrencyLimiter and a Polly v8 pipeline
/// with the same strategies.
/// </summary>
[MemoryDiagnoser]
public class PerCallOverheadBenchmarks
{
    private readonly CompletedClient _inner = new();
    private readonly SemaphoreSlim _semaphore = new(64);
    private readonly ConcurrencyLimiter _concurrencyLimiter = new(new ConcurrencyLimiterOptions { PermitLimit = 64, QueueLimit = 0 });
    private ThrottledSlotsOnly _slots = null!;
    private ThrottledSlotsAndWindow _slotsWindow = null!;
    private ThrottledSlotsWindowBackoff _slotsWindowBackoff = null!;
    private ResiliencePipeline<int> _pollySlots = null!;
    private ResiliencePipeline<int> _pollySlotsWindow = null!;
    private ResiliencePipeline<HttpResponseMessage> _pollySlotsWindowBackoff = null!;

    [GlobalSetup]
    public void Setup()
    {
        _slots = new ThrottledSlotsOnly(_inner);
        _slotsWindow = new ThrottledSlotsAndWindow(_inner);
        _slotsWindowBackoff = new ThrottledSlotsWindowBackoff(_inner);
        _pollySlots = new ResiliencePipelineBuilder<int>().AddConcurrencyLimiter(64, 0).Build();
        _pollySlotsWindow = new ResiliencePipelineBuilder<int>().AddRateLimiter(Window()).AddConcurrencyLimiter(64, 0).Build();
        _pollySlotsWindowBackoff = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 3,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
            })
            .AddRateLimiter(Window())
            .AddConcurrencyLimiter(64, 0)
            .Build();
    }

    [Benchmark(Baseline = true, Description = "inner call alone")]
    public Task<int> Inner() => ((ISlotsOnly)_inner).GetAsync(1);

    [Benchmark(Description = "hand-written SemaphoreSlim gate")]
    public async Task<int> SemaphoreSlimGate()
    {
        await _semaphore.WaitAsync();
        try
        {
            return await ((ISlotsOnly)_inner).GetAsync(1);
        }
        finally
        {
            _semaphore.Release();
        }
    }

    [Benchmark(Description = "BCL ConcurrencyLimiter")]
    public async Task<int> BclConcurrencyLimiter()
    {
        using RateLimitLease lease = _concurrencyLimiter.AttemptAcquire();
        return await ((ISlotsOnly)_inner).GetAsync(1);
    }

    [Benchmark(Description = "Throttling: slots")]
    public Task<int> ThrottlingSlots() => _slots.GetAsync(1);

    [Benchmark(Description = "Polly v8: slots")]
    public ValueTask<int> PollySlots()
        => _pollySlots.ExecuteAsync(static (inner, token) => new ValueTask<int>(((ISlotsOnly)inner).GetAsync(1, token)), _inner, CancellationToken.None);

    [Benchmark(Description = "Throttling: slots + sliding window")]
    public Task<int> ThrottlingSlotsWindow() => _slotsWindow.GetAsync(1);

    [Benchmark(Description = "Polly v8: slots + sliding window")]
    public ValueTask<int> PollySlotsWindow()
        => _pollySlotsWindow.ExecuteAsync(static (inner, token) => new ValueTask<int>(((ISlotsAndWindow)inner).GetAsync(1, token)), _inner, CancellationToken.None);

    [Benchmark(Description = "Throttling: slots + window + backoff")]
    public Task<HttpResponseMessage> ThrottlingSlotsWindowBackoff() => _slotsWindowBackoff.GetAsync(1);

    [Benchmark(Description = "Polly v8: slots + window + backoff")]
    public ValueTask<HttpResponseMessage> PollySlotsWindowBackoff()
        => _pollySlotsWindowBackoff.ExecuteAsync(static (inner, token) => new ValueTask<HttpResponseMessage>(((ISlotsWindowBackoff)inner).GetAsync(1, token)), _inner, CancellationToken.None);

    [GlobalCleanup]
    public void Cleanup()
    {
        _semaphore.Dispose();
        _concurrencyLimiter.Dispose();
    }

    private static SlidingWindowRateLimiter Window() => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = 1_000_000_000,
        Window = TimeSpan.FromSeconds(1),
        SegmentsPerWindow = 8,
        QueueLimit = 0,
    });
}
