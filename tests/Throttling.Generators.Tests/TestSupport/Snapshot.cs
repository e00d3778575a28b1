using System.Text.RegularExpressions;

namespace Throttling.Generators.Tests;

/// <summary>
/// Compares generated source with its baseline in Snapshots/ (generator version scrubbed). Set
/// THROTTLING_UPDATE_SNAPSHOTS=1 to rewrite the baselines after an intended change, then review the diff.
/// </summary>
internal static partial class Snapshot
{
    public static void Match(string actual, string name)
    {
        string path = Path.Combine(Throttling.Testing.RepositoryRoot.Path, "tests", "Throttling.Generators.Tests", "Snapshots", name + ".g.cs");
        string scrubbed = VersionPattern().Replace(actual, "GeneratedCode(\"Throttling.Generators\", \"VERSION\")");
        if (Environment.GetEnvironmentVariable("THROTTLING_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, scrubbed);
            return;
        }

        Assert.True(File.Exists(path), $"No baseline at {path}; run with THROTTLING_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), scrubbed);
    }

    [GeneratedRegex("GeneratedCode\\(\"Throttling\\.Generators\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
