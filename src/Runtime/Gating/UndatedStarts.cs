using System;

namespace Throttling;

/// <summary>
/// Calls invoked but not yet dated: a start is dated at its response, or at its invocation plus the recording cap if
/// that comes first, and from that date its permits follow the window. Kept in invocation order, so the oldest entry is
/// always the next to reach its cap. A ring indexed by ticket: adding, dating and draining allocate nothing once it has
/// grown to the number of calls in flight. Not thread-safe; its <see cref="ClientThrottle"/> serializes every call.
/// </summary>
internal sealed class UndatedStarts
{
    private Entry[] _entries = new Entry[8];
    private long _head;
    private long _tail;

    public bool IsEmpty => _head == _tail;

    /// <summary>When the oldest undated start reaches its cap; <see cref="long.MaxValue"/> when none is undated.</summary>
    public long NextDue => IsEmpty ? long.MaxValue : _entries[Index(_head)].Start.DueAt;

    /// <summary>Registers a start, with what the store knew when it was invoked (see <see cref="UndatedStart"/>); returns its ticket.</summary>
    public long Add(in UndatedStart start, MethodStage stage)
    {
        if (_tail - _head == _entries.Length)
        {
            Grow();
        }

        _entries[Index(_tail)] = new Entry { Start = start, Stage = stage };
        return _tail++;
    }

    /// <summary>Reads the start of <paramref name="ticket"/>, leaving it undated; false when it is dated already.</summary>
    public bool TryPeek(long ticket, out UndatedStart start)
    {
        bool undated = IsUndated(ticket);
        start = undated ? _entries[Index(ticket)].Start : default;
        return undated;
    }

    /// <summary>
    /// Sets the cost of the undated start of <paramref name="ticket"/> to what its call really cost; false when it is
    /// dated already.
    /// </summary>
    /// <param name="ticket">The start's ticket.</param>
    /// <param name="actual">What the call cost.</param>
    /// <param name="reserved">The cost it had reserved.</param>
    public bool TrySettle(long ticket, int actual, out int reserved)
    {
        reserved = 0;
        if (!IsUndated(ticket))
        {
            return false;
        }

        ref UndatedStart start = ref _entries[Index(ticket)].Start;
        reserved = start.Cost;
        start = start with { Cost = actual };
        return true;
    }

    /// <summary>
    /// Takes the start of <paramref name="ticket"/> out; false when its cap dated it already (<see cref="TryTakeDue"/> took
    /// it).
    /// </summary>
    public bool TryTake(long ticket, out UndatedStart start)
    {
        start = default;
        if (!IsUndated(ticket))
        {
            return false;
        }

        ref Entry entry = ref _entries[Index(ticket)];
        start = entry.Start;
        entry.Stage = null;
        SkipTaken();
        return true;
    }

    /// <summary>Takes the oldest start when its cap has passed at <paramref name="now"/>: it is dated at its cap.</summary>
    public bool TryTakeDue(long now, out MethodStage stage, out long ticket, out UndatedStart start)
    {
        stage = null!;
        ticket = _head;
        start = default;
        if (IsEmpty || _entries[Index(_head)].Start.DueAt > now)
        {
            return false;
        }

        ref Entry entry = ref _entries[Index(_head)];
        stage = entry.Stage!;
        start = entry.Start;
        entry.Stage = null;
        SkipTaken();
        return true;
    }

    // Answered starts leave holes; the head moves past them so that it always names an undated start.
    private void SkipTaken()
    {
        while (!IsEmpty && _entries[Index(_head)].Stage is null)
        {
            _head++;
        }
    }

    private int Index(long ticket) => (int)(ticket & (_entries.Length - 1));

    // Whether the ticket names a start still in the ring and not yet dated.
    private bool IsUndated(long ticket) => ticket >= _head && ticket < _tail && _entries[Index(ticket)].Stage is not null;

    private void Grow()
    {
        var entries = new Entry[_entries.Length * 2];
        for (long ticket = _head; ticket < _tail; ticket++)
        {
            entries[ticket & (entries.Length - 1)] = _entries[Index(ticket)];
        }

        _entries = entries;
    }

    private struct Entry
    {
        public UndatedStart Start;

        // Null once the start is dated.
        public MethodStage? Stage;
    }
}

/// <summary>A call's start waiting to be dated.</summary>
/// <param name="InvokedAt">When the call was invoked, in clock ticks.</param>
/// <param name="DueAt">The latest date it may have: its invocation plus the recording cap.</param>
/// <param name="QuickestAnswer">
/// How long the quickest answer yet had taken when it was invoked; <see cref="long.MaxValue"/> when none had come.
/// </param>
/// <param name="OwnLeft">
/// The starts the client's limits left once it was admitted, to compare with the server's count of it;
/// <see cref="int.MaxValue"/> when the client had heard no count yet.
/// </param>
/// <param name="Cost">What the call holds of its weighted limits (see <see cref="PermitLedger.Charge"/>): its declared cost, or its real one once settled.</param>
/// <param name="TokensMark">The tokens the client had charged once it was admitted, its own included (<see cref="TokenQuotaPacing"/>).</param>
/// <param name="OwnTokensLeft">What the client's token limits left then; <see cref="int.MaxValue"/> before the server said anything of its tokens.</param>
internal readonly record struct UndatedStart(long InvokedAt, long DueAt, long QuickestAnswer, int OwnLeft, int Cost, long TokensMark, int OwnTokensLeft);
