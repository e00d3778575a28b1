namespace Throttling.Tests;

/// <summary>
/// A discrete-event simulation of a client whose slots an <see cref="AdaptiveSlotLimit"/> sets, against a server model:
/// a capacity (calls in flight beyond it get a quick 429 with <c>Retry-After: 1</c>, which pauses the client's new starts
/// for a second, as the gate does), a latency curve over the calls in flight, and ±10% jitter from a fixed seed. It runs
/// in virtual time, thousands of virtual seconds in milliseconds of real time.
/// </summary>
internal sealed class AdaptiveSimulation
{
    private static readonly double RejectionLatency = 0.001;
    private readonly List<(double End, double Latency, bool Rejected)> _running = new();
    private readonly Random _random;

    public AdaptiveSimulation(int ceiling, int minSlots, Func<double, int> capacity, Func<int, double> latency, int seed)
    {
        Limit = new AdaptiveSlotLimit(ceiling, minSlots);
        _capacity = capacity;
        _latency = latency;
        _random = new Random(seed);
    }

    private readonly Func<double, int> _capacity;
    private readonly Func<int, double> _latency;

    public AdaptiveSlotLimit Limit { get; }

    public int Throttled { get; private set; }

    public double Now { get; private set; }

    public List<double> Latencies { get; } = new();

    /// <summary>The limit after each call ended, with when.</summary>
    public List<(double At, int Limit)> Trace { get; } = new();

    /// <summary>Sends <paramref name="calls"/> calls, all waiting from the start (or until <paramref name="until"/>), and returns when the last one succeeded.</summary>
    public void Run(int calls, double until = double.MaxValue)
    {
        int waiting = calls;
        double coolDownUntil = 0;
        while ((waiting > 0 || _running.Count > 0) && Now < until)
        {
            while (waiting > 0 && _running.Count < Limit.Current && Now >= coolDownUntil)
            {
                waiting--;
                Send();
            }

            double next = _running.Count == 0 ? coolDownUntil : _running.Min(r => r.End);
            if (waiting > 0 && coolDownUntil > Now && coolDownUntil < next)
            {
                next = coolDownUntil;
            }

            Now = Math.Max(Now, next);
            int ended = _running.FindIndex(r => r.End <= Now);
            if (ended < 0)
            {
                continue;
            }

            (double _, double latency, bool rejected) = _running[ended];
            bool saturated = _running.Count >= Limit.Current;
            Limit.OnCallEnded(Ticks(Now), Ticks(latency), rejected ? CallOutcome.Overloaded : CallOutcome.Succeeded, saturated);
            _running.RemoveAt(ended);
            Trace.Add((Now, Limit.Current));
            if (rejected)
            {
                Throttled++;
                waiting++;
                coolDownUntil = Math.Max(coolDownUntil, Now + 1);
            }
            else
            {
                Latencies.Add(latency);
            }
        }
    }

    public double MedianLatency()
    {
        List<double> sorted = Latencies.OrderBy(l => l).ToList();
        return sorted[sorted.Count / 2];
    }

    private void Send()
    {
        int accepted = _running.Count(r => !r.Rejected);
        if (accepted >= _capacity(Now))
        {
            _running.Add((Now + RejectionLatency, RejectionLatency, true));
            return;
        }

        double latency = _latency(accepted + 1) * (0.9 + (0.2 * _random.NextDouble()));
        _running.Add((Now + latency, latency, false));
    }

    private static long Ticks(double seconds) => (long)(seconds * TimeSpan.TicksPerSecond);
}
