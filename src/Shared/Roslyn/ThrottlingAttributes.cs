using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>
/// Reads and validates Throttling attributes, for the generator (which emits nothing for a bad value) and the THR1xx
/// analyzer (which reports it). Values the compiler itself could not bind (code with errors) are left to the compiler.
/// </summary>
internal static class ThrottlingAttributes
{
    public static SlotsValues? ReadSlots(AttributeData attribute, List<AttributeProblem> problems)
    {
        int before = problems.Count;
        int count = Int(attribute, 0, "count", problems, LimitRules.IsValidCount, "Slots must be at least 1") ?? 1;
        int queueLimit = NamedInt(attribute, "QueueLimit", problems, LimitRules.IsValidQueueLimit, "QueueLimit must be 0 (never wait) or more") ?? int.MaxValue;
        TimeSpan? maxWait = NamedDuration(attribute, "MaxWait", problems);
        bool adaptive = NamedBool(attribute, "Adaptive");
        int minSlots = NamedInt(attribute, "MinSlots", problems, m => LimitRules.IsValidMinSlots(m, count), $"MinSlots must be from 1 to the slot count ({count.ToString(CultureInfo.InvariantCulture)})") ?? 1;
        return problems.Count == before && IsBound(attribute, 1) ? new SlotsValues(count, queueLimit, maxWait, adaptive, minSlots) : null;
    }

    public static RateLimitValues? ReadRateLimit(AttributeData attribute, List<AttributeProblem> problems)
    {
        int before = problems.Count;
        int permits = Int(attribute, 0, "permits", problems, LimitRules.IsValidCount, "Permits must be at least 1") ?? 1;
        TimeSpan? window = attribute.ConstructorArguments.Length > 1 ? Duration(attribute.ConstructorArguments[1], "window", 1, problems) : null;
        int kind = NamedInt(attribute, "Kind", problems, LimitRules.IsValidKind, "Kind must be " + LimitRules.KindChoices) ?? 0;
        string unit = NamedUnit(attribute, problems);
        return problems.Count == before && IsBound(attribute, 2) && window is { } length ? new RateLimitValues(permits, length, kind, unit) : null;
    }

    public static BackoffValues? ReadBackoff(AttributeData attribute, List<AttributeProblem> problems)
    {
        int before = problems.Count;
        int maxRetries = NamedInt(attribute, "MaxRetries", problems, LimitRules.IsValidRetryCount, "MaxRetries must be 0 or more") ?? BackoffDefaults.MaxRetries;
        TimeSpan baseDelay = NamedDuration(attribute, "BaseDelay", problems) ?? BackoffDefaults.BaseDelay;
        TimeSpan maxDelay = NamedDuration(attribute, "MaxDelay", problems) ?? BackoffDefaults.MaxDelay;
        TimeSpan maxRetryAfter = NamedDuration(attribute, "MaxRetryAfter", problems) ?? BackoffDefaults.MaxRetryAfter;
        return problems.Count == before ? new BackoffValues(maxRetries, baseDelay, maxDelay, maxRetryAfter) : null;
    }

    // The attribute bound to a constructor with this many arguments; otherwise the compiler reports the error.
    private static bool IsBound(AttributeData attribute, int arity)
        => attribute.AttributeConstructor is not null && attribute.ConstructorArguments.Length == arity;

    private static int? Int(AttributeData attribute, int index, string name, List<AttributeProblem> problems, Func<int, bool> isValid, string rule)
    {
        if (attribute.ConstructorArguments.Length <= index || attribute.ConstructorArguments[index].Value is not int value)
        {
            return null;
        }

        if (!isValid(value))
        {
            problems.Add(new AttributeProblem(isMalformedDuration: false, name, index, $"{rule}, not {value.ToString(CultureInfo.InvariantCulture)}"));
        }

        return value;
    }

    private static int? NamedInt(AttributeData attribute, string name, List<AttributeProblem> problems, Func<int, bool> isValid, string rule)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is int value)
            {
                if (!isValid(value))
                {
                    problems.Add(new AttributeProblem(isMalformedDuration: false, name, -1, $"{rule}, not {value.ToString(CultureInfo.InvariantCulture)}"));
                }

                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// What a <c>[RateLimit]</c> counts: "requests" unless its <c>Unit</c> names another; a blank unit (THR101) names
    /// nothing a server counts, and counts requests.
    /// </summary>
    public static string UnitOf(AttributeData rateLimit)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in rateLimit.NamedArguments)
        {
            if (argument.Key == "Unit" && argument.Value.Value is string unit && LimitRules.IsValidUnit(unit) && !LimitRules.CountsRequests(unit))
            {
                return unit;
            }
        }

        return LimitRules.RequestsUnit;
    }

    private static string NamedUnit(AttributeData attribute, List<AttributeProblem> problems)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            string? unit = argument.Value.Value as string;
            if (argument.Key == "Unit" && argument.Value.Kind != TypedConstantKind.Error && !LimitRules.IsValidUnit(unit))
            {
                string shown = unit is null ? "null" : "\"" + unit + "\"";
                problems.Add(new AttributeProblem(isMalformedDuration: false, "Unit", -1, $"Unit must be \"requests\" or a unit such as \"tokens\", not {shown}"));
            }
        }

        return UnitOf(attribute);
    }

    private static bool NamedBool(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is bool value)
            {
                return value;
            }
        }

        return false;
    }

    private static TimeSpan? NamedDuration(AttributeData attribute, string name, List<AttributeProblem> problems)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return Duration(argument.Value, name, -1, problems);
            }
        }

        return null;
    }

    private static TimeSpan? Duration(TypedConstant constant, string name, int index, List<AttributeProblem> problems)
    {
        if (constant.Kind == TypedConstantKind.Error)
        {
            return null;
        }

        string? text = constant.Value as string;
        if (Throttling.Duration.TryParse(text, out TimeSpan value))
        {
            return value;
        }

        string shown = text is null ? "null" : "\"" + text + "\"";
        problems.Add(new AttributeProblem(isMalformedDuration: true, name, index, $"{name} {shown} is not a duration; use {Throttling.Duration.AcceptedForms}"));
        return null;
    }
}
