namespace Throttling;

/// <summary>Why a throttled client refused to run a call.</summary>
public enum RejectionReason
{
    /// <summary>No reason was given: the exception was not created by a throttled client.</summary>
    Unspecified = 0,

    /// <summary>As many callers as the client's <c>QueueLimit</c> allows were already waiting.</summary>
    QueueFull = 1,

    /// <summary>The call waited the client's <c>MaxWait</c> without its turn coming.</summary>
    MaxWaitExceeded = 2,

    /// <summary>
    /// The server asked the client to wait longer than its <c>MaxRetryAfter</c>; until that time has passed every call
    /// fails at once rather than being sent into a server that said no.
    /// </summary>
    ServerCoolDown = 3,

    /// <summary>
    /// The budget is shared between processes (Throttling.Redis), its store could not be reached, and the client is set
    /// to fail closed rather than run without the shared budget.
    /// </summary>
    BudgetUnavailable = 4,

    /// <summary>
    /// The call's cost is larger than a whole limit counted in its unit (<see cref="RateLimitPolicy.Unit"/>): it could
    /// never start, so it fails at once and nothing is sent.
    /// </summary>
    CostExceedsLimit = 5,
}
