using System;

namespace Throttling;

/// <summary>
/// A throttled client refused to run a call because it could not wait for its turn: the queue was full or the wait
/// too long. The call never reached the server, so it is always safe to retry later.
/// </summary>
public sealed class ThrottlingRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="clientName">The client that refused the call.</param>
    /// <param name="reason">Why.</param>
    /// <param name="message">What happened, in words that name the limit.</param>
    public ThrottlingRejectedException(string clientName, RejectionReason reason, string message)
        : base(message)
    {
        ClientName = clientName;
        Reason = reason;
    }

    /// <summary>The client that refused the call.</summary>
    public string ClientName { get; }

    /// <summary>Why the call was refused.</summary>
    public RejectionReason Reason { get; }
}
