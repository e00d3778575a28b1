using System;

namespace Throttling;

/// <summary>
/// Bounds how many calls may start per time window. On an interface it applies to every call of the client; on a
/// method it applies to that method in addition to the interface's limits. Several limits stack and must all allow
/// a call before it starts.
/// </summary>
/// <remarks>
/// Rate limits protect quotas and budgets; a provider answers HTTP 429 when they are exceeded. To bound how many calls
/// may be in flight at once, use <see cref="SlotsAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class RateLimitAttribute : Attribute
{
    /// <summary>Allows at most <paramref name="permits"/> call starts per <paramref name="window"/>.</summary>
    /// <param name="permits">Call starts allowed per window; at least 1.</param>
    /// <param name="window">The window length: a positive number followed by <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>, such as <c>"1m"</c>.</param>
    public RateLimitAttribute(int permits, string window)
    {
        Permits = permits;
        Window = window;
    }

    /// <summary>Call starts allowed per window.</summary>
    public int Permits { get; }

    /// <summary>The window length, such as <c>"1s"</c>, <c>"1m"</c> or <c>"1d"</c>.</summary>
    public string Window { get; }

    /// <summary>How starts are counted; <see cref="RateLimitKind.SlidingWindow"/> unless set.</summary>
    public RateLimitKind Kind { get; set; } = RateLimitKind.SlidingWindow;

    /// <summary>
    /// What the limit counts: <c>"requests"</c> (each call one) unless set. Any other unit, such as <c>"tokens"</c> or
    /// <c>"credits"</c>, charges each call its cost: every gated method of the client then needs a
    /// <see cref="CostAttribute"/> parameter.
    /// </summary>
    public string Unit { get; set; } = RateLimitPolicy.Requests;
}
