using System.IO.Compression;

namespace Throttling.PackageTests;

/// <summary>
/// Packs Throttling, Throttling.Analyzers and Throttling.Redis once per test run, under a version of its own so that no package cached by
/// an earlier run can stand in for the code under test, and builds a consumer project against them.
/// </summary>
public sealed class PackedRepository : IDisposable
{
    public PackedRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "throttling-package-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Feed = Path.Combine(Root, "feed");
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        RepoRoot = Throttling.Testing.RepositoryRoot.Path;
        foreach (string project in new[] { "src/Analyzers/Throttling.Analyzers.csproj", "src/Runtime/Throttling.csproj", "src/Runtime.Redis/Throttling.Redis.csproj" })
        {
            (int exit, string output) = DotNet.Run(RepoRoot, "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version, "-nologo");
            Assert.True(exit == 0, output);
        }
    }

    public string Root { get; }

    public string Feed { get; }

    public string Version { get; }

    public string RepoRoot { get; }

    public ZipArchive OpenPackage(string id) => ZipFile.OpenRead(Path.Combine(Feed, $"{id}.{Version}.nupkg"));

    /// <summary>Writes a consumer project with its own nuget.config: the local feed, then the registry for the rest.</summary>
    public string CreateConsumer(string name, string program, string package = "Throttling")
    {
        string directory = CreateWorkspace(name);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package}" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    /// <summary>
    /// An empty folder whose projects restore from the local feed first, then the registry, and see none of the
    /// repository's Directory.Build.* files.
    /// </summary>
    public string CreateWorkspace(string name)
    {
        string directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);

        // Outside the repository, so none of its Directory.Build.* or global.json applies.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />");
        return directory;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A locked file in the temp folder is not worth failing the run for.
        }
    }
}
