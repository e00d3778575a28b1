using System.Diagnostics;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Throttling.Generators;

namespace Throttling.GeneratorScale;

/// <summary>
/// Drives the generator in memory over the scale project the way the IDE does: a first run, then an edit to an
/// unrelated file, counting how many outputs were regenerated.
/// </summary>
internal static class IncrementalRun
{
    public static string Measure(IReadOnlyList<(string Path, string Text)> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Scale",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path)),
            Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(SlotsAttribute).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new ThrottledClientGenerator().AsSourceGenerator() },
            parseOptions: parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        var watch = Stopwatch.StartNew();
        driver = driver.RunGenerators(compilation);
        TimeSpan first = watch.Elapsed;
        int generated = driver.GetRunResult().GeneratedTrees.Length;

        SyntaxTree unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Unrelated.cs");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(ScaleProject.UnrelatedSource(1), parse, "Unrelated.cs"));
        watch.Restart();
        driver = driver.RunGenerators(edited);
        TimeSpan second = watch.Elapsed;

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var reasons = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .GroupBy(o => o.Reason)
            .ToDictionary(g => g.Key, g => g.Count());
        string summary = string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}"));
        return $"In memory: first run {first.TotalMilliseconds:0} ms generating {generated} files; after an edit to an unrelated file {second.TotalMilliseconds:0} ms, outputs: {summary}.";
    }
}
