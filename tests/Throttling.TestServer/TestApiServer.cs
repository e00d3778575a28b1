using System.Globalization;
using System.Net;
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
/// <c>{"id":...}</c> after the configured latency.
/// </summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SlidingWindowCounter? _rate;

    private TestApiServer(WebApplication app, TestApiOptions options)
    {
        _app = app;
        Options = options;
        _rate = options.RatePermits > 0 ? new SlidingWindowCounter(options.RatePermits, options.RateWindow) : null;
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
        if (!Log.TryEnter(Options.ConcurrencyLimit))
        {
            Refuse(context, Options.OverConcurrencyStatus, TimeSpan.FromSeconds(1));
            Log.Record(arrived, Options.OverConcurrencyStatus);
            return;
        }

        int remaining = 0;
        try
        {
            if (_rate is not null && !_rate.TryAccept(arrived, out TimeSpan retryAfter, out remaining))
            {
                Log.Exit();
                WriteRateLimitHeaders(context, remaining: 0, retryAfter);
                Refuse(context, StatusCodes.Status429TooManyRequests, retryAfter);
                Log.Record(arrived, StatusCodes.Status429TooManyRequests);
                return;
            }

            await Task.Delay(Options.Latency.Sample(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.Exit();
            Log.Record(arrived, 499);
            return;
        }

        // The work is done: the slot is free before the answer leaves, so a client that sends its next request on
        // receiving this answer can never find the slot still taken.
        Log.Exit();
        WriteRateLimitHeaders(context, remaining, Options.RateWindow);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"id":"{{id}}"}""", context.RequestAborted).ConfigureAwait(false);
        Log.Record(arrived, StatusCodes.Status200OK);
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

    // draft-ietf-httpapi-ratelimit-headers: the policy, and what is left of it.
    private void WriteRateLimitHeaders(HttpContext context, int remaining, TimeSpan reset)
    {
        if (!Options.RateLimitHeaders || _rate is null)
        {
            return;
        }

        string window = ((int)Math.Ceiling(Options.RateWindow.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["RateLimit-Policy"] = $"\"default\";q={Options.RatePermits.ToString(CultureInfo.InvariantCulture)};w={window}";
        context.Response.Headers["RateLimit"] = $"\"default\";r={remaining.ToString(CultureInfo.InvariantCulture)};t={Math.Max(0, (int)Math.Ceiling(reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}";
    }
}
