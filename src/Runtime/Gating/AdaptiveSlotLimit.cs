using System;

namespace Throttling;

/// <summary>
/// The live slot limit of <c>[Slots(n, Adaptive = true)]</c>: loss-driven, between <c>MinSlots</c> and the ceiling n.
/// </summary>
/// <remarks>
/// <para>
/// It starts low, at <c>MinSlots</c>, and slow-starts (doubling after each round trip whose slots were full): a
/// limit that starts at the ceiling against a server that degrades past a knee only ever sees the degraded latency and
/// cannot tell where the knee was. Growth needs the slots in use to be full; a client that uses three of ten slots
/// learns nothing about the fourth.
/// </para>
/// <para>
/// A loss (429, 503, a timeout) multiplies the limit down, at most once per round trip, since the calls of one round
/// trip all saw the same overload. A caller's cancellation is not a loss. After a loss, growth back to the level that lost
/// slows each time that level loses again (a plateau that doubles, up to 32 round trips), so a server that takes 8 gets a
/// probe at 9 now and then, not every other round trip; once the limit passes that level without a loss, growth is
/// back to one slot per round trip.
/// </para>
/// <para>
/// Latency only brakes: a round trip whose mean latency is over 1.5 × the baseline stops growth, and ends slow start at
/// the limit the last good round trip had. The baseline is the lowest round-trip mean, not the lowest sample (one lucky
/// sample would fool it); rounds at no more load than the one that set it move it up by 1% of the gap, so that a network
/// that got slower for good is learned again, while the queueing a higher limit causes never becomes the norm. The
/// limit never sheds traffic to measure anything.
/// </para>
/// Not thread-safe: its store serializes every call.
/// </remarks>
internal sealed class AdaptiveSlotLimit
{
    private const double LossFactor = 0.8;
    private const double LatencyBrake = 1.5;
    private const int LongestPlateau = 32;

    private readonly int _ceiling;
    private readonly int _floor;
    private double _limit;
    private bool _slowStart = true;

    // The round trip being measured: samples until the limit's worth of calls have answered.
    private int _samples;
    private int _saturatedSamples;
    private double _latencySum;
    private double _limitAtRoundStart;
    private double _baseline = double.MaxValue;
    private double _baselineLimit;
    private long _noDecreaseUntil = long.MinValue;
    private double _lossLevel = double.MaxValue;
    private int _plateau = 1;

    public AdaptiveSlotLimit(int ceiling, int floor)
    {
        _ceiling = ceiling;
        _floor = Math.Max(1, Math.Min(floor, ceiling));
        _limit = _floor;
        _limitAtRoundStart = _limit;
    }

    /// <summary>Calls that may be in flight now.</summary>
    public int Current => (int)_limit;

    /// <summary>Learns from one call that ended.</summary>
    /// <param name="now">Now, in clock ticks.</param>
    /// <param name="latency">The call's latency, in ticks.</param>
    /// <param name="outcome">What the call's end says about the server's load.</param>
    /// <param name="saturated">Whether every slot of the limit was in use when it ended.</param>
    /// <returns>Whether the limit changed.</returns>
    public bool OnCallEnded(long now, long latency, CallOutcome outcome, bool saturated)
    {
        int before = Current;
        switch (outcome)
        {
            case CallOutcome.Overloaded:
                OnLoss(now);
                break;
            case CallOutcome.Succeeded:
                OnSuccess(latency, saturated);
                break;
        }

        return Current != before;
    }

    /// <summary>
    /// Takes the limit the processes of a shared budget keep together, which another process moved. A lower one is
    /// another process's answer to an overload this one shares: it ends slow start, and stands for this process's own
    /// decrease for a round trip.
    /// </summary>
    /// <param name="now">Now, in clock ticks.</param>
    /// <param name="shared">The shared limit.</param>
    /// <returns>Whether the limit changed.</returns>
    public bool Follow(long now, int shared)
    {
        int limit = Math.Max(_floor, Math.Min(_ceiling, shared));
        if (limit == Current)
        {
            return false;
        }

        if (limit < Current)
        {
            _slowStart = false;
            _noDecreaseUntil = _baseline == double.MaxValue ? now : now + (long)_baseline;
        }

        _limit = limit;
        StartRound();
        return true;
    }

    private void OnLoss(long now)
    {
        if (now < _noDecreaseUntil)
        {
            return;
        }

        // A loss at about the level of the last one: the next probe of it waits twice as long.
        _plateau = Math.Abs(_limit - _lossLevel) < 2 ? Math.Min(_plateau * 2, LongestPlateau) : 1;
        _lossLevel = _limit;
        _limit = Math.Max(_floor, Math.Floor(_limit * LossFactor));
        _slowStart = false;
        _noDecreaseUntil = _baseline == double.MaxValue ? now : now + (long)_baseline;
        StartRound();
    }

    private void OnSuccess(long latency, bool saturated)
    {
        _samples++;
        _latencySum += latency;
        _saturatedSamples += saturated ? 1 : 0;
        bool braked = _baseline != double.MaxValue && latency > _baseline * LatencyBrake;
        if (saturated && !braked && !_slowStart)
        {
            bool nearLoss = _limit + 1 >= _lossLevel;
            _limit = Math.Min(_ceiling, _limit + (1 / (_limit * (nearLoss ? _plateau : 1))));
        }

        if (_samples >= Math.Max(1, (int)_limitAtRoundStart))
        {
            EndRound();
        }
    }

    private void EndRound()
    {
        double mean = _latencySum / _samples;
        if (mean > _baseline * LatencyBrake)
        {
            // Growth past the last good round trip bought latency, not throughput: take it back, and grow no more.
            _limit = Math.Min(_limit, Math.Max(_floor, _slowStart ? _limitAtRoundStart / 2 : _limitAtRoundStart));
            _slowStart = false;
        }
        else
        {
            // Slow start doubles once per round trip whose slots were full, judged on the whole round trip: per success,
            // the fast answers would grow it before the slow ones could say the server is queueing.
            if (_slowStart && _saturatedSamples * 2 >= _samples)
            {
                _limit = Math.Min(_ceiling, _limit * 2);
            }

            if (_limit > _lossLevel + 1)
            {
                // Past the level that lost, without a loss: the server takes more now.
                _lossLevel = double.MaxValue;
                _plateau = 1;
            }
        }

        // The baseline is latency at a load the client has had; rounds at a higher limit than the one that set it cannot
        // raise it, or the queueing they caused would become the norm and let the limit creep up.
        if (mean < _baseline)
        {
            _baseline = mean;
            _baselineLimit = _limitAtRoundStart;
        }
        else if (_limitAtRoundStart <= _baselineLimit)
        {
            _baseline += (mean - _baseline) * 0.01;
        }

        StartRound();
    }

    private void StartRound()
    {
        _samples = 0;
        _saturatedSamples = 0;
        _latencySum = 0;
        _limitAtRoundStart = _limit;
    }
}

/// <summary>What a call's end says about the server's load, for <see cref="AdaptiveSlotLimit"/>.</summary>
internal enum CallOutcome
{
    /// <summary>Says nothing: cancelled by its caller, or failed for a reason of its own.</summary>
    Unknown,

    /// <summary>The server answered.</summary>
    Succeeded,

    /// <summary>A 429, a 503 or a timeout.</summary>
    Overloaded,
}
