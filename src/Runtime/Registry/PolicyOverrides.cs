using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Options;

namespace Throttling;

/// <summary>
/// Applies a client's <see cref="ClientThrottlingOptions"/> to its compiled-in policy: how a deployment moves to a plan
/// with more slots without recompiling. Every value is checked first, and each error names the configuration path of
/// the value and what is allowed, so that the start-up check and the registry say the same thing.
/// </summary>
internal static class PolicyOverrides
{
    /// <summary>What is wrong with <paramref name="overrides"/> for <paramref name="compiled"/>; empty when nothing is.</summary>
    public static List<string> Check(ThrottlingPolicy compiled, ClientThrottlingOptions overrides)
    {
        string section = "Throttling:" + compiled.Name;
        var errors = new List<string>();
        if (overrides.Slots is { } slots && !LimitRules.IsValidCount(slots))
        {
            errors.Add($"{section}:Slots is {slots}; it must be 1 or more.");
        }

        if (overrides.QueueLimit is { } queueLimit && !LimitRules.IsValidQueueLimit(queueLimit))
        {
            errors.Add($"{section}:QueueLimit is {queueLimit}; it must be 0 or more.");
        }

        if ((overrides.QueueLimit is not null || overrides.MaxWait is not null) && overrides.Slots is null && compiled.Slots is null)
        {
            errors.Add($"{section}: QueueLimit and MaxWait need Slots, and {compiled.Name} has none; set {section}:Slots too.");
        }

        Positive(errors, section + ":MaxWait", overrides.MaxWait);
        for (int i = 0; i < (overrides.RateLimits?.Count ?? 0); i++)
        {
            RateLimitOptions limit = overrides.RateLimits![i];
            if (!LimitRules.IsValidCount(limit.Permits))
            {
                errors.Add($"{section}:RateLimits:{i}:Permits is {limit.Permits}; it must be 1 or more.");
            }

            Positive(errors, $"{section}:RateLimits:{i}:Window", limit.Window);
            if (!LimitRules.IsValidKind((int)limit.Kind))
            {
                errors.Add($"{section}:RateLimits:{i}:Kind is {(int)limit.Kind}; use {LimitRules.KindChoices}.");
            }

            if (!LimitRules.IsValidUnit(limit.Unit))
            {
                errors.Add($"{section}:RateLimits:{i}:Unit is empty; use \"requests\" or a unit such as \"tokens\".");
            }
        }

        if (overrides.MaxRetries is { } retries && !LimitRules.IsValidRetryCount(retries))
        {
            errors.Add($"{section}:MaxRetries is {retries}; it must be 0 or more.");
        }

        Positive(errors, section + ":BaseDelay", overrides.BaseDelay);
        Positive(errors, section + ":MaxDelay", overrides.MaxDelay);
        Positive(errors, section + ":MaxRetryAfter", overrides.MaxRetryAfter);
        if (overrides.RecordingDelayCap < TimeSpan.Zero)
        {
            errors.Add($"{section}:RecordingDelayCap is {Show(overrides.RecordingDelayCap.Value)}; it must be zero or more.");
        }

        return errors;
    }

    /// <summary><paramref name="compiled"/> with the values <paramref name="overrides"/> sets replacing its own.</summary>
    /// <exception cref="OptionsValidationException">A value is out of range; the message names its configuration path.</exception>
    public static ThrottlingPolicy Apply(ThrottlingPolicy compiled, ClientThrottlingOptions overrides)
    {
        List<string> errors = Check(compiled, overrides);
        if (errors.Count != 0)
        {
            throw new OptionsValidationException(compiled.Name, typeof(ClientThrottlingOptions), errors);
        }

        SlotPolicy? slots = compiled.Slots;
        if (overrides.Slots is not null || overrides.QueueLimit is not null || overrides.MaxWait is not null)
        {
            slots = new SlotPolicy(overrides.Slots ?? compiled.Slots!.Count)
            {
                QueueLimit = overrides.QueueLimit ?? compiled.Slots?.QueueLimit ?? int.MaxValue,
                MaxWait = overrides.MaxWait ?? compiled.Slots?.MaxWait,
                Adaptive = compiled.Slots?.Adaptive ?? false,
                MinSlots = Math.Min(compiled.Slots?.MinSlots ?? 1, overrides.Slots ?? compiled.Slots!.Count),
            };
        }

        IReadOnlyList<RateLimitPolicy> rateLimits = overrides.RateLimits is { } limits
            ? limits.Select(limit => new RateLimitPolicy(limit.Permits, limit.Window) { Kind = limit.Kind, Unit = limit.Unit }).ToArray()
            : compiled.RateLimits;

        BackoffPolicy backoff = compiled.Backoff;
        if (overrides.MaxRetries is not null || overrides.BaseDelay is not null || overrides.MaxDelay is not null || overrides.MaxRetryAfter is not null)
        {
            backoff = new BackoffPolicy
            {
                MaxRetries = overrides.MaxRetries ?? backoff.MaxRetries,
                BaseDelay = overrides.BaseDelay ?? backoff.BaseDelay,
                MaxDelay = overrides.MaxDelay ?? backoff.MaxDelay,
                MaxRetryAfter = overrides.MaxRetryAfter ?? backoff.MaxRetryAfter,
            };
        }

        return new ThrottlingPolicy(compiled.Name)
        {
            Slots = slots,
            RateLimits = rateLimits,
            Backoff = backoff,
            Methods = compiled.Methods,
            ExceptionDetector = compiled.ExceptionDetector,
            ResponseHeaders = compiled.ResponseHeaders,
            RecordingDelayCap = overrides.RecordingDelayCap ?? compiled.RecordingDelayCap,
        };
    }

    private static void Positive(List<string> errors, string path, TimeSpan? value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{path} is {Show(value.Value)}; it must be positive.");
        }
    }

    private static string Show(TimeSpan value) => value == TimeSpan.Zero ? "0" : Duration.Format(value);
}
