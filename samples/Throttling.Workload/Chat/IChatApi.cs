namespace Throttling.Workload.Chat;

/// <summary>
/// An LLM API client whose calls cost tokens: each reserves its <c>max_tokens</c> and, as its answer reports what it
/// used, settles to that. The limits are the local LLM-like server's (<see cref="ChatWorkload"/>).
/// </summary>
[Slots(16)]
[RateLimit(500, "1m")]
[RateLimit(ChatWorkload.TokensPerSecond, "1s", Unit = "tokens")]
public interface IChatApi
{
    Task<ChatCompletion> CompleteAsync(int id, [Cost] int maxTokens, CancellationToken cancellationToken = default);
}

/// <summary>The same client, whose answers report nothing: every call keeps its whole reservation.</summary>
[Slots(16)]
[RateLimit(500, "1m")]
[RateLimit(ChatWorkload.TokensPerSecond, "1s", Unit = "tokens")]
public interface IReservingChatApi
{
    Task<ChatText> CompleteAsync(int id, [Cost] int maxTokens, CancellationToken cancellationToken = default);
}

/// <summary>An answer, with the tokens it used.</summary>
public sealed record ChatCompletion(int Id, ChatUsage Usage) : IReportsCost
{
    public long ActualCost => Usage.TotalTokens;
}

/// <summary>An answer read without its usage.</summary>
public sealed record ChatText(int Id);

public sealed record ChatUsage([property: System.Text.Json.Serialization.JsonPropertyName("total_tokens")] long TotalTokens);
