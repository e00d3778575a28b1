using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Throttling.Workload.Approaches;

/// <summary>
/// The Refit client behind its generated <c>ThrottledItemsApi</c>, registered with <c>AddThrottled</c>, its limits set from
/// configuration to the plan the attributes declare (the server's, unless a run makes the server stricter). It asks for
/// each response, so that the gate reads the server's rate-limit headers on every answer. The application code is the
/// same naive fan-out.
/// </summary>
/// <param name="name">The approach's name in results.</param>
/// <param name="addServices">Registers what a variant adds, such as <c>AddThrottlingRedis</c>; nothing by default.</param>
public sealed class GeneratedThrottledClient(string name = "Throttling (generated client)", Action<IServiceCollection>? addServices = null) : IApproach
{
    public string Name => name;

    public IApproachClient CreateClient(Uri baseAddress, WorkloadSettings settings, CallCounter counter)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Throttling:ItemsApi:Slots"] = settings.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Throttling:ItemsApi:RateLimits:0:Permits"] = settings.RatePerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Throttling:ItemsApi:RateLimits:0:Window"] = "1s",
            })
            .Build();

        var services = new ServiceCollection();
        services.AddItemsApi(baseAddress, counter);
        services.AddThrottled<IItemsApi>();
        services.AddThrottling(configuration);
        addServices?.Invoke(services);
        ServiceProvider provider = services.BuildServiceProvider();
        return new Client(provider, provider.GetRequiredService<IItemsApi>());
    }

    private sealed class Client(ServiceProvider provider, IItemsApi api) : IApproachClient
    {
        public async Task<bool> CallAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                using IApiResponse<Item> response = await api.GetItemResponseAsync(id, cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or ThrottlingRejectedException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync() => await provider.DisposeAsync().ConfigureAwait(false);
    }
}
