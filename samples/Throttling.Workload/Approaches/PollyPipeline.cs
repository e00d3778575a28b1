using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Refit;

namespace Throttling.Workload.Approaches;

/// <summary>
/// A hand-built Polly v8 pipeline doing the same job: retry 429s honoring Retry-After, around a sliding-window rate
/// limiter and a concurrency limiter set to the server's plan, both queueing instead of rejecting. It wraps the same
/// Refit client, registered the same way as the throttled one, so that both pay for the same HTTP and JSON work and
/// differ only in what bounds the calls.
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
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ApiException { StatusCode: HttpStatusCode.TooManyRequests }),
                DelayGenerator = args => ValueTask.FromResult((args.Outcome.Exception as ApiException)?.Headers.RetryAfter?.Delta),
            })
            .AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => rate.AcquireAsync(1, args.Context.CancellationToken) })
            .AddConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = settings.Slots, QueueLimit = int.MaxValue })
            .Build();

        var services = new ServiceCollection();
        services.AddItemsApi(baseAddress, counter);
        ServiceProvider provider = services.BuildServiceProvider();
        return new Client(provider, provider.GetRequiredService<IItemsApi>(), pipeline, rate);
    }

    private sealed class Client(ServiceProvider provider, IItemsApi api, ResiliencePipeline pipeline, RateLimiter rate) : IApproachClient
    {
        public async Task<bool> CallAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                await pipeline.ExecuteAsync(
                    static async (state, token) => await state.api.GetItemAsync(state.id, token).ConfigureAwait(false),
                    (api, id),
                    cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception exception) when (exception is ApiException or HttpRequestException or RateLimiterRejectedException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            await rate.DisposeAsync().ConfigureAwait(false);
        }
    }
}
