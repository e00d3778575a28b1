using Microsoft.Extensions.Time.Testing;
using Throttling.Generators.Tests.Clients;

namespace Throttling.Generators.Tests;

/// <summary>A generated client with a token limit, compiled into this project, on a fake clock.</summary>
public class CostBehaviourTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeChat _inner = new();

    private ThrottledChatClient Client() => new(_inner, new ClientThrottle(ThrottledChatClient.Policy, _clock));

    [Fact]
    public async Task A_call_reserves_its_declared_cost_and_settles_to_what_it_used()
    {
        ThrottledChatClient client = Client();
        _inner.Used = 100;

        // 900 reserved, 100 used: the 800 left over let a second call of 900 start at once.
        await client.CompleteAsync("hello", maxTokens: 900);
        await client.AskAsync(new ChatRequest("again", MaxTokens: 900));
        Assert.Equal(2, _inner.Calls);

        // Each used 100: 200 of 1,000 are spent, room for 800 more and then, with that one's 100, not for 800 again.
        Task<Completion> third = client.CompleteAsync("more", maxTokens: 800);
        Assert.True(third.IsCompleted);
        Task<Completion> fourth = client.CompleteAsync("too much", maxTokens: 800);
        Assert.False(fourth.IsCompleted);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await fourth;
        Assert.Equal(4, _inner.Calls);
    }

    [Fact]
    public async Task A_cost_beyond_the_whole_limit_fails_at_once_naming_the_client_and_the_limit()
    {
        ThrottledChatClient client = Client();

        var rejected = await Assert.ThrowsAsync<ThrottlingRejectedException>(() => client.CompleteAsync("essay", maxTokens: 5_000));

        Assert.Equal(RejectionReason.CostExceedsLimit, rejected.Reason);
        Assert.Equal("ChatClient", rejected.ClientName);
        Assert.Contains("5,000 tokens", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("1000 tokens per 1m", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, _inner.Calls);
    }

    [Fact]
    public void A_negative_cost_names_the_parameter_that_holds_it()
    {
        ThrottledChatClient client = Client();

        Assert.Equal("maxTokens", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.CompleteAsync("x", maxTokens: -1); }).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.AskAsync(new ChatRequest("x", MaxTokens: -1)); }).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => { _ = client.AskAsync(null!); }).ParamName);
        Assert.Equal(0, _inner.Calls);
    }

    private sealed class FakeChat : IChatClient
    {
        public long Used { get; set; }

        public int Calls { get; private set; }

        public Task<Completion> CompleteAsync(string prompt, int maxTokens, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new Completion(prompt, Used));
        }

        public Task<Completion> AskAsync(ChatRequest request, CancellationToken cancellationToken = default)
            => CompleteAsync(request.Prompt, request.MaxTokens, cancellationToken);
    }
}
