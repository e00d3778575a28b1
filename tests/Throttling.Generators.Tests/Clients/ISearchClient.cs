using System.Net.Http;

namespace Throttling.Generators.Tests.Clients;

/// <summary>A client the generator turns into <see cref="ThrottledSearchClient"/> when this project builds.</summary>
[Slots(2)]
[RateLimit(50, "1s")]
[Backoff(MaxRetries = 2, BaseDelay = "1s", MaxDelay = "4s")]
public interface ISearchClient
{
    Task<HttpResponseMessage> SearchAsync(string query, CancellationToken cancellationToken = default);

    [RateLimit(1, "1s")]
    Task<string> SuggestAsync(string prefix, CancellationToken cancellationToken = default);

    [Unthrottled]
    Task<bool> PingAsync();

    [Backoff(MaxRetries = 0)]
    Task<HttpResponseMessage> OnceAsync(CancellationToken cancellationToken = default);

    ValueTask<int> CountAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<int> StreamAsync(int count, CancellationToken cancellationToken = default);
}

/// <summary>Used only through the process-wide registry, to show instances share one budget.</summary>
[Slots(1)]
public interface ISharedBudgetClient
{
    Task<int> WorkAsync(int id);
}
