namespace Throttling;

/// <summary>
/// The rules that counts in attributes and configuration must obey. Compiled into the analyzers (THR101),
/// the generator and the runtime, so the compile-time check and the run-time check are the same check.
/// </summary>
internal static class LimitRules
{
    /// <summary>Slots and permits: at least one, or nothing could ever run.</summary>
    public static bool IsValidCount(int value) => value > 0;

    /// <summary>A queue limit of 0 is meaningful: never wait, fail fast when every slot is busy.</summary>
    public static bool IsValidQueueLimit(int value) => value >= 0;

    /// <summary>An adaptive limit's floor: at least one slot, at most all of them.</summary>
    public static bool IsValidMinSlots(int value, int count) => value >= 1 && value <= count;

    /// <summary>Zero retries is meaningful: honor cool-downs but hand every 429 straight back.</summary>
    public static bool IsValidRetryCount(int value) => value >= 0;

    /// <summary>The names of <c>RateLimitKind</c>'s values, by value: the one list the generator, the analyzers and configuration read.</summary>
    public static readonly string[] KindNames = { "SlidingWindow", "FixedWindow", "TokenBucket" };

    /// <summary>The kinds, as an error message offers them.</summary>
    public static readonly string KindChoices = string.Join(", ", KindNames, 0, KindNames.Length - 1) + " or " + KindNames[KindNames.Length - 1];

    /// <summary>Whether <paramref name="value"/> is a value of <c>RateLimitKind</c>.</summary>
    public static bool IsValidKind(int value) => value >= 0 && value < KindNames.Length;

    /// <summary>The unit of a limit that counts each call once; the default.</summary>
    public const string RequestsUnit = "requests";

    /// <summary>A limit's unit: a word, such as "tokens" or "credits".</summary>
    public static bool IsValidUnit(string? unit) => unit is not null && unit.Trim().Length != 0;

    /// <summary>Whether a limit of <paramref name="unit"/> counts calls rather than their costs.</summary>
    public static bool CountsRequests(string unit) => string.Equals(unit, RequestsUnit, System.StringComparison.OrdinalIgnoreCase);
}
