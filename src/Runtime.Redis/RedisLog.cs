using System;
using Microsoft.Extensions.Logging;

namespace Throttling.Redis;

/// <summary>The Redis store's log events: an outage and its end are each logged once, not per call.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 101, EventName = "BudgetStoreUnavailable", Level = LogLevel.Error, Message = "Redis (prefix {Prefix}) does not answer; until it does, {Mode}")]
    public static partial void Unavailable(ILogger logger, string prefix, string mode, Exception exception);

    [LoggerMessage(EventId = 102, EventName = "BudgetStoreRecovered", Level = LogLevel.Warning, Message = "Redis (prefix {Prefix}) answers again after {Outage}; budgets are shared again")]
    public static partial void Recovered(ILogger logger, string prefix, string outage);

    [LoggerMessage(EventId = 103, EventName = "SlotLeasesLost", Level = LogLevel.Warning, Message = "{Client}: {Lost} of its running calls lost their slot lease (it expired before it was renewed); other processes may start that many more calls")]
    public static partial void LeasesLost(ILogger logger, string client, int lost);
}
