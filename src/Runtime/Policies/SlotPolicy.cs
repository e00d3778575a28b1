using System;
using System.Globalization;

namespace Throttling;

/// <summary>How many calls of a client may be in flight at once, and how long callers may wait for one.</summary>
public sealed class SlotPolicy
{
    /// <summary>Creates a slot policy.</summary>
    /// <param name="count">Calls that may be in flight at once; at least 1.</param>
    /// <param name="queueLimit">Callers that may wait at once; 0 means never wait. Unbounded by default.</param>
    /// <param name="maxWait">The longest a call may wait for its turn; no limit by default.</param>
    public SlotPolicy(int count, int queueLimit = int.MaxValue, TimeSpan? maxWait = null)
    {
        if (!LimitRules.IsValidCount(count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Slots must be at least 1.");
        }

        if (!LimitRules.IsValidQueueLimit(queueLimit))
        {
            throw new ArgumentOutOfRangeException(nameof(queueLimit), queueLimit, "QueueLimit must be 0 or more.");
        }

        if (maxWait is { } wait && wait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWait), wait, "MaxWait must be positive.");
        }

        Count = count;
        QueueLimit = queueLimit;
        MaxWait = maxWait;
    }

    /// <summary>Calls that may be in flight at once.</summary>
    public int Count { get; }

    /// <summary>Callers that may wait at once; <see cref="int.MaxValue"/> when unbounded.</summary>
    public int QueueLimit { get; }

    /// <summary>The longest a call may wait for its turn; null when unbounded.</summary>
    public TimeSpan? MaxWait { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        string text = Count.ToString(CultureInfo.InvariantCulture) + " slots";
        if (QueueLimit != int.MaxValue)
        {
            text += ", queue limit " + QueueLimit.ToString(CultureInfo.InvariantCulture);
        }

        return MaxWait is { } wait ? text + ", max wait " + Duration.Format(wait) : text;
    }

    internal bool SetsSameLimitsAs(SlotPolicy? other)
        => other is not null && Count == other.Count && QueueLimit == other.QueueLimit && MaxWait == other.MaxWait;
}
