namespace Throttling.Redis;

/// <summary>What a client does while Redis, where its budget lives, does not answer.</summary>
public enum RedisUnavailableMode
{
    /// <summary>
    /// Each process enforces its share of every limit (the limit divided by the processes seen alive, at least one slot
    /// and one permit) until Redis answers again; then the starts it made are added to the shared budget and calls go
    /// back to it.
    /// </summary>
    LocalFallback = 0,

    /// <summary>Calls run without any limit until Redis answers again.</summary>
    FailOpen = 1,

    /// <summary>Calls fail with <see cref="ThrottlingRejectedException"/>, reason <see cref="RejectionReason.BudgetUnavailable"/>.</summary>
    FailClosed = 2,
}
