using System.Net;
using Throttling;

namespace Throttling.Benchmarks;

// Three clients the generator throttles, one per row of the comparison. The rate limit is far above what a benchmark
// reaches, so every call is admitted at once and what is measured is the gate's own cost.
[Slots(64)]
public interface ISlotsOnly
{
    Task<int> GetAsync(int id, CancellationToken cancellationToken = default);
}

[Slots(64)]
[RateLimit(1_000_000_000, "1s")]
public interface ISlotsAndWindow
{
    Task<int> GetAsync(int id, CancellationToken cancellationToken = default);
}

// HttpResponseMessage results are checked for 429 on every call: the backoff's cost when nothing fails.
[Slots(64)]
[RateLimit(1_000_000_000, "1s")]
[Backoff(MaxRetries = 3)]
public interface ISlotsWindowBackoff
{
    Task<HttpResponseMessage> GetAsync(int id, CancellationToken cancellationToken = default);
}

/// <summary>The inner client: completes at once with a cached result, so only the gates' work is measured.</summary>
public sealed class CompletedClient : ISlotsOnly, ISlotsAndWindow, ISlotsWindowBackoff
{
    private static readonly Task<int> Answer = Task.FromResult(42);
    private static readonly Task<HttpResponseMessage> Ok = Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

    public Task<int> GetAsync(int id, CancellationToken cancellationToken = default) => Answer;

    Task<HttpResponseMessage> ISlotsWindowBackoff.GetAsync(int id, CancellationToken cancellationToken) => Ok;
}
