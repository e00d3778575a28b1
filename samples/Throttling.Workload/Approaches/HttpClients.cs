using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Throttling.Workload.Approaches;

/// <summary>The transport every approach shares, so they differ only in what they put in front of it.</summary>
internal static class HttpClients
{
    /// <summary>
    /// Connections are capped at 256 to keep a 50,000-request naive fan-out from exhausting the machine's ephemeral
    /// ports; that is still far above every server limit used here.
    /// </summary>
    public static SocketsHttpHandler Transport() => new()
    {
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>The Refit client of the local API, as both the Polly and the Throttling approach register it.</summary>
    public static IHttpClientBuilder AddItemsApi(this IServiceCollection services, Uri baseAddress, CallCounter counter)
        => services.AddRefitGeneratedClient<IItemsApi>()
            .ConfigureHttpClient(c => c.BaseAddress = baseAddress)
            .ConfigurePrimaryHttpMessageHandler(Transport)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => counter);
}
