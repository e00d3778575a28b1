namespace Throttling.Workload;

/// <summary>Counts, in the client's HTTP pipeline, every attempt sent and every 429 received.</summary>
public sealed class CallCounter : DelegatingHandler
{
    private int _attempts;
    private int _tooManyRequests;

    public int Attempts => Volatile.Read(ref _attempts);

    public int TooManyRequests => Volatile.Read(ref _tooManyRequests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 429)
        {
            Interlocked.Increment(ref _tooManyRequests);
        }

        return response;
    }
}
