using System.Globalization;
using Spectre.Console;
using Throttling.Demo;
using Throttling.TestServer;
using Throttling.Workload;
using Throttling.Workload.Approaches;

DemoOptions? options = DemoOptions.Parse(args, out string? error);
if (options is null)
{
    if (error is not null)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(error)}[/]");
    }

    Console.WriteLine(DemoOptions.Help);
    return error is null ? 0 : 2;
}

// Piped or in CI, Spectre assumes 80 columns; the table needs more.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 150;
}

var settings = new WorkloadSettings(options.Requests, options.Slots, options.Rate, TimeSpan.FromMilliseconds(options.LatencyMs));
AnsiConsole.MarkupLine($"[bold]{settings.Requests} requests[/] to a local API allowing [bold]{settings.Slots} in flight[/] and [bold]{settings.RatePerSecond}/s[/] (exact sliding window), {options.LatencyMs} ms each.");
AnsiConsole.MarkupLine($"No client can finish faster than [bold]{settings.Bound.TotalSeconds:0.0} s[/]: max({settings.Requests} x {options.LatencyMs} ms / {settings.Slots} slots, {settings.Requests} / {settings.RatePerSecond} per s).");
AnsiConsole.WriteLine();

// The demo's own scenario three ways, then the throttled client against a server stricter than its attributes, once
// silent (what a client that cannot read headers gets) and once saying so in its RateLimit headers.
WorkloadSettings stricter = settings with { ServerRatePerSecond = options.StricterRate, Headers = RateLimitHeaderFamily.None };
(IApproach Approach, WorkloadSettings Settings)[] runs =
{
    (new NaiveFanOut(), settings),
    (new StandardResilienceHandler(), settings),
    (new GeneratedThrottledClient("Throttling"), settings),
    (new GeneratedThrottledClient($"Throttling vs a {options.StricterRate}/s server, silent"), stricter),
    (new GeneratedThrottledClient($"Throttling vs a {options.StricterRate}/s server, headers"), stricter with { Headers = RateLimitHeaderFamily.Ietf }),
};
var results = new List<RunResult>();
if (Console.IsOutputRedirected)
{
    // Piped or in CI a progress bar never finishes its lines: say what each run is doing, and how it ended.
    foreach ((IApproach approach, WorkloadSettings run) in runs)
    {
        Console.WriteLine($"{approach.Name}: running {run.Requests} requests...");
        RunResult result = await WorkloadRunner.RunAsync(approach, run);
        Console.WriteLine($"{approach.Name}: {result.Completed} ok, {result.Failed} failed, {result.TooManyRequests} x 429 in {result.Makespan.TotalSeconds:0.0} s");
        results.Add(result);
    }

    Console.WriteLine();
}
else
{
    await AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .StartAsync(async context =>
        {
            foreach ((IApproach approach, WorkloadSettings run) in runs)
            {
                ProgressTask task = context.AddTask(Markup.Escape(approach.Name), maxValue: run.Requests);
                var progress = new Progress<RunProgress>(p =>
                {
                    task.Value = p.Completed + p.Failed;
                    task.Description = $"{Markup.Escape(approach.Name),-50} [green]{p.Completed} ok[/] [red]{p.Failed} failed[/] [yellow]{p.TooManyRequests} x 429[/]";
                });
                results.Add(await WorkloadRunner.RunAsync(approach, run, progress));
                task.StopTask();
            }
        });
}

var table = new Table().Border(TableBorder.Rounded).Title("What the server saw, and what the caller got");
foreach (string column in new[] { "approach", "completed", "failed", "429s", "retries sent", "makespan", "bound", "makespan/bound", "p50", "p99" })
{
    table.AddColumn(new TableColumn(column).RightAligned());
}

foreach (RunResult result in results)
{
    string ratio = result.Failed > 0 ? $"[red]{result.MakespanOverBound:0.00}[/] (incomplete)" : $"{result.MakespanOverBound:0.00}";
    table.AddRow(
        Markup.Escape(result.Approach),
        result.Completed.ToString(CultureInfo.InvariantCulture),
        result.Failed == 0 ? "0" : $"[red]{result.Failed}[/]",
        result.TooManyRequests.ToString(CultureInfo.InvariantCulture),
        result.Retries.ToString(CultureInfo.InvariantCulture),
        $"{result.Makespan.TotalSeconds:0.0} s",
        $"{result.Settings.Bound.TotalSeconds:0.0} s",
        ratio,
        $"{result.P50.TotalMilliseconds:0} ms",
        $"{result.P99.TotalMilliseconds:0} ms");
}

AnsiConsole.Write(table);

try
{
    // The chart draws the runs against the demo's own server; the stricter one has other limits.
    (string png, string svg) = Chart.Write(results.Where(r => r.Settings == settings).ToList(), options.Output);
    AnsiConsole.MarkupLine($"Chart: [link]{Markup.Escape(png)}[/] and {Markup.Escape(svg)}");
}
catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or TypeInitializationException or DllNotFoundException)
{
    AnsiConsole.MarkupLine($"[yellow]No chart: {Markup.Escape(exception.Message)}[/]");
}

return 0;
