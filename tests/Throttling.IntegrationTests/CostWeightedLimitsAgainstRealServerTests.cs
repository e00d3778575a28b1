using Throttling.Workload.Chat;

namespace Throttling.IntegrationTests;

/// <summary>
/// A generated client with a token limit against the local LLM-like API, over real sockets and the real clock: 50
/// completions of max_tokens 200 that use 30% to 70% of it, against 1,000 tokens a second. A call holds its whole
/// max_tokens from its start to its answer, as the server does: with 60 ms answers in a 1 s window that costs about a
/// tenth (1.13 x the bound when warm), and vanishes in the minute windows providers use.
/// </summary>
public class CostWeightedLimitsAgainstRealServerTests
{
    [Fact]
    public async Task Settled_to_their_real_usage_token_limits_meet_no_429_and_finish_near_the_usage_bound()
    {
        // A cold process spends its first second compiling Kestrel and HttpClient; measure the client, not the JIT.
        await ChatWorkload.RunAsync(requests: 5, maxTokens: 200, settle: true);
        ChatRunResult settled = await ChatWorkload.RunAsync(requests: 50, maxTokens: 200, settle: true);
        ChatRunResult reserving = await ChatWorkload.RunAsync(requests: 50, maxTokens: 200, settle: false);

        Assert.Equal(50, settled.Completed);
        Assert.Equal(0, settled.TooManyRequests);
        Assert.True(settled.MakespanOverBound <= 1.3, $"settled: {settled.Makespan} against a bound of {settled.Bound}");

        // Counting only the reservations, the client waits for tokens the server has long given back: about twice the bound.
        Assert.Equal(50, reserving.Completed);
        Assert.Equal(0, reserving.TooManyRequests);
        Assert.True(reserving.MakespanOverBound >= 1.5, $"reserving: {reserving.Makespan} against a bound of {reserving.Bound}");
    }
}
