using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Throttling.GeneratorScale;

// Generator and THR1xx analyzer cost on a project of many throttled clients (500 interfaces x 10 methods by default):
// real `dotnet build -p:ReportAnalyzer=true` builds, and an in-memory incremental run showing an unrelated edit emits nothing.
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

// The references are built first, so that each report below is the scale project's compilation alone. A build without
// the compiler server (as CI runs) pays for loading and JIT-compiling every analyzer and generator; with it (as a
// developer's machine runs, from the second build on) they stay loaded.
Run(directory, "build", "-c", "Release", "-nologo");
Report("without the compiler server", Build(directory, sharedCompilation: false));
for (int build = 1; build <= 3; build++)
{
    Report($"with the compiler server, build {build}", Build(directory, sharedCompilation: true));
}

Console.WriteLine(IncrementalRun.Measure(sources));
return 0;

static string Build(string directory, bool sharedCompilation)
    => Run(directory, "build", "-c", "Release", "--no-dependencies", "--no-incremental", "-nologo", "-v:d", "-p:ReportAnalyzer=true", $"-p:UseSharedCompilation={sharedCompilation}");

// The totals, and our two assemblies' lines of the report (time, share, name).
static void Report(string title, string log)
{
    Console.WriteLine(title + ":");
    foreach (string line in log.Split('\n').Where(l => Regex.IsMatch(l, @"Total (analyzer|generator) execution time|^\s*[\d.<]+\s+[\d<]+\s+Throttling\.(Generators|Analyzers), ")))
    {
        Console.WriteLine("  " + line.Trim());
    }
}

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
