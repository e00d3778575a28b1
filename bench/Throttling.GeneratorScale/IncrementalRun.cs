using System.Diagnostics;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Throttling.Generators;

namespace Throttling.GeneratorScale;

/// <summary>
/// Drives the generator in memory over the scale project the way the IDE does: a first run, a run on a fresh
/// compilation once the generator's code is warm, then an edit to an unrelated file, counting how many outputs were
/// regenerated. Beside it, what binding the same attributes and signatures costs the compiler with no generator at all.
/// </summary>
internal static class IncrementalRun
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    public static string Measure(IReadOnlyList<(string Path, string Text)> sources)
    {
        var watch = Stopwatch.StartNew();
        GeneratorDriver driver = NewDriver().RunGenerators(Compile(sources));
        TimeSpan first = watch.Elapsed;

        CSharpCompilation compilation = Compile(sources);
        driver = NewDriver();
        watch.Restart();
        driver = driver.RunGenerators(compilation);
        TimeSpan warm = watch.Elapsed;
        int generated = driver.GetRunResult().GeneratedTrees.Length;

        SyntaxTree unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Unrelated.cs");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(ScaleProject.UnrelatedSource(1), Parse, "Unrelated.cs"));
        watch.Restart();
        driver = driver.RunGenerators(edited);
        TimeSpan second = watch.Elapsed;

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var reasons = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .GroupBy(o => o.Reason)
            .ToDictionary(g => g.Key, g => g.Count());
        string summary = string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}"));

        TimeSpan binding = BindingAlone(Compile(sources));
        return $"In memory, {generated} files: first run {Ms(first)} (cold), on a fresh compilation {Ms(warm)} (warm), after an edit to an unrelated file {Ms(second)} " +
            $"with outputs {summary}; the compiler binding the same attributes and signatures without the generator: {Ms(binding)}.";
    }

    private static CSharpCompilation Compile(IReadOnlyList<(string Path, string Text)> sources)
        => CSharpCompilation.Create(
            "Scale",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, Parse, s.Path)),
            Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(SlotsAttribute).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static CSharpGeneratorDriver NewDriver()
        => CSharpGeneratorDriver.Create(
            new[] { new ThrottledClientGenerator().AsSourceGenerator() },
            parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    // The work any build does anyway once the interfaces are compiled: their attributes and member signatures bound.
    private static TimeSpan BindingAlone(CSharpCompilation compilation)
    {
        var watch = Stopwatch.StartNew();
        foreach (INamedTypeSymbol type in compilation.Assembly.GlobalNamespace.GetNamespaceMembers().SelectMany(Types))
        {
            _ = type.GetAttributes();
            foreach (IMethodSymbol method in type.GetMembers().OfType<IMethodSymbol>())
            {
                _ = method.GetAttributes();
                _ = method.ReturnType;
                _ = method.Parameters.Select(p => p.Type).ToArray();
            }
        }

        return watch.Elapsed;
    }

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceSymbol ns)
        => ns.GetTypeMembers().Concat(ns.GetNamespaceMembers().SelectMany(Types));

    private static string Ms(TimeSpan time) => $"{time.TotalMilliseconds:0} ms";
}
