using System;
using Microsoft.Extensions.Logging;

namespace Throttling;

/// <summary>The log events of throttled clients (category <c>Throttling</c>).</summary>
internal static class ThrottlingLog
{
    private static readonly Action<ILogger, string, RetryAfter, Exception?> ServerThrottledEvent = LoggerMessage.Define<string, RetryAfter>(
        LogLevel.Information, new EventId(1, "ServerThrottled"), "{Client}: the server throttled a call (Retry-After {RetryAfter})");

    private static readonly Action<ILogger, string, TimeSpan, bool, Exception?> CoolDownEvent = LoggerMessage.Define<string, TimeSpan, bool>(
        LogLevel.Warning, new EventId(2, "CoolDownStarted"), "{Client}: new calls pause for {CoolDown} (server gave Retry-After: {FromServer})");

    private static readonly Action<ILogger, string, TimeSpan, TimeSpan, Exception?> RetryAfterTooLongEvent = LoggerMessage.Define<string, TimeSpan, TimeSpan>(
        LogLevel.Warning, new EventId(3, "RetryAfterTooLong"), "{Client}: the server asked to wait {RetryAfter}, more than MaxRetryAfter {MaxRetryAfter}; the call fails with the server's answer");

    private static readonly Action<ILogger, string, int, Exception?> RetriesExhaustedEvent = LoggerMessage.Define<string, int>(
        LogLevel.Warning, new EventId(4, "RetriesExhausted"), "{Client}: a call was throttled on all {Attempts} attempts; it fails with the server's answer");

    private static readonly Action<ILogger, string, RejectionReason, string, Exception?> RejectedEvent = LoggerMessage.Define<string, RejectionReason, string>(
        LogLevel.Warning, new EventId(5, "Rejected"), "{Client}: call rejected ({Reason}): {Message}");

    public static void ServerThrottled(ILogger logger, string client, RetryAfter retryAfter) => ServerThrottledEvent(logger, client, retryAfter, null);

    public static void CoolDownStarted(ILogger logger, string client, TimeSpan coolDown, bool fromServer) => CoolDownEvent(logger, client, coolDown, fromServer, null);

    public static void RetryAfterTooLong(ILogger logger, string client, TimeSpan retryAfter, TimeSpan max) => RetryAfterTooLongEvent(logger, client, retryAfter, max, null);

    public static void RetriesExhausted(ILogger logger, string client, int attempts) => RetriesExhaustedEvent(logger, client, attempts, null);

    public static void Rejected(ILogger logger, string client, RejectionReason reason, string message) => RejectedEvent(logger, client, reason, message, null);
}
