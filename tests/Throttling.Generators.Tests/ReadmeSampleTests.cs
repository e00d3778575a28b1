using System.Text.RegularExpressions;
using Throttling.Testing;

namespace Throttling.Generators.Tests;

/// <summary>The README's samples that are not a whole app compile as written, the generated client with them.</summary>
public partial class ReadmeSampleTests
{
    [Fact]
    public void The_cost_weighted_chat_client_compiles_as_written()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        int section = readme.IndexOf("\n## Cost-weighted limits\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "The README has no 'Cost-weighted limits' section.");
        string sample = CSharpBlock().Match(readme, section).Groups["code"].Value;
        Assert.Contains("[Cost] int maxTokens", sample, StringComparison.Ordinal);
        Assert.Contains("IReportsCost", sample, StringComparison.Ordinal);

        GeneratorRun run = GeneratorHarness.Run(sample);

        run.AssertCompilesCleanly();
        string client = run.Source("ThrottledChatClient.g.cs");
        Assert.Contains("RunWithCostAsync(global::Throttling.CallGate.Cost(maxTokens, nameof(maxTokens))", client, StringComparison.Ordinal);
        Assert.Contains("{ Unit = \"tokens\" }", client, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
