using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace Throttling.PackageTests;

[Collection(nameof(PackedRepositoryGroup))]
public class PackageLayoutTests(PackedRepository packages)
{
    // What Roslyn 4.8 (the .NET 8 SDK, Visual Studio 17.8) loads; a newer reference would fail to load there.
    private static readonly Version OldestRoslyn = new(4, 8, 0, 0);
    private static readonly Version OldestHostSystemLibraries = new(8, 0, 0, 0);

    [Fact]
    public void Throttling_Analyzers_holds_exactly_the_analyzer_and_code_fix_assemblies_and_no_lib()
    {
        using ZipArchive package = packages.OpenPackage("Throttling.Analyzers");
        string[] assemblies = Assemblies(package);

        Assert.Equal(new[] { "analyzers/dotnet/cs/Throttling.Analyzers.dll", "analyzers/dotnet/cs/Throttling.CodeFixes.dll" }, assemblies);
        Assert.Contains(package.Entries, e => e.FullName == "buildTransitive/Throttling.Analyzers.targets");
        Assert.Contains(package.Entries, e => e.FullName == "buildTransitive/ThrottlingStrict.globalconfig");
        XElement metadata = Nuspec(package);
        Assert.Equal("true", Value(metadata, "developmentDependency"));
        AssertRoslynComponentsLoadInOldestHost(package, assemblies);
    }

    [Fact]
    public void Throttling_holds_the_runtime_for_each_target_the_generator_and_depends_on_the_analyzers()
    {
        using ZipArchive package = packages.OpenPackage("Throttling");
        string[] assemblies = Assemblies(package);

        Assert.Equal(
            new[] { "analyzers/dotnet/cs/Throttling.Generators.dll", "lib/net8.0/Throttling.dll", "lib/netstandard2.0/Throttling.dll" },
            assemblies);
        AssertRoslynComponentsLoadInOldestHost(package, assemblies.Where(a => a.StartsWith("analyzers/", StringComparison.Ordinal)));

        XElement metadata = Nuspec(package);
        XElement[] groups = metadata.Descendants().Where(e => e.Name.LocalName == "group").ToArray();
        Assert.Equal(2, groups.Length);
        Assert.All(groups, group =>
        {
            XElement analyzers = group.Elements().Single(e => (string?)e.Attribute("id") == "Throttling.Analyzers");
            Assert.Equal(packages.Version, (string?)analyzers.Attribute("version"));
            Assert.DoesNotContain("Analyzers", (string?)analyzers.Attribute("exclude") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("rate-limiting", Value(metadata, "tags"), StringComparison.Ordinal);
        Assert.NotNull(metadata.Descendants().SingleOrDefault(e => e.Name.LocalName == "repository"));
        Assert.Contains(package.Entries, e => e.FullName == "README.md");
        Assert.True(File.Exists(Path.Combine(packages.Feed, $"Throttling.{packages.Version}.snupkg")), "symbols package");
    }

    [Fact]
    public void Throttling_Redis_holds_its_runtime_and_depends_on_this_Throttling_with_nothing_excluded()
    {
        using ZipArchive package = packages.OpenPackage("Throttling.Redis");

        Assert.Equal(new[] { "lib/net8.0/Throttling.Redis.dll" }, Assemblies(package));
        XElement metadata = Nuspec(package);
        XElement[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToArray();
        XElement throttling = dependencies.Single(e => (string?)e.Attribute("id") == "Throttling");
        Assert.Equal(packages.Version, (string?)throttling.Attribute("version"));
        Assert.Null(throttling.Attribute("exclude"));
        Assert.Contains(dependencies, e => (string?)e.Attribute("id") == "StackExchange.Redis");
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Contains("redis", Value(metadata, "tags"), StringComparison.Ordinal);
        Assert.Contains(package.Entries, e => e.FullName == "README.md");
    }

    private static string[] Assemblies(ZipArchive package)
        => package.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    private static XElement Nuspec(ZipArchive package)
    {
        using Stream stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name)
        => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    // No Roslyn assembly is shipped, and nothing is referenced that the oldest supported compiler does not provide.
    private static void AssertRoslynComponentsLoadInOldestHost(ZipArchive package, IEnumerable<string> assemblies)
    {
        foreach (string path in assemblies)
        {
            Assert.DoesNotContain("Microsoft.CodeAnalysis", Path.GetFileName(path), StringComparison.Ordinal);
            using var buffer = new MemoryStream();
            using (Stream entry = package.GetEntry(path)!.Open())
            {
                entry.CopyTo(buffer);
            }

            buffer.Position = 0;
            using var reader = new PEReader(buffer);
            MetadataReader metadata = reader.GetMetadataReader();
            foreach (AssemblyReference reference in metadata.AssemblyReferences.Select(metadata.GetAssemblyReference))
            {
                string name = metadata.GetString(reference.Name);
                if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                {
                    Assert.True(reference.Version <= OldestRoslyn, $"{path} references {name} {reference.Version}");
                }
                else if (name.StartsWith("System.", StringComparison.Ordinal) && name != "System.Runtime")
                {
                    Assert.True(reference.Version < OldestHostSystemLibraries, $"{path} references {name} {reference.Version}");
                }
            }
        }
    }
}

[CollectionDefinition(nameof(PackedRepositoryGroup))]
public sealed class PackedRepositoryGroup : ICollectionFixture<PackedRepository>
{
}
