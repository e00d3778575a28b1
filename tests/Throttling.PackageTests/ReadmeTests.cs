using System.Text.RegularExpressions;

namespace Throttling.PackageTests;

/// <summary>
/// The README's Quick start, done as a newcomer does it: its shell lines run one by one in an empty folder, its
/// <c>Program.cs</c> replaces the template's, and the app builds without a warning and runs, against the packed packages.
/// </summary>
[Collection(nameof(PackedRepositoryGroup))]
public partial class ReadmeTests(PackedRepository packages)
{
    [Fact]
    public void The_Quick_start_builds_and_runs_as_written()
    {
        string section = Section(File.ReadAllText(Path.Combine(packages.RepoRoot, "README.md")), "## Quick start");
        string[] shell = Blocks(section, "bash").SelectMany(b => b.Split('\n')).Where(l => l.Trim().Length != 0).ToArray();
        string program = Assert.Single(Blocks(section, "csharp"));
        Assert.Contains(shell, l => l.Contains("dotnet add package Throttling", StringComparison.Ordinal));

        string directory = packages.CreateWorkspace("Readme");
        foreach (string line in shell)
        {
            directory = RunLine(directory, line);
        }

        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        (int build, string output) = DotNet.Run(directory, "build", "-nologo");
        Assert.True(build == 0, output);
        Assert.DoesNotMatch(WarningOtherThanRestore(), output);

        // What the README says a line prints, in the comment after it, is what it prints.
        (int run, string printed) = DotNet.Run(directory, "run", "--no-build");
        Assert.True(run == 0, printed);
        string[] promised = PrintedComment().Matches(program).Select(m => m.Groups["text"].Value.Trim()).ToArray();
        Assert.NotEmpty(promised);
        Assert.All(promised, text => Assert.Contains(text, printed, StringComparison.Ordinal));
    }

    // One line of the README's shell block: commands joined by &&, each `cd` or `dotnet …`, a comment after #.
    private string RunLine(string directory, string line)
    {
        string command = line.Split('#')[0];
        foreach (string step in command.Split("&&", StringSplitOptions.TrimEntries))
        {
            string[] words = step.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "cd")
            {
                directory = Path.Combine(directory, words[1]);
                continue;
            }

            Assert.Equal("dotnet", words[0]);
            string[] arguments = words[1..];
            if (arguments is ["add", "package", "Throttling"])
            {
                // The packages under test are a prerelease on the local feed: name it, or the registry's would win.
                arguments = [.. arguments, "--version", packages.Version];
            }

            (int exit, string output) = DotNet.Run(directory, arguments);
            Assert.True(exit == 0, $"{step}\n{output}");
        }

        return directory;
    }

    private static string Section(string markdown, string heading)
    {
        int start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The README has no '{heading}' section.");
        int end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static IEnumerable<string> Blocks(string markdown, string language)
        => CodeBlock().Matches(markdown).Where(m => m.Groups["language"].Value == language).Select(m => m.Groups["code"].Value);

    [GeneratedRegex(@"^```(?<language>\w+)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^Console\.WriteLine\(.*\);\s*//(?<text>.*)$", RegexOptions.Multiline)]
    private static partial Regex PrintedComment();

    // NU1603 (a nearby version restored) is the package feed's doing, not the sample's.
    [GeneratedRegex(@"warning (?!NU1603)[A-Z]+\d+")]
    private static partial Regex WarningOtherThanRestore();
}
