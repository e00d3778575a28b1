using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http.Headers;

namespace Throttling;

/// <summary>
/// Reads what a response says about the server's limits, in every header family servers use:
/// <list type="bullet">
/// <item>the IETF fields (draft-ietf-httpapi-ratelimit-headers): <c>RateLimit-Policy: "burst";q=100;w=60</c> and
/// <c>RateLimit: "burst";r=12;t=20</c>, RFC 8941 lists, linked by their keys;</item>
/// <item>the separate fields of its earlier drafts and of GitHub, X and most gateways: <c>RateLimit-Limit</c>,
/// <c>X-RateLimit-Limit</c>, <c>X-Rate-Limit-Limit</c> with <c>-Remaining</c> and <c>-Reset</c> (seconds from now, or an
/// epoch second when it is one);</item>
/// <item>OpenAI's <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c>, resets written like <c>6m0s</c> or <c>120ms</c>;</item>
/// <item>Anthropic's <c>anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}</c>, resets in RFC 3339.</item>
/// </list>
/// A field that does not parse, or contradicts itself (more remaining than its limit, a negative count, a reset in the
/// past or beyond a year), is ignored; nothing here throws on what a server sent.
/// </summary>
internal static class RateLimitHeaders
{
    private static readonly TimeSpan LongestReset = TimeSpan.FromDays(366);
    private static readonly decimal LongestResetSeconds = (decimal)LongestReset.TotalSeconds;

    // Epoch seconds start with ten digits; a delta that large (31 years) would be ignored anyway.
    private const long FirstEpochSecond = 1_000_000_000;

    /// <summary>The limits <paramref name="headers"/> describe; null when they describe none.</summary>
    /// <param name="headers">The response's headers.</param>
    /// <param name="utcNow">Now, for resets given as dates; the response's own <c>Date</c> is used when it has one.</param>
    public static ServerLimits? Read(HttpResponseHeaders? headers, DateTimeOffset utcNow)
    {
        if (headers is null)
        {
            return null;
        }

        Dictionary<string, string>? fields = Collect(headers);
        if (fields is null)
        {
            return null;
        }

        DateTimeOffset sent = headers.Date ?? utcNow;
        var limits = new ServerLimits();
        ReadIetf(fields, limits);
        foreach (string prefix in SeparateFieldPrefixes)
        {
            ReadSeparate(fields, prefix, "", ServerQuotaUnit.Requests, sent, limits);
        }

        ReadSeparate(fields, "x-ratelimit-", "-requests", ServerQuotaUnit.Requests, sent, limits);
        ReadSeparate(fields, "x-ratelimit-", "-tokens", ServerQuotaUnit.Tokens, sent, limits);
        ReadAnthropic(fields, "requests", ServerQuotaUnit.Requests, sent, limits);
        ReadAnthropic(fields, "tokens", ServerQuotaUnit.Tokens, sent, limits);
        return limits.IsEmpty ? null : limits;
    }

    private static readonly string[] SeparateFieldPrefixes = { "ratelimit-", "x-ratelimit-", "x-rate-limit-" };

    // One pass over the response's headers, keeping only the rate-limit families, names lower-cased, repeated field
    // lines joined with ", " as HTTP does (RFC 9110 §5.3).
    private static Dictionary<string, string>? Collect(HttpResponseHeaders headers)
    {
        Dictionary<string, string>? fields = null;
#if NET6_0_OR_GREATER
        foreach (KeyValuePair<string, HeaderStringValues> header in headers.NonValidated)
        {
            if (IsRateLimitField(header.Key))
            {
                fields ??= new Dictionary<string, string>(StringComparer.Ordinal);
                fields[header.Key.ToLowerInvariant()] = string.Join(", ", header.Value);
            }
        }
#else
        foreach (KeyValuePair<string, IEnumerable<string>> header in headers)
        {
            if (IsRateLimitField(header.Key))
            {
                fields ??= new Dictionary<string, string>(StringComparer.Ordinal);
                fields[header.Key.ToLowerInvariant()] = string.Join(", ", header.Value);
            }
        }
#endif
        return fields;
    }

    private static bool IsRateLimitField(string name)
        => name.StartsWith("ratelimit", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("x-rate-limit-", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase);

    // RateLimit-Policy names each policy's quota q, window w and unit qu; RateLimit gives, per policy key, what remains (r)
    // and when it resets (t), both in seconds and integers.
    private static void ReadIetf(Dictionary<string, string> fields, ServerLimits limits)
    {
        var policies = new Dictionary<string, (long Quota, TimeSpan? Window, ServerQuotaUnit? Unit)>(StringComparer.Ordinal);
        if (fields.TryGetValue("ratelimit-policy", out string? policyField) && StructuredFieldList.TryParse(policyField, out List<StructuredItem> declared))
        {
            foreach (StructuredItem policy in declared)
            {
                if (KeyOf(policy) is not { } key || policy.Parameter("q") is not long quota || quota <= 0 || policies.ContainsKey(key))
                {
                    continue;
                }

                TimeSpan? window = policy.Parameter("w") is long seconds && seconds > 0 && TryDelta(seconds, out TimeSpan w) ? w : null;
                ServerQuotaUnit? unit = UnitOf(policy.Parameter("qu"));
                policies.Add(key, (quota, window, unit));
                if (unit == ServerQuotaUnit.Requests && window is { } length && quota <= int.MaxValue)
                {
                    limits.Policies.Add(new RateLimitPolicy((int)quota, length));
                }
            }
        }

        if (!fields.TryGetValue("ratelimit", out string? stateField) || !StructuredFieldList.TryParse(stateField, out List<StructuredItem> states))
        {
            return;
        }

        foreach (StructuredItem state in states)
        {
            if (KeyOf(state) is not { } key || state.Parameter("r") is not long remaining || remaining < 0)
            {
                continue;
            }

            policies.TryGetValue(key, out (long Quota, TimeSpan? Window, ServerQuotaUnit? Unit) policy);
            bool declaredPolicy = policy.Quota > 0;
            if (policy.Unit is null && declaredPolicy)
            {
                // A policy whose unit this client does not count in (content-bytes, concurrent-requests).
                continue;
            }

            if (declaredPolicy && remaining > policy.Quota)
            {
                continue;
            }

            // Without t the count resets within the policy's window at the latest.
            TimeSpan? reset = state.Parameter("t") switch
            {
                long seconds when seconds >= 0 => TryDelta(seconds, out TimeSpan t) ? t : null,
                null => policy.Window,
                _ => null,
            };
            if (reset is { } resetIn)
            {
                limits.Add(policy.Unit ?? ServerQuotaUnit.Requests, new ServerQuota(remaining, resetIn, declaredPolicy ? policy.Quota : null, policy.Window));
            }
        }
    }

    private static string? KeyOf(StructuredItem item) => item.Value switch
    {
        string text => text,
        StructuredToken token => token.Text,
        _ => null,
    };

    // The IETF draft's units; requests when none is named. Null for a unit no limit of ours counts.
    private static ServerQuotaUnit? UnitOf(object? unit) => unit switch
    {
        null => ServerQuotaUnit.Requests,
        string text => UnitNamed(text),
        StructuredToken token => UnitNamed(token.Text),
        _ => null,
    };

    private static ServerQuotaUnit? UnitNamed(string name) => name switch
    {
        "requests" => ServerQuotaUnit.Requests,
        "tokens" => ServerQuotaUnit.Tokens,
        _ => null,
    };

    // {prefix}limit{suffix}, {prefix}remaining{suffix}, {prefix}reset{suffix}: the reset in seconds, an epoch second, or
    // (OpenAI's) a duration like 6m0s.
    private static void ReadSeparate(Dictionary<string, string> fields, string prefix, string suffix, ServerQuotaUnit unit, DateTimeOffset sent, ServerLimits limits)
    {
        if (!fields.TryGetValue(prefix + "remaining" + suffix, out string? remainingText)
            || !fields.TryGetValue(prefix + "reset" + suffix, out string? resetText)
            || !TryCount(remainingText, out long remaining))
        {
            return;
        }

        if (TryLimit(fields, prefix + "limit" + suffix, remaining, out long? limit) && TryReset(resetText, sent, out TimeSpan reset))
        {
            limits.Add(unit, new ServerQuota(remaining, reset, limit, null));
        }
    }

    private static void ReadAnthropic(Dictionary<string, string> fields, string kind, ServerQuotaUnit unit, DateTimeOffset sent, ServerLimits limits)
    {
        string prefix = "anthropic-ratelimit-" + kind + "-";
        if (!fields.TryGetValue(prefix + "remaining", out string? remainingText)
            || !fields.TryGetValue(prefix + "reset", out string? resetText)
            || !TryCount(remainingText, out long remaining)
            || !DateTimeOffset.TryParse(resetText.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset resetAt))
        {
            return;
        }

        if (TryLimit(fields, prefix + "limit", remaining, out long? limit) && TryUntil(resetAt, sent, out TimeSpan reset))
        {
            limits.Add(unit, new ServerQuota(remaining, reset, limit, null));
        }
    }

    // The limit beside a remaining count, when there is one; false when it does not read, or is below what remains,
    // which makes the whole set of fields suspect.
    private static bool TryLimit(Dictionary<string, string> fields, string name, long remaining, out long? limit)
    {
        limit = null;
        if (!fields.TryGetValue(name, out string? text))
        {
            return true;
        }

        if (!TryCount(text, out long declared) || declared < remaining || declared == 0)
        {
            return false;
        }

        limit = declared;
        return true;
    }

    private static bool TryCount(string text, out long count)
        => long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out count);

    private static bool TryReset(string text, DateTimeOffset sent, out TimeSpan reset)
    {
        text = text.Trim();
        reset = default;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            return seconds >= FirstEpochSecond
                ? TryUntil(DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253_402_300_799)), sent, out reset)
                : TryDelta(seconds, out reset);
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal fraction) && fraction < LongestResetSeconds)
        {
            reset = TimeSpan.FromTicks((long)(fraction * TimeSpan.TicksPerSecond));
            return true;
        }

        return GoDuration.TryParse(text, out reset) && reset <= LongestReset;
    }

    private static bool TryDelta(long seconds, out TimeSpan delta)
    {
        delta = seconds <= LongestResetSeconds ? TimeSpan.FromSeconds(seconds) : default;
        return seconds <= LongestResetSeconds;
    }

    // A reset named as a moment: how long after the response it is. One already past is not a reset to wait for.
    private static bool TryUntil(DateTimeOffset resetAt, DateTimeOffset sent, out TimeSpan reset)
    {
        reset = resetAt >= sent ? resetAt - sent : default;
        return resetAt >= sent && reset <= LongestReset;
    }
}
