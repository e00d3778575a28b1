using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Throttling.GeneratorScale;

// Generator and THR1xx analyzer cost on a project of many throttled clients (500 interfaces x 10 methods by default):
// one real `dotnet build -p:ReportAnalyzer=true`, and an in-memory incremental run showing an unrelated edit emits nothing.
int interfaces = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
int methods = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;

string repoRoot = FindRepoRoot();
string directory = Path.Combine(repoRoot, "artifacts", "generator-scale", "ScaleClients");
if (Directory.Exists(directory))
{
    Directory.Delete(directory, recursive: true);
}

Directory.CreateDirectory(directory);
IReadOnlyList<(string Path, string Text)> sources = ScaleProject.Sources(interfaces, methods);
foreach ((string path, string text) in sources)
{
    File.WriteAllText(Path.Combine(directory, path), text);
}

File.WriteAllText(Path.Combine(directory, "ScaleClients.csproj"), ScaleProject.ProjectFile(repoRoot));
Console.WriteLine($"{interfaces} interfaces x {methods} methods written to {directory}");

string log = Run(directory, "build", "-c", "Release", "-p:ReportAnalyzer=true", "-v:d", "-nologo", "-p:TreatWarningsAsErrors=false");
foreach (string line in log.Split('\n').Where(l => Regex.IsMatch(l, @"Total (analyzer|generator) execution time|Throttling\.(Generators|Analyzers)")).Distinct().Take(40))
{
    Console.WriteLine(line.TrimEnd());
}

Console.WriteLine(IncrementalRun.Measure(sources));
return 0;

static string Run(string workingDirectory, params string[] arguments)
{
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (string argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using Process process = Process.Start(start)!;
    Task<string> error = process.StandardError.ReadToEndAsync();
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        Console.WriteLine(output[^Math.Min(output.Length, 4000)..]);
        throw new InvalidOperationException("The scale project did not build.");
    }

    return output + error.Result;
}

static string FindRepoRoot()
{
    for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Throttling.Analyzers.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from within the repository.");
}
