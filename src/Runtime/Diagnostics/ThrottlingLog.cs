using System;
using Microsoft.Extensions.Logging;

namespace Throttling;

/// <summary>
/// The log events of throttled clients, category <c>Throttling</c>, event ids 1–6. Durations read as people say them
/// (<c>527 ms</c>, <c>3 s</c>); the structured values carry the client's name first. Each wrapper asks the logger first,
/// so a 429 formats nothing when nobody listens; <c>Rejected</c>'s caller asks before its log gate does.
/// </summary>
internal static partial class ThrottlingLog
{
    [LoggerMessage(EventId = 1, EventName = "ServerThrottled", Level = LogLevel.Information, Message = "{Client}: the server throttled a call ({RetryAfter})")]
    private static partial void ServerThrottled(ILogger logger, string client, string retryAfter);

    [LoggerMessage(EventId = 2, EventName = "CoolDownStarted", Level = LogLevel.Warning, Message = "{Client}: new calls pause for {CoolDown}, {Because}")]
    private static partial void CoolDownStarted(ILogger logger, string client, string coolDown, string because);

    [LoggerMessage(EventId = 3, EventName = "RetryAfterTooLong", Level = LogLevel.Warning, Message = "{Client}: the server asked to wait {RetryAfter}, more than MaxRetryAfter ({MaxRetryAfter}); the call fails with the server's answer, and the client's calls fail fast until then")]
    private static partial void RetryAfterTooLong(ILogger logger, string client, string retryAfter, string maxRetryAfter);

    [LoggerMessage(EventId = 4, EventName = "RetriesExhausted", Level = LogLevel.Warning, Message = "{Client}: a call was throttled on {Attempts}; it fails with the server's answer")]
    private static partial void RetriesExhausted(ILogger logger, string client, string attempts);

    [LoggerMessage(EventId = 5, EventName = "Rejected", Level = LogLevel.Warning, Message = "{Client} rejected a call: {Detail}{Suppressed}")]
    private static partial void Rejected(ILogger logger, string client, string detail, string suppressed);

    [LoggerMessage(EventId = 6, EventName = "ServerLimitsLearned", Level = LogLevel.Information, Message = "{Client}: the server declared its limits; besides the attributes' own, calls now keep to {Limits}")]
    private static partial void ServerLimitsLearnedCore(ILogger logger, string client, string limits);

    public static void ServerLimitsLearned(ILogger logger, string client, string limits)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            ServerLimitsLearnedCore(logger, client, limits.Length == 0 ? "none (the attributes' are stricter)" : limits);
        }
    }

    public static void ServerThrottled(ILogger logger, string client, RetryAfter retryAfter)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            ServerThrottled(logger, client, retryAfter.IsSpecified ? "Retry-After " + retryAfter : "no Retry-After");
        }
    }

    public static void CoolDownStarted(ILogger logger, string client, TimeSpan coolDown, bool fromServer)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            CoolDownStarted(logger, client, Duration.Describe(coolDown), fromServer ? "as the server asked" : "backing off (the server gave no Retry-After)");
        }
    }

    public static void RetryAfterTooLong(ILogger logger, string client, TimeSpan retryAfter, TimeSpan max)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            RetryAfterTooLong(logger, client, Duration.Describe(retryAfter), Duration.Describe(max));
        }
    }

    public static void RetriesExhausted(ILogger logger, string client, int attempts)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            RetriesExhausted(logger, client, attempts == 1 ? "its only attempt" : $"all {attempts} attempts");
        }
    }

    // `suppressed`: the rejections since the last one logged, which were not (one report per interval under overload).
    public static void Rejected(ILogger logger, string client, string detail, int suppressed)
        => Rejected(logger, client, detail, suppressed switch
        {
            0 => string.Empty,
            1 => " (1 more call was rejected since the last report)",
            _ => $" ({suppressed} more calls were rejected since the last report)",
        });
}
