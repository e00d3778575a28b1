using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Throttling.Analyzers.Tests;

/// <summary>Every rule is documented, tracked, strict-mode aware and named for what it does.</summary>
public class RuleCatalogTests
{
    private static readonly DiagnosticAnalyzer[] Analyzers = typeof(DiagnosticIds).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToArray();

    private static readonly DiagnosticDescriptor[] Rules = Analyzers.SelectMany(a => a.SupportedDiagnostics).DistinctBy(d => d.Id).ToArray();

    public static TheoryData<string> Ids => new(typeof(DiagnosticIds).GetFields().Select(f => (string)f.GetValue(null)!));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_rule_has_its_page_its_release_entry_and_its_strict_mode_line(string id)
    {
        DiagnosticDescriptor rule = Assert.Single(Rules, r => r.Id == id);
        Assert.Equal($"{RepositoryUrl()}/blob/main/docs/rules/{id}.md", rule.HelpLinkUri);

        string page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "rules", id + ".md"));
        Assert.StartsWith($"# {id}: ", page, StringComparison.Ordinal);
        Assert.Contains("## Why", page, StringComparison.Ordinal);
        Assert.Contains("## Bad", page, StringComparison.Ordinal);
        Assert.Contains("## Good", page, StringComparison.Ordinal);

        Assert.Contains($"{id} | {rule.Category} | {rule.DefaultSeverity} |", File.ReadAllText(Path.Combine(RepoRoot(), "src", "Analyzers", "AnalyzerReleases.Unshipped.md")), StringComparison.Ordinal);
        Assert.Contains($"dotnet_diagnostic.{id}.severity = error", File.ReadAllText(Path.Combine(RepoRoot(), "src", "Analyzers", "build", "ThrottlingStrict.globalconfig")), StringComparison.Ordinal);
        Assert.Contains($"docs/rules/{id}.md", File.ReadAllText(Path.Combine(RepoRoot(), "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Analyzers_are_sealed_named_for_their_rule_and_skip_generated_code()
    {
        Assert.All(Analyzers, analyzer =>
        {
            Type type = analyzer.GetType();
            Assert.True(type.IsSealed, type.Name);
            Assert.EndsWith("Analyzer", type.Name, StringComparison.Ordinal);
            Assert.NotNull(type.GetCustomAttribute<DiagnosticAnalyzerAttribute>());
        });
    }

    // The address Directory.Build.props writes once, for the packages and the help links alike.
    private static string RepositoryUrl()
    {
        string props = File.ReadAllText(Path.Combine(RepoRoot(), "Directory.Build.props"));
        int start = props.IndexOf("<ThrottlingRepositoryUrl>", StringComparison.Ordinal) + "<ThrottlingRepositoryUrl>".Length;
        return props[start..props.IndexOf("</ThrottlingRepositoryUrl>", StringComparison.Ordinal)];
    }

    private static string RepoRoot() => Throttling.Testing.RepositoryRoot.Path;
}
