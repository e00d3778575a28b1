using System.Net;
using System.Threading.RateLimiting;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;

namespace Throttling.Workload.Approaches;

/// <summary>
/// A hand-built Polly v8 pipeline doing the same job: retry 429s honoring Retry-After, around a sliding-window rate
/// limiter and a concurrency limiter set to the server's plan, both queueing instead of rejecting.
/// </summary>
public sealed class PollyPipeline : IApproach
{
    public string Name => "Polly v8 pipeline";

    public IApproachClient CreateClient(Uri baseAddress, WorkloadSettings settings, CallCounter counter)
    {
        var rate = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = settings.RatePerSecond,
            Window = TimeSpan.FromSeconds(1),
            SegmentsPerWindow = 10,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        ResiliencePipeline<HttpResponseMessage> pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => rate.AcquireAsync(1, args.Context.CancellationToken) })
            .AddConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = settings.Slots, QueueLimit = int.MaxValue })
            .Build();
        counter.InnerHandler = HttpClients.Transport();
        return new Client(new HttpClient(counter) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) }, pipeline, rate);
    }

    private sealed class Client(HttpClient http, ResiliencePipeline<HttpResponseMessage> pipeline, RateLimiter rate) : IApproachClient
    {
        public async Task<bool> CallAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                using HttpResponseMessage response = await pipeline.ExecuteAsync(
                    static (state, token) => new ValueTask<HttpResponseMessage>(state.http.GetAsync("items/" + state.id, token)),
                    (http, id),
                    cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or RateLimiterRejectedException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await rate.DisposeAsync().ConfigureAwait(false);
        }
    }
}
