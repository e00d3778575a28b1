using System;
using System.Globalization;

namespace Throttling;

/// <summary>How many calls of a client may be in flight at once, and how long callers may wait for one.</summary>
/// <remarks>Settings beyond the count are init properties, so that adding one later breaks no caller's binary.</remarks>
public sealed class SlotPolicy
{
    private readonly int _queueLimit = int.MaxValue;
    private readonly TimeSpan? _maxWait;
    private readonly int _minSlots = 1;

    /// <summary>Creates a slot policy.</summary>
    /// <param name="count">Calls that may be in flight at once; at least 1.</param>
    public SlotPolicy(int count)
    {
        if (!LimitRules.IsValidCount(count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Slots must be at least 1.");
        }

        Count = count;
    }

    /// <summary>Calls that may be in flight at once.</summary>
    public int Count { get; }

    /// <summary>Callers that may wait at once; 0 means never wait. <see cref="int.MaxValue"/> (unbounded) by default.</summary>
    public int QueueLimit
    {
        get => _queueLimit;
        init => _queueLimit = LimitRules.IsValidQueueLimit(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(QueueLimit), value, "QueueLimit must be 0 or more.");
    }

    /// <summary>The longest a call may wait for its turn; positive. Null (unbounded) by default.</summary>
    public TimeSpan? MaxWait
    {
        get => _maxWait;
        init => _maxWait = value is not { } wait || wait > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxWait), wait, "MaxWait must be positive.");
    }

    /// <summary>
    /// Whether <see cref="Count"/> is a ceiling that the live limit adapts under, between <see cref="MinSlots"/> and it,
    /// to what the server can take: losses (429, 503, timeouts) shrink it, success with every slot in use grows it. False by default.
    /// </summary>
    public bool Adaptive { get; init; }

    /// <summary>The least an <see cref="Adaptive"/> limit goes down to, and where it starts; from 1 (the default) to <see cref="Count"/>.</summary>
    public int MinSlots
    {
        get => _minSlots;
        init => _minSlots = LimitRules.IsValidMinSlots(value, Count)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MinSlots), value, $"MinSlots must be from 1 to the slot count ({Count}).");
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string text = Adaptive
            ? $"{MinSlots.ToString(CultureInfo.InvariantCulture)}-{Count.ToString(CultureInfo.InvariantCulture)} adaptive slots"
            : Count.ToString(CultureInfo.InvariantCulture) + " slots";
        if (QueueLimit != int.MaxValue)
        {
            text += ", queue limit " + QueueLimit.ToString(CultureInfo.InvariantCulture);
        }

        return MaxWait is { } wait ? text + ", max wait " + Duration.Format(wait) : text;
    }

    internal bool SetsSameLimitsAs(SlotPolicy? other)
        => other is not null && Count == other.Count && QueueLimit == other.QueueLimit && MaxWait == other.MaxWait
            && Adaptive == other.Adaptive && MinSlots == other.MinSlots;
}
