namespace Throttling.Generators.Tests.Clients;

public sealed record ChatRequest(string Prompt, int MaxTokens);

public sealed record Completion(string Text, long ActualCost) : IReportsCost;

/// <summary>An LLM-like client whose calls cost tokens; the generator turns it into <see cref="ThrottledChatClient"/>.</summary>
[RateLimit(500, "1m")]
[RateLimit(1_000, "1m", Unit = "tokens")]
public interface IChatClient
{
    Task<Completion> CompleteAsync(string prompt, [Cost] int maxTokens, CancellationToken cancellationToken = default);

    Task<Completion> AskAsync([Cost("MaxTokens")] ChatRequest request, CancellationToken cancellationToken = default);
}
