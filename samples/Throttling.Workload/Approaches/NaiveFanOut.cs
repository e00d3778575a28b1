namespace Throttling.Workload.Approaches;

/// <summary>Task.WhenAll over plain HttpClient calls: what code looks like before anyone thinks about limits.</summary>
public sealed class NaiveFanOut : IApproach
{
    public string Name => "Naive Task.WhenAll";

    public IApproachClient CreateClient(Uri baseAddress, WorkloadSettings settings, CallCounter counter)
    {
        counter.InnerHandler = HttpClients.Transport();
        return new Client(new HttpClient(counter) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) });
    }

    private sealed class Client(HttpClient http) : IApproachClient
    {
        public async Task<bool> CallAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync("items/" + id, cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        public ValueTask DisposeAsync()
        {
            http.Dispose();
            return default;
        }
    }
}
