using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Throttling.TestServer;

/// <summary>
/// A real HTTP API on 127.0.0.1 (Kestrel, a free port) that enforces a concurrency limit and an exact sliding-window
/// rate limit the way rate-limited providers do, and logs what it saw. <c>GET /items/{id}</c> answers
/// <c>{"id":...}</c> after the configured latency. <c>POST /v1/completions</c> with <c>{"id":7,"max_tokens":200}</c> is
/// an LLM API's: under its token limit (<see cref="TestApiOptions.TokensPerWindow"/>) it answers
/// <c>{"id":7,"usage":{"total_tokens":120}}</c>, having used between 30% and 70% of <c>max_tokens</c> (<see cref="TokensUsed"/>).
/// </summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SlidingWindowCounter? _rate;
    private readonly TokenWindowCounter? _tokens;

    private TestApiServer(WebApplication app, TestApiOptions options)
    {
        _app = app;
        Options = options;
        _rate = options.RatePermits > 0 ? new SlidingWindowCounter(options.RatePermits, options.RateWindow) : null;
        _tokens = options.TokensPerWindow > 0 ? new TokenWindowCounter(options.TokensPerWindow, options.TokenWindow) : null;
    }

    public TestApiOptions Options { get; }

    public RequestLog Log { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<TestApiServer> StartAsync(TestApiOptions options, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        WebApplication app = builder.Build();
        var server = new TestApiServer(app, options);
        app.MapGet("/items/{id}", server.HandleAsync);
        app.MapPost("/v1/completions", server.CompleteAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context, string id)
    {
        TimeSpan arrived = Log.Now;
        if (!Admitted(context, arrived))
        {
            return;
        }

        int remaining = 0;
        TimeSpan reset = TimeSpan.Zero;
        if (_rate is not null && !_rate.TryAccept(arrived, out remaining, out TimeSpan nextPermit, out reset))
        {
            Log.Exit();
            WriteRateLimitHeaders(context, remaining, reset);
            Refuse(context, StatusCodes.Status429TooManyRequests, nextPermit);
            Log.Record(arrived, StatusCodes.Status429TooManyRequests);
            return;
        }

        if (!await WorkedAsync(context, arrived).ConfigureAwait(false))
        {
            return;
        }

        // The work is done: the slot is free before the answer leaves, so a client that sends its next request on
        // receiving this answer can never find the slot still taken.
        Log.Exit();

        // What was left at the arrival, when the server counted the request; the reset counts down from then.
        WriteRateLimitHeaders(context, remaining, reset - (Log.Now - arrived));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"id":"{{id}}"}""", context.RequestAborted).ConfigureAwait(false);
        Log.Record(arrived, StatusCodes.Status200OK);
    }

    /// <summary>What a completion of request <paramref name="id"/> uses of its <paramref name="maxTokens"/>: 30% to 70%, by id.</summary>
    public static long TokensUsed(int id, long maxTokens) => Math.Max(1, maxTokens * (30 + (Math.Abs(id) * 37 % 41)) / 100);

    private async Task CompleteAsync(HttpContext context, CompletionRequest request)
    {
        TimeSpan arrived = Log.Now;
        if (!Admitted(context, arrived))
        {
            return;
        }

        TokenWindowCounter.Charge? charge = null;
        if (_tokens is not null && !_tokens.TryCharge(arrived, request.MaxTokens, out charge, out _, out TimeSpan retryAfter))
        {
            Log.Exit();
            Refuse(context, StatusCodes.Status429TooManyRequests, retryAfter);
            Log.Record(arrived, StatusCodes.Status429TooManyRequests);
            return;
        }

        if (!await WorkedAsync(context, arrived).ConfigureAwait(false))
        {
            return;
        }

        long used = TokensUsed(request.Id, request.MaxTokens);
        if (charge is not null)
        {
            _tokens!.Correct(charge, used);
        }

        Log.Exit();
        Log.RecordTokens(used);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$$"""{"id":{{{Invariant(request.Id)}}},"usage":{"total_tokens":{{{Invariant(used)}}}}}""", context.RequestAborted).ConfigureAwait(false);
        Log.Record(arrived, StatusCodes.Status200OK);
    }

    // Within the concurrency limit, or refused as the options say.
    private bool Admitted(HttpContext context, TimeSpan arrived)
    {
        if (Log.TryEnter(Options.ConcurrencyLimit))
        {
            return true;
        }

        Refuse(context, Options.OverConcurrencyStatus, TimeSpan.FromSeconds(1));
        Log.Record(arrived, Options.OverConcurrencyStatus);
        return false;
    }

    // The request's latency; false when its caller went away meanwhile.
    private async Task<bool> WorkedAsync(HttpContext context, TimeSpan arrived)
    {
        try
        {
            await Task.Delay(Options.Latency.Sample(), context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.Exit();
            Log.Record(arrived, 499);
            return false;
        }
    }

    private void Refuse(HttpContext context, int status, TimeSpan retryAfter)
    {
        context.Response.StatusCode = status;

        // Whole seconds, rounded up: never invite a retry before the permit is back.
        int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        switch (Options.RetryAfter)
        {
            case RetryAfterFormat.Seconds:
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                break;
            case RetryAfterFormat.HttpDate:
                context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(seconds + 1).ToString("R", CultureInfo.InvariantCulture);
                break;
        }
    }

    // What is left of the rate limit, and when all of it is back, in the family the options name; each rounds its reset
    // up to its own precision, never inviting a start before the permits are back.
    private void WriteRateLimitHeaders(HttpContext context, int remaining, TimeSpan reset)
    {
        if (_rate is null)
        {
            return;
        }

        reset = reset < TimeSpan.Zero ? TimeSpan.Zero : reset;
        string limit = Invariant(Options.RatePermits);
        string left = Invariant(remaining);
        IHeaderDictionary headers = context.Response.Headers;
        switch (Options.RateLimitHeaders)
        {
            case RateLimitHeaderFamily.Ietf:
                headers["RateLimit-Policy"] = $"\"default\";q={limit};w={Invariant(WholeSeconds(Options.RateWindow))}";
                headers["RateLimit"] = $"\"default\";r={left};t={Invariant(WholeSeconds(reset))}";
                break;
            case RateLimitHeaderFamily.XRateLimit:
                headers["X-RateLimit-Limit"] = limit;
                headers["X-RateLimit-Remaining"] = left;
                headers["X-RateLimit-Reset"] = Invariant(WholeSeconds(DateTimeOffset.UtcNow + reset - DateTimeOffset.UnixEpoch));
                break;
            case RateLimitHeaderFamily.OpenAi:
                headers["x-ratelimit-limit-requests"] = limit;
                headers["x-ratelimit-remaining-requests"] = left;
                headers["x-ratelimit-reset-requests"] = $"{Invariant((long)Math.Ceiling(reset.TotalMilliseconds))}ms";
                break;
            case RateLimitHeaderFamily.Anthropic:
                headers["anthropic-ratelimit-requests-limit"] = limit;
                headers["anthropic-ratelimit-requests-remaining"] = left;
                // Milliseconds, rounded up: the format truncates.
                DateTimeOffset resetAt = DateTimeOffset.UtcNow + reset + TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond - 1);
                headers["anthropic-ratelimit-requests-reset"] = resetAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                break;
        }
    }

    private static long WholeSeconds(TimeSpan duration) => (long)Math.Ceiling(duration.TotalSeconds);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The body of <c>POST /v1/completions</c>: <c>{"id":7,"max_tokens":200}</c>.</summary>
public sealed record CompletionRequest(int Id, [property: JsonPropertyName("max_tokens")] long MaxTokens);
