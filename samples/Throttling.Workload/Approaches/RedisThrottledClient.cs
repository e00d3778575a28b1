using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using Throttling.Redis;

namespace Throttling.Workload.Approaches;

/// <summary>
/// The generated client of <see cref="GeneratedThrottledClient"/> with its budget in Redis: one of several processes
/// sharing one budget. The one line added is <c>AddThrottlingRedis</c>.
/// </summary>
public sealed class RedisThrottledClient(string redis, string keyPrefix) : IApproach
{
    public string Name => "Throttling + Redis";

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
        services.AddThrottlingRedis(redis, o => o.KeyPrefix = keyPrefix);
        ServiceProvider provider = services.BuildServiceProvider();
        return new Client(provider, provider.GetRequiredService<IItemsApi>());
    }

    private sealed class Client(ServiceProvider provider, IItemsApi api) : IApproachClient
    {
        public async Task<bool> CallAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                await api.GetItemAsync(id, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception exception) when (exception is ApiException or HttpRequestException or ThrottlingRejectedException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync() => await provider.DisposeAsync().ConfigureAwait(false);
    }
}
