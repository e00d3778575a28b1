using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Throttling.Workload.Approaches;

/// <summary>
/// The same fan-out with Microsoft.Extensions.Http.Resilience's standard handler, defaults untouched: what most teams
/// reach for (retries honoring Retry-After, a circuit breaker, timeouts).
/// </summary>
public sealed class StandardResilienceHandler : IApproach
{
    public string Name => "Standard resilience handler";

    public IApproachClient CreateClient(Uri baseAddress, WorkloadSettings settings, CallCounter counter)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api", c => c.BaseAddress = baseAddress)
            .ConfigurePrimaryHttpMessageHandler(HttpClients.Transport)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .Services.AddHttpClient("api")

            // Inside the resilience handler, so the counter sees every attempt.
            .AddHttpMessageHandler(() => counter);
        ServiceProvider provider = services.BuildServiceProvider();
        return new Client(provider, provider.GetRequiredService<IHttpClientFactory>().CreateClient("api"));
    }

    private sealed class Client(ServiceProvider provider, HttpClient http) : IApproachClient
    {
        public async Task<bool> CallAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync("items/" + id, cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or BrokenCircuitException or TimeoutRejectedException or RateLimiterRejectedException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync() => await provider.DisposeAsync().ConfigureAwait(false);
    }
}
