using System;

namespace Throttling;

/// <summary>
/// A throttled client refused to run a call because it could not wait for its turn: the queue was full or the wait
/// too long. The call never reached the server, so it is always safe to retry later.
/// </summary>
public sealed class ThrottlingRejectedException : Exception
{
    /// <summary>Creates the exception without a client or a reason.</summary>
    public ThrottlingRejectedException()
        : this(string.Empty, RejectionReason.Unspecified, "A throttled client rejected the call.")
    {
    }

    /// <summary>Creates the exception without a client or a reason.</summary>
    /// <param name="message">What happened.</param>
    public ThrottlingRejectedException(string message)
        : this(string.Empty, RejectionReason.Unspecified, message)
    {
    }

    /// <summary>Creates the exception without a client or a reason.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">What caused it.</param>
    public ThrottlingRejectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ClientName = string.Empty;
    }

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

    /// <summary>The client that refused the call; empty when none was given.</summary>
    public string ClientName { get; }

    /// <summary>Why the call was refused.</summary>
    public RejectionReason Reason { get; }
}
