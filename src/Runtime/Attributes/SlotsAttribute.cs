using System;

namespace Throttling;

/// <summary>
/// Bounds how many calls of this client may be in flight at once, process-wide. Callers beyond the bound
/// wait their turn in order instead of failing.
/// </summary>
/// <remarks>
/// Slots protect what concurrency exhausts: the provider's request slots, connection pools, memory, GPUs.
/// To bound how many calls may <em>start</em> per time window, use <see cref="RateLimitAttribute"/>.
/// A source generator turns the interface into a <c>Throttled{Name}</c> decorator that enforces this.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class SlotsAttribute : Attribute
{
    /// <summary>Allows at most <paramref name="count"/> calls of this client in flight at once.</summary>
    /// <param name="count">The number of slots; at least 1.</param>
    public SlotsAttribute(int count) => Count = count;

    /// <summary>The number of calls that may be in flight at once.</summary>
    public int Count { get; }

    /// <summary>
    /// How many callers may wait for this client at once; beyond it a call fails at once with
    /// <see cref="ThrottlingRejectedException"/>. <c>0</c> means never wait. Unbounded when not set.
    /// </summary>
    public int QueueLimit { get; set; } = int.MaxValue;

    /// <summary>
    /// The longest a call may wait for its turn (a duration such as <c>"30s"</c>); past it the call fails with
    /// <see cref="ThrottlingRejectedException"/>. No limit when not set.
    /// </summary>
    public string? MaxWait { get; set; }

    /// <summary>
    /// Treats <see cref="Count"/> as a ceiling and adapts the live limit between <see cref="MinSlots"/> and it: 429s,
    /// 503s and timeouts shrink it, sustained success with every slot in use grows it, latency rising above its own
    /// baseline stops the growth. <c>ClientThrottle.SlotLimit</c> shows the live value. Off by default.
    /// </summary>
    public bool Adaptive { get; set; }

    /// <summary>The least an <see cref="Adaptive"/> limit goes down to, and where it starts; from 1 (the default) to <see cref="Count"/>.</summary>
    public int MinSlots { get; set; } = 1;
}
