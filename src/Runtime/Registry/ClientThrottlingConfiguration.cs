using System;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Throttling;

/// <summary>
/// Reads <see cref="ClientThrottlingOptions"/> from configuration section <c>Throttling:&lt;ClientName&gt;</c> by hand:
/// no reflection-based binder, so trimmed and AOT-compiled applications read it too. Durations are written as the
/// attributes write them (<c>"30s"</c>); a malformed one fails with its path.
/// </summary>
internal sealed class ClientThrottlingConfiguration : IConfigureNamedOptions<ClientThrottlingOptions>
{
    private readonly IConfiguration _throttling;

    public ClientThrottlingConfiguration(IConfiguration configuration) => _throttling = configuration.GetSection("Throttling");

    public void Configure(ClientThrottlingOptions options)
    {
        // Only named options carry overrides: the name is the client's.
    }

    public void Configure(string? name, ClientThrottlingOptions options)
    {
        if (name is null || name.Length == 0)
        {
            return;
        }

        IConfigurationSection client = _throttling.GetSection(name);
        options.Slots = ReadInt(client, "Slots") ?? options.Slots;
        options.QueueLimit = ReadInt(client, "QueueLimit") ?? options.QueueLimit;
        options.MaxWait = ReadDuration(client, "MaxWait") ?? options.MaxWait;
        options.MaxRetries = ReadInt(client, "MaxRetries") ?? options.MaxRetries;
        options.BaseDelay = ReadDuration(client, "BaseDelay") ?? options.BaseDelay;
        options.MaxDelay = ReadDuration(client, "MaxDelay") ?? options.MaxDelay;
        options.MaxRetryAfter = ReadDuration(client, "MaxRetryAfter") ?? options.MaxRetryAfter;
        options.RecordingDelayCap = ReadDuration(client, "RecordingDelayCap") ?? options.RecordingDelayCap;

        IConfigurationSection[] limits = client.GetSection("RateLimits").GetChildren().ToArray();
        if (limits.Length != 0)
        {
            options.RateLimits = limits.Select(ReadRateLimit).ToList();
        }
    }

    private static RateLimitOptions ReadRateLimit(IConfigurationSection limit) => new()
    {
        Permits = ReadInt(limit, "Permits") ?? throw new FormatException($"{limit.Path}:Permits is required."),
        Window = ReadDuration(limit, "Window") ?? throw new FormatException($"{limit.Path}:Window is required."),
        Kind = limit["Kind"] is { } kind ? ParseKind(limit.Path + ":Kind", kind) : RateLimitKind.SlidingWindow,
        Unit = limit["Unit"]?.Trim() ?? RateLimitPolicy.Requests,
    };

    private static TimeSpan? ReadDuration(IConfigurationSection section, string key)
        => section[key] is { } text ? Duration.Parse(text, $"{section.Path}:{key}") : null;

    private static int? ReadInt(IConfigurationSection section, string key)
    {
        string? text = section[key];
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"{section.Path}:{key}: \"{text}\" is not a whole number.");
    }

    private static RateLimitKind ParseKind(string path, string text)
    {
        int kind = Array.FindIndex(LimitRules.KindNames, name => string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase));
        return kind >= 0 ? (RateLimitKind)kind : throw new FormatException($"{path}: \"{text}\" is not a rate limit kind; use {LimitRules.KindChoices}.");
    }
}
