using System.Diagnostics;
using Throttling.TestServer;

namespace Throttling.Workload.Chat;

/// <summary>
/// Sends completions to a local LLM-like server that allows <see cref="TokensPerSecond"/> tokens in any second, charged
/// by <c>max_tokens</c> on arrival and corrected to what each used: once through a client that settles each call to
/// its usage, once through one that keeps every reservation.
/// </summary>
public static class ChatWorkload
{
    /// <summary>The server's token limit, and the client's.</summary>
    public const int TokensPerSecond = 1_000;

    public static async Task<ChatRunResult> RunAsync(int requests, int maxTokens, bool settle, CancellationToken cancellationToken = default)
    {
        var options = new TestApiOptions
        {
            ConcurrencyLimit = 20,
            TokensPerWindow = TokensPerSecond,
            TokenWindow = TimeSpan.FromSeconds(1),
            Latency = Latency.Fixed(TimeSpan.FromMilliseconds(50)),
            RateLimitHeaders = RateLimitHeaderFamily.None,
        };
        await using TestApiServer server = await TestApiServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var inner = new ChatHttpClient(http);

        // A budget of its own per run, so that one run's starts do not count against the next.
        var settled = new ThrottledChatApi(inner, new ClientThrottle(ThrottledChatApi.Policy));
        var reserving = new ThrottledReservingChatApi(inner, new ClientThrottle(ThrottledReservingChatApi.Policy));
        long start = Stopwatch.GetTimestamp();
        Task[] calls = Enumerable.Range(0, requests)
            .Select(id => settle ? (Task)settled.CompleteAsync(id, maxTokens, cancellationToken) : reserving.CompleteAsync(id, maxTokens, cancellationToken))
            .ToArray();
        await Task.WhenAll(calls).ConfigureAwait(false);
        TimeSpan makespan = Stopwatch.GetElapsedTime(start);
        return new ChatRunResult(server.Log.Succeeded, server.Log.TooManyRequests, makespan, server.Log.TokensUsed);
    }
}

/// <summary>What a run did: its answers, the server's 429s, how long it took, and the tokens the answers used.</summary>
public sealed record ChatRunResult(int Completed, int TooManyRequests, TimeSpan Makespan, long TokensUsed)
{
    /// <summary>The least a run can take: the tokens it used at the server's rate.</summary>
    public TimeSpan Bound => TimeSpan.FromSeconds((double)TokensUsed / ChatWorkload.TokensPerSecond);

    public double MakespanOverBound => Makespan / Bound;
}
