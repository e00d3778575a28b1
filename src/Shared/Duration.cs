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

    /// <summary>
    /// <paramref name="value"/> as a person says it in a sentence, to a tenth of its unit: <c>527 ms</c>, <c>1.5 s</c>,
    /// <c>2 min</c>, <c>1.5 h</c>, <c>3 d</c>. For messages; <see cref="Format"/> writes what the parser reads back.
    /// </summary>
    public static string Describe(TimeSpan value)
    {
        double ms = Math.Abs(value.TotalMilliseconds);
        string sign = value < TimeSpan.Zero ? "-" : string.Empty;
        (double amount, string unit) = ms switch
        {
            // Each bound is where the smaller unit would round up to the next one (999.6 ms is "1 s", not "1000 ms").
            < 999.5 => (ms, "ms"),
            < 59_950 => (ms / 1_000, "s"),
            < 3_597_000 => (ms / 60_000, "min"),
            < 86_040_000 => (ms / 3_600_000, "h"),
            _ => (ms / 86_400_000, "d"),
        };
        string number = unit == "ms" ? Math.Round(amount).ToString("0", CultureInfo.InvariantCulture) : amount.ToString("0.#", CultureInfo.InvariantCulture);
        return sign + number + " " + unit;
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
