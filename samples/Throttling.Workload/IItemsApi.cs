using Refit;

namespace Throttling.Workload;

public sealed record Item(string Id);

/// <summary>
/// The local API, as a Refit client the generator throttles. The attribute values are this plan's defaults; a run sets
/// its own through configuration (<c>Throttling:ItemsApi:Slots</c>, <c>...:RateLimits:0:Permits</c>), without recompiling.
/// </summary>
[Slots(20)]
[RateLimit(40, "1s")]
[Backoff(MaxRetries = 5, BaseDelay = "200ms", MaxDelay = "5s")]
public interface IItemsApi
{
    [Get("/items/{id}")]
    Task<Item> GetItemAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The same request, answered with its response: the gate reads the server's rate-limit headers on every answer,
    /// where <see cref="GetItemAsync"/> shows them only on a failure (its <see cref="ApiException"/>).
    /// </summary>
    [Get("/items/{id}")]
    Task<IApiResponse<Item>> GetItemResponseAsync(string id, CancellationToken cancellationToken = default);
}
