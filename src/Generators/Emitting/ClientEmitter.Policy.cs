using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Throttling.Generators.Models;
using Throttling.Roslyn;

namespace Throttling.Generators.Emitting;

internal static partial class ClientEmitter
{
    private static void WritePolicy(SourceWriter writer, ClientModel client)
    {
        PolicyModel policy = client.Policy;
        writer.Line($"/// <summary>The limits declared on <see cref=\"{client.InterfaceCref}\"/>; configuration section <c>Throttling:{client.ClientName}</c> overrides them.</summary>");
        writer.Line($"public static global::Throttling.ThrottlingPolicy Policy {{ get; }} = new global::Throttling.ThrottlingPolicy(\"{client.ClientName}\")");
        writer.OpenBlock();
        if (policy.Slots is { } slots)
        {
            writer.Line("Slots = " + SlotPolicy(slots) + ",");
        }

        if (!policy.RateLimits.IsEmpty)
        {
            WriteArray(writer, "RateLimits = ", policy.RateLimits.Select(RateLimitPolicy));
        }

        if (policy.Backoff is { } backoff)
        {
            writer.Line("Backoff = " + BackoffPolicy(backoff) + ",");
        }

        if (!policy.Methods.IsEmpty)
        {
            WriteArray(writer, "Methods = ", policy.Methods.Select(MethodPolicy));
        }

        if (client.DetectsRefitExceptions || client.DetectsGrpcExceptions)
        {
            writer.Line("ExceptionDetector = IsThrottledException,");
        }

        if (client.DetectsRefitExceptions)
        {
            writer.Line("ResponseHeaders = ReadResponseHeaders,");
        }

        writer.Outdent();
        writer.Line("};");
    }

    private static void WriteArray(SourceWriter writer, string prefix, IEnumerable<string> items)
    {
        writer.Line(prefix + "new[]");
        writer.OpenBlock();
        foreach (string item in items)
        {
            writer.Line(item + ",");
        }

        writer.Outdent();
        writer.Line("},");
    }

    private static string SlotPolicy(SlotsValues slots)
    {
        var settings = new List<string>();
        if (slots.QueueLimit != int.MaxValue)
        {
            settings.Add("QueueLimit = " + Number(slots.QueueLimit));
        }

        if (slots.MaxWait is { } maxWait)
        {
            settings.Add("MaxWait = " + TimeSpanLiteral(maxWait));
        }

        if (slots.Adaptive)
        {
            settings.Add("Adaptive = true");
        }

        if (slots.MinSlots != 1)
        {
            settings.Add("MinSlots = " + Number(slots.MinSlots));
        }

        return $"new global::Throttling.SlotPolicy({Number(slots.Count)})" + Initializer(settings);
    }

    private static string RateLimitPolicy(RateLimitValues limit)
    {
        var settings = new List<string>();
        if (limit.Kind != 0)
        {
            settings.Add("Kind = global::Throttling.RateLimitKind." + LimitRules.KindNames[limit.Kind]);
        }

        if (limit.IsWeighted)
        {
            settings.Add("Unit = " + Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(limit.Unit, quote: true));
        }

        return $"new global::Throttling.RateLimitPolicy({Number(limit.Permits)}, {TimeSpanLiteral(limit.Window)})" + Initializer(settings);
    }

    private static string BackoffPolicy(BackoffValues backoff)
        => $"new global::Throttling.BackoffPolicy {{ MaxRetries = {Number(backoff.MaxRetries)}, BaseDelay = {TimeSpanLiteral(backoff.BaseDelay)}, " +
           $"MaxDelay = {TimeSpanLiteral(backoff.MaxDelay)}, MaxRetryAfter = {TimeSpanLiteral(backoff.MaxRetryAfter)} }}";

    private static string MethodPolicy(MethodPolicyModel method)
    {
        var settings = new List<string>();
        if (!method.RateLimits.IsEmpty)
        {
            settings.Add("RateLimits = new[] { " + string.Join(", ", method.RateLimits.Select(RateLimitPolicy)) + " }");
        }

        if (method.Backoff is { } backoff)
        {
            settings.Add("Backoff = " + BackoffPolicy(backoff));
        }

        return $"new global::Throttling.MethodPolicy(\"{method.Key}\")" + Initializer(settings);
    }

    private static string Initializer(List<string> settings) => settings.Count == 0 ? string.Empty : " { " + string.Join(", ", settings) + " }";

    /// <summary>A duration the way a person writes it: the largest unit that keeps it whole.</summary>
    private static string TimeSpanLiteral(TimeSpan duration)
    {
        long ticks = duration.Ticks;
        (long PerUnit, string Factory)[] units =
        {
            (System.TimeSpan.TicksPerDay, "FromDays"),
            (System.TimeSpan.TicksPerHour, "FromHours"),
            (System.TimeSpan.TicksPerMinute, "FromMinutes"),
            (System.TimeSpan.TicksPerSecond, "FromSeconds"),
            (System.TimeSpan.TicksPerMillisecond, "FromMilliseconds"),
        };
        foreach ((long perUnit, string factory) in units)
        {
            if (ticks % perUnit == 0)
            {
                return $"global::System.TimeSpan.{factory}({Number(ticks / perUnit)})";
            }
        }

        return $"global::System.TimeSpan.FromTicks({Number(ticks)})";
    }

    /// <summary>The policy in a sentence, for the class's summary.</summary>
    private static string Describe(PolicyModel policy)
    {
        var parts = new List<string>();
        if (policy.Slots is { } slots)
        {
            parts.Add($"at most {Number(slots.Count)} in flight");
        }

        parts.AddRange(policy.RateLimits.Select(l => $"at most {Number(l.Permits)} {(l.IsWeighted ? System.Security.SecurityElement.Escape(l.Unit) + " of the calls' costs" : "starts")} per {Duration.Format(l.Window)}"));
        int retries = policy.Backoff?.MaxRetries ?? BackoffDefaults.MaxRetries;
        parts.Add(retries == 0
            ? "calls the server throttles (HTTP 429) are not retried"
            : $"calls the server throttles (HTTP 429) are retried up to {Number(retries)} times, honoring Retry-After");
        return string.Join("; ", parts);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
