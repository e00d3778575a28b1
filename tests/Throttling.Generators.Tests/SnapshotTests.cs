namespace Throttling.Generators.Tests;

public class SnapshotTests
{
    [Fact]
    public void The_SPEC_client()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using Throttling;

            namespace Search;

            public sealed record Page(string Html);
            public sealed record Results(string[] Links);
            public sealed record Health(bool Up);

            [Slots(22, QueueLimit = 500, MaxWait = "30s", Adaptive = true, MinSlots = 4)]
            [RateLimit(1000, "1m")]
            [RateLimit(20000, "1d", Kind = RateLimitKind.FixedWindow)]
            [Backoff(MaxRetries = 3, BaseDelay = "2s", MaxDelay = "60s")]
            public interface ISerpClient
            {
                Task<Page> ExtractAsync(string url, CancellationToken cancellationToken = default);

                [RateLimit(10, "1s")]
                Task<Results> SearchAsync(string query, CancellationToken cancellationToken = default);

                [Unthrottled]
                Task<Health> PingAsync(CancellationToken cancellationToken = default);
            }
            """);

        run.AssertCompilesCleanly();
        Snapshot.Match(run.Source("Search.ThrottledSerpClient.g.cs"), "SerpClient");
    }

    [Fact]
    public void A_client_whose_calls_cost_tokens()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Throttling;

            namespace Chat;

            public sealed record ChatRequest(string Prompt, int MaxTokens);
            public sealed record Completion(string Text, long ActualCost) : IReportsCost;

            [Slots(8)]
            [RateLimit(500, "1m")]
            [RateLimit(90_000, "1m", Unit = "tokens")]
            public interface IChatClient
            {
                Task<Completion> CompleteAsync(ChatRequest request, [Cost] int maxTokens, CancellationToken cancellationToken = default);

                Task<Completion> AskAsync([Cost("MaxTokens")] ChatRequest request);

                [RateLimit(10, "1s")]
                IAsyncEnumerable<string> StreamAsync([Cost(nameof(ChatRequest.MaxTokens))] ChatRequest request, CancellationToken cancellationToken = default);

                Task ForgetAsync(string id, [Cost] long credits);
            }
            """);

        run.AssertCompilesCleanly();
        Snapshot.Match(run.Source("Chat.ThrottledChatClient.g.cs"), "ChatClient");
    }

    [Fact]
    public void Every_shape_a_client_interface_has()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using Throttling;

            namespace Shapes
            {
                public enum Region { Eu = 1, Us = 2 }

                public interface IPaged
                {
                    Task<int> CountAsync(CancellationToken token);
                }

                [RateLimit(100, "1s")]
                internal interface IShapes : IPaged, IDisposable
                {
                    Task SendAsync(string payload, CancellationToken ct);
                    ValueTask<long> SizeAsync(Region region = Region.Us, string marker = "a\"b\\c\n", double ratio = 0.5, int? limit = null);
                    ValueTask FlushAsync();
                    IAsyncEnumerable<string> StreamAsync(int pageSize, CancellationToken cancellationToken = default);
                    Task<HttpResponseMessage> GetRawAsync(Uri uri, CancellationToken cancellationToken = default);
                    Task<T?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class, new();
                    Task<string> FindAsync(string @class, params string[] tags);
                    Task<string> FindAsync(int id);
                    int Version { get; set; }
                    string this[int index] { get; }
                    event EventHandler<string>? Changed;
                    bool TryGetCached(string key, out string? value);
                }
            }
            """);

        run.AssertCompilesCleanly();
        Snapshot.Match(run.Source("Shapes.ThrottledShapes.g.cs"), "Shapes");
    }

    [Fact]
    public void A_generic_client_nested_in_a_partial_class_of_the_global_namespace()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Throttling;

            public static partial class Api
            {
                [Slots(4)]
                public interface IRepository<TItem> where TItem : notnull
                {
                    Task<TItem> LoadAsync(int id);
                    Task SaveAsync(TItem item);
                }
            }
            """);

        run.AssertCompilesCleanly();
        Snapshot.Match(run.Source("Api.ThrottledRepository`1.g.cs"), "NestedGeneric");
    }

    [Fact]
    public void A_Refit_client()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Compilation(
            new[]
            {
                """
                using System.Threading;
                using System.Threading.Tasks;
                using Refit;
                using Throttling;

                namespace Weather;

                public sealed record Forecast(string City, int Celsius);

                [Slots(8)]
                [RateLimit(60, "1m")]
                public interface IWeatherApi
                {
                    [Get("/forecast/{city}")]
                    Task<Forecast> GetForecastAsync(string city, CancellationToken cancellationToken = default);

                    [Get("/forecast/{city}")]
                    Task<ApiResponse<Forecast>> TryGetForecastAsync(string city, CancellationToken cancellationToken = default);

                    [Get("/health")]
                    Task<IApiResponse> HealthAsync();
                }
                """,
            },
            withRefit: true,
            withGrpc: true));

        run.AssertCompilesCleanly();
        Snapshot.Match(run.Source("Weather.ThrottledWeatherApi.g.cs"), "RefitAndGrpc");
    }
}
