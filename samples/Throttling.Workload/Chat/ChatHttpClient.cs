using System.Net.Http.Json;
using Throttling.TestServer;

namespace Throttling.Workload.Chat;

/// <summary>The inner client: a typed <see cref="HttpClient"/> posting to <c>/v1/completions</c>.</summary>
public sealed class ChatHttpClient(HttpClient http) : IChatApi, IReservingChatApi
{
    public async Task<ChatCompletion> CompleteAsync(int id, int maxTokens, CancellationToken cancellationToken = default)
    {
        // A 429 throws HttpRequestException with its status, which the throttled client recognizes and retries.
        using HttpResponseMessage response = await http.PostAsJsonAsync("v1/completions", new CompletionRequest(id, maxTokens), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ChatCompletion>(cancellationToken).ConfigureAwait(false))!;
    }

    async Task<ChatText> IReservingChatApi.CompleteAsync(int id, int maxTokens, CancellationToken cancellationToken)
        => new((await CompleteAsync(id, maxTokens, cancellationToken).ConfigureAwait(false)).Id);
}
