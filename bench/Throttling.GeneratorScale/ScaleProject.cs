using System.Globalization;
using System.Text;

namespace Throttling.GeneratorScale;

/// <summary>Writes a project of many throttled client interfaces, the load the generator and THR1xx analyzers face in a big codebase.</summary>
internal static class ScaleProject
{
    public static IReadOnlyList<(string Path, string Text)> Sources(int interfaces, int methods)
    {
        var files = new List<(string, string)>();
        for (int i = 0; i < interfaces; i++)
        {
            var text = new StringBuilder();
            text.AppendLine("using System.Collections.Generic;");
            text.AppendLine("using System.Net.Http;");
            text.AppendLine("using System.Threading;");
            text.AppendLine("using System.Threading.Tasks;");
            text.AppendLine("using Throttling;");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"namespace Scale.Area{i % 20};");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"[Slots({1 + (i % 50)})]");
            text.AppendLine(CultureInfo.InvariantCulture, $"[RateLimit({100 + i}, \"1m\")]");
            text.AppendLine(CultureInfo.InvariantCulture, $"public interface IClient{i}");
            text.AppendLine("{");
            for (int m = 0; m < methods; m++)
            {
                string signature = (m % 5) switch
                {
                    0 => $"Task<string> Get{m}Async(string id, CancellationToken cancellationToken = default);",
                    1 => $"Task<HttpResponseMessage> Send{m}Async(HttpRequestMessage request, CancellationToken cancellationToken = default);",
                    2 => $"ValueTask<int> Count{m}Async(int page, string? filter = null, CancellationToken cancellationToken = default);",
                    3 => $"[RateLimit(10, \"1s\")] Task Put{m}Async(string id, byte[] body, CancellationToken cancellationToken = default);",
                    _ => $"IAsyncEnumerable<string> List{m}Async(int pageSize, CancellationToken cancellationToken = default);",
                };
                text.AppendLine("    " + signature);
            }

            text.AppendLine("}");
            files.Add(($"Client{i}.cs", text.ToString()));
        }

        files.Add(("Unrelated.cs", UnrelatedSource(0)));
        return files;
    }

    public static string UnrelatedSource(int version)
        => $"namespace Scale;\n\npublic static class Unrelated\n{{\n    public static int Version => {version.ToString(CultureInfo.InvariantCulture)};\n}}\n";

    public static string ProjectFile(string repoRoot) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <NoWarn>$(NoWarn);THR103</NoWarn>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{repoRoot}/src/Runtime/Throttling.csproj" />
            <ProjectReference Include="{repoRoot}/src/Generators/Throttling.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            <ProjectReference Include="{repoRoot}/src/Analyzers/Throttling.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
          </ItemGroup>
        </Project>
        """;
}
