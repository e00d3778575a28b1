using System.Globalization;
using System.Text.RegularExpressions;

namespace Throttling.PackageTests;

/// <summary>The THR warnings a consumer's build printed for its Program.cs, each once (a build lists them twice).</summary>
internal static partial class BuildWarnings
{
    /// <summary>Each warning's id and place, one-based as the build writes it.</summary>
    public static (string Id, int Line, int Column)[] Thr(string buildOutput)
        => ThrWarning().Matches(buildOutput)
            .Select(m => (m.Groups["id"].Value, int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["column"].Value, CultureInfo.InvariantCulture)))
            .Distinct()
            .ToArray();

    [GeneratedRegex(@"Program\.cs\((?<line>\d+),(?<column>\d+)\): warning (?<id>THR\d+)")]
    private static partial Regex ThrWarning();
}
