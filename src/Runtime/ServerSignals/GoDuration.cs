using System;
using System.Globalization;

namespace Throttling;

/// <summary>
/// Durations as Go prints them, which is how OpenAI writes its rate-limit resets: <c>6m0s</c>, <c>1h2m3.5s</c>,
/// <c>120ms</c>, <c>0s</c>. Units h, m, s, ms, us and ns, each with an optional decimal fraction; no sign.
/// </summary>
internal static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        decimal ticks = 0;
        int position = 0;
        if (text.Length == 0 || text.Length > 64)
        {
            return false;
        }

        while (position < text.Length)
        {
            int start = position;
            while (position < text.Length && (char.IsDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            if (position == start || !decimal.TryParse(text.Substring(start, position - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
            {
                return false;
            }

            int unitStart = position;
            while (position < text.Length && char.IsLetter(text[position]))
            {
                position++;
            }

            decimal? ticksPerUnit = text.Substring(unitStart, position - unitStart) switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => 10,
                "ns" => 0.01m,
                _ => null,
            };
            if (ticksPerUnit is not { } unit || amount > 1_000_000_000m)
            {
                return false;
            }

            ticks += amount * unit;
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
