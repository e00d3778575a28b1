using System;
using System.Globalization;

namespace Throttling;

/// <summary>
/// The one parser of the durations written in attributes and configuration (<c>"500ms"</c>, <c>"1.5s"</c>,
/// <c>"1m"</c>, <c>"1h"</c>, <c>"1d"</c>). The generator, the analyzers and the runtime all compile this file,
/// so a value the compiler accepts is exactly a value the runtime accepts.
/// </summary>
internal static class Duration
{
    /// <summary>The accepted forms, as diagnostics and exceptions explain them.</summary>
    public const string AcceptedForms =
        "a positive number followed by ms, s, m, h or d, such as \"500ms\", \"1.5s\", \"1m\", \"1h\" or \"1d\"";

    /// <summary>Parses <paramref name="text"/>; false when it is not a positive duration that fits a <see cref="TimeSpan"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null || text.Length == 0)
        {
            return false;
        }

        int unitStart = 0;
        while (unitStart < text.Length && (IsDigit(text[unitStart]) || text[unitStart] == '.'))
        {
            unitStart++;
        }

        if (!TryGetTicksPerUnit(text.Substring(unitStart), out long ticksPerUnit)
            || !IsPlainNumber(text, unitStart)
            || !decimal.TryParse(text.Substring(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
        {
            return false;
        }

        // decimal keeps "1.5s" and "0.1s" exact; values past TimeSpan's range are rejected before the multiplication,
        // which would overflow decimal itself for a long enough number.
        if (number > (decimal)TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            return false;
        }

        decimal ticks = decimal.Round(number * ticksPerUnit, MidpointRounding.AwayFromZero);
        if (ticks <= 0 || ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> that names <paramref name="what"/>.</summary>
    public static TimeSpan Parse(string? text, string what)
    {
        if (TryParse(text, out TimeSpan value))
        {
            return value;
        }

        throw new FormatException($"{what}: \"{text}\" is not a duration; use {AcceptedForms}.");
    }

    /// <summary>Writes <paramref name="value"/> in the largest unit that keeps it whole, the way a user would type it.</summary>
    public static string Format(TimeSpan value)
    {
        long ticks = value.Ticks;
        if (ticks % TimeSpan.TicksPerDay == 0)
        {
            return Whole(ticks / TimeSpan.TicksPerDay, "d");
        }

        if (ticks % TimeSpan.TicksPerHour == 0)
        {
            return Whole(ticks / TimeSpan.TicksPerHour, "h");
        }

        if (ticks % TimeSpan.TicksPerMinute == 0)
        {
            return Whole(ticks / TimeSpan.TicksPerMinute, "m");
        }

        if (ticks % TimeSpan.TicksPerSecond == 0)
        {
            return Whole(ticks / TimeSpan.TicksPerSecond, "s");
        }

        decimal milliseconds = (decimal)ticks / TimeSpan.TicksPerMillisecond;
        return milliseconds.ToString("0.####", CultureInfo.InvariantCulture) + "ms";
    }

    private static string Whole(long count, string unit) => count.ToString(CultureInfo.InvariantCulture) + unit;

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    // At least one digit, at most one '.', and a digit on each side of it ("1.", ".5" and "1.2.3" are typos).
    private static bool IsPlainNumber(string text, int length)
    {
        int dot = text.IndexOf('.', 0, length);
        if (dot < 0)
        {
            return length > 0;
        }

        return dot > 0 && dot < length - 1 && text.IndexOf('.', dot + 1, length - dot - 1) < 0;
    }

    private static bool TryGetTicksPerUnit(string unit, out long ticksPerUnit)
    {
        ticksPerUnit = unit switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            "d" => TimeSpan.TicksPerDay,
            _ => 0,
        };
        return ticksPerUnit != 0;
    }
}
