using System.Diagnostics;

namespace Throttling.TestServer;

/// <summary>What the server saw: every request's arrival, end and answer, on the server's clock.</summary>
public sealed class RequestLog
{
    private readonly object _sync = new();
    private readonly List<RequestRecord> _records = new();
    private readonly long _origin = Stopwatch.GetTimestamp();
    private int _inFlight;
    private long _tokensUsed;

    /// <summary>Requests being worked on now.</summary>
    public int InFlight
    {
        get
        {
            lock (_sync)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>The most requests worked on at once.</summary>
    public int MaxConcurrency { get; private set; }

    public int Requests
    {
        get
        {
            lock (_sync)
            {
                return _records.Count;
            }
        }
    }

    public int TooManyRequests => Count(429);

    public int ServiceUnavailable => Count(503);

    public int Succeeded => Count(200);

    /// <summary>A copy of every finished request, in the order they ended.</summary>
    public IReadOnlyList<RequestRecord> Snapshot()
    {
        lock (_sync)
        {
            return _records.ToArray();
        }
    }

    /// <summary>Accepted requests per second, by second since the server started.</summary>
    public IReadOnlyDictionary<long, int> AcceptedStartsPerSecond()
        => Snapshot().Where(r => r.Status == 200).GroupBy(r => (long)r.Arrived.TotalSeconds).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The most requests accepted within any window of the given length.</summary>
    public int MaxAcceptedInAnyWindow(TimeSpan window)
    {
        TimeSpan[] starts = Snapshot().Where(r => r.Status == 200).Select(r => r.Arrived).Order().ToArray();
        int max = 0;
        for (int first = 0, last = 0; last < starts.Length; last++)
        {
            while (starts[last] - starts[first] >= window)
            {
                first++;
            }

            max = Math.Max(max, last - first + 1);
        }

        return max;
    }

    internal TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    /// <summary>Counts a request in, unless <paramref name="limit"/> are already being worked on (0: no limit).</summary>
    internal bool TryEnter(int limit)
    {
        lock (_sync)
        {
            if (limit > 0 && _inFlight >= limit)
            {
                return false;
            }

            _inFlight++;
            MaxConcurrency = Math.Max(MaxConcurrency, _inFlight);
            return true;
        }
    }

    internal void Exit()
    {
        lock (_sync)
        {
            _inFlight--;
        }
    }

    /// <summary>Tokens the completions answered so far used.</summary>
    public long TokensUsed => Interlocked.Read(ref _tokensUsed);

    internal void RecordTokens(long tokens) => Interlocked.Add(ref _tokensUsed, tokens);

    internal void Record(TimeSpan arrived, int status)
    {
        lock (_sync)
        {
            _records.Add(new RequestRecord(arrived, Now, status));
        }
    }

    private int Count(int status)
    {
        lock (_sync)
        {
            return _records.Count(r => r.Status == status);
        }
    }
}

/// <summary>One request: when it arrived and ended (since the server started) and what it was answered.</summary>
public readonly record struct RequestRecord(TimeSpan Arrived, TimeSpan Ended, int Status);
