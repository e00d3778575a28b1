using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>An inner client that answers each call with the next scripted outcome, recording when each call started.</summary>
internal sealed class ScriptedResponses
{
    private readonly FakeTimeProvider _clock;
    private readonly ConcurrentQueue<Func<Task<HttpResponseMessage>>> _script;
    private readonly ConcurrentQueue<DateTimeOffset> _calls = new();

    public ScriptedResponses(FakeTimeProvider clock, params Func<Task<HttpResponseMessage>>[] script)
    {
        _clock = clock;
        _script = new ConcurrentQueue<Func<Task<HttpResponseMessage>>>(script);
    }

    public int Calls => _calls.Count;

    /// <summary>When each call started, relative to <see cref="Times.Start"/>.</summary>
    public IReadOnlyList<TimeSpan> CallTimes => _calls.Select(c => c - Times.Start).ToArray();

    public Task<HttpResponseMessage> Call()
    {
        _calls.Enqueue(_clock.GetUtcNow());
        return _script.TryDequeue(out Func<Task<HttpResponseMessage>>? next) ? next() : throw new InvalidOperationException("The script ran out.");
    }

    public static Func<Task<HttpResponseMessage>> Ok(HttpResponseMessage? response = null)
        => () => Task.FromResult(response ?? new HttpResponseMessage(HttpStatusCode.OK));

    public static Func<Task<HttpResponseMessage>> Respond(HttpResponseMessage response) => () => Task.FromResult(response);

    public static Func<Task<HttpResponseMessage>> Throw(Exception exception) => () => Task.FromException<HttpResponseMessage>(exception);

    public static HttpResponseMessage TooMany(TimeSpan? after = null, DateTimeOffset? at = null, string? raw = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)429) { Content = new TrackedContent() };
        if (after is { } delta)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(delta);
        }
        else if (at is { } date)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(date);
        }
        else if (raw is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", raw);
        }

        return response;
    }
}

/// <summary>Content that remembers being disposed, to prove a dropped 429 frees its connection.</summary>
internal sealed class TrackedContent : HttpContent
{
    public bool IsDisposed { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Task.CompletedTask;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }
}
