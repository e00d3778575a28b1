using System.Globalization;
using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>
/// A server on a fake clock that accepts <c>permits</c> arrivals in any window (an exact sliding window), answers each
/// after a fixed latency with the IETF <c>RateLimit-Policy</c> / <c>RateLimit</c> fields (when it sends headers at all),
/// and answers 429 with <c>Retry-After</c> beyond its limit. Calls arrive when they are invoked.
/// </summary>
internal sealed class FakeRateLimitedServer(FakeTimeProvider clock, int permits, TimeSpan window, TimeSpan latency, bool sendsHeaders = true)
{
    private readonly object _sync = new();
    private readonly Queue<DateTimeOffset> _accepted = new();
    private readonly List<DateTimeOffset> _arrivals = new();
    private readonly List<DateTimeOffset> _ends = new();

    public int Throttled { get; private set; }

    public int Accepted { get; private set; }

    public IReadOnlyList<TimeSpan> Arrivals
    {
        get
        {
            lock (_sync)
            {
                return _arrivals.Select(a => a - Times.Start).ToArray();
            }
        }
    }

    private int Running
    {
        get
        {
            lock (_sync)
            {
                return _ends.Count;
            }
        }
    }

    public async Task<HttpResponseMessage> Call()
    {
        DateTimeOffset now = clock.GetUtcNow();
        HttpResponseMessage response;
        Task done = Task.Delay(latency, clock);
        DateTimeOffset end = now + latency;
        lock (_sync)
        {
            _arrivals.Add(now);
            _ends.Add(end);
            while (_accepted.Count > 0 && _accepted.Peek() + window <= now)
            {
                _accepted.Dequeue();
            }

            if (_accepted.Count >= permits)
            {
                Throttled++;
                TimeSpan wait = _accepted.Peek() + window - now;
                response = new HttpResponseMessage((HttpStatusCode)429);
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)));
                AddHeaders(response, 0, wait);
            }
            else
            {
                Accepted++;
                _accepted.Enqueue(now);
                response = new HttpResponseMessage(HttpStatusCode.OK);
                AddHeaders(response, permits - _accepted.Count, _accepted.Peek() + window - now);
            }
        }

        try
        {
            await done;
            return response;
        }
        finally
        {
            lock (_sync)
            {
                _ends.Remove(end);
            }
        }
    }

    /// <summary>Advances the clock by <paramref name="duration"/> in steps, letting every due answer reach its caller after each.</summary>
    public async Task RunAsync(ClientThrottle throttle, TimeSpan duration, TimeSpan step, Func<bool>? done = null)
    {
        for (TimeSpan elapsed = TimeSpan.Zero; elapsed < duration && done?.Invoke() != true; elapsed += step)
        {
            clock.Advance(step);
            await Task.Yield();
            await Eventually.TrueAsync(() => NoneOverdue() && throttle.InFlight == Running, "every granted call was invoked, every finished one left");
        }
    }

    private bool NoneOverdue()
    {
        lock (_sync)
        {
            DateTimeOffset now = clock.GetUtcNow();
            return _ends.TrueForAll(end => end > now);
        }
    }

    // The reset is in whole seconds, rounded up, as the draft writes it.
    private void AddHeaders(HttpResponseMessage response, int remaining, TimeSpan reset)
    {
        if (!sendsHeaders)
        {
            return;
        }

        string seconds = ((long)Math.Ceiling(window.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.Headers.TryAddWithoutValidation("RateLimit-Policy", $"\"default\";q={permits.ToString(CultureInfo.InvariantCulture)};w={seconds}");
        response.Headers.TryAddWithoutValidation("RateLimit", $"\"default\";r={remaining.ToString(CultureInfo.InvariantCulture)};t={((long)Math.Ceiling(reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}");
    }
}
