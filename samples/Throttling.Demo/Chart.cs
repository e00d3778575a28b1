using ScottPlot;
using SkiaSharp;
using Throttling.TestServer;
using Throttling.Workload;

namespace Throttling.Demo;

/// <summary>
/// Requests in flight, and request starts in the trailing one-second window, at the server, for each approach: the two
/// quantities the server's limits count, drawn against those limits.
/// </summary>
internal static class Chart
{
    private const int Width = 1400;
    private const int Height = 1000;

    private static readonly Color[] Colors = { new(0xD6, 0x27, 0x28), new(0xFF, 0x7F, 0x0E), new(0x2C, 0xA0, 0x2C), new(0x1F, 0x77, 0xB4) };

    public static (string Png, string Svg) Write(IReadOnlyList<RunResult> results, string directory)
    {
        Directory.CreateDirectory(directory);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Plot inFlight = multiplot.GetPlot(0);
        Plot arrivals = multiplot.GetPlot(1);

        WorkloadSettings settings = results[0].Settings;

        // Off-scale peaks are named in the legend rather than squashing the limit-sized values to the axis floor.
        double ceiling = settings.RatePerSecond * 4;
        for (int i = 0; i < results.Count; i++)
        {
            RunResult result = results[i];

            // Earlier approaches are drawn wider and dashed, so a later line over the same steps does not hide them.
            float width = 1.5f + (2f * (results.Count - 1 - i));
            (double[] times, double[] counts) = InFlight(result.ServerLog);
            var line = inFlight.Add.ScatterLine(times, counts, Colors[i % Colors.Length]);
            line.LegendText = result.Approach;
            line.LineWidth = width;
            line.LinePattern = i == results.Count - 1 ? LinePattern.Solid : LinePattern.Dashed;

            (double[] seconds, double[] window) = StartsInTrailingSecond(result.ServerLog);
            double peak = window.Max();
            var starts = arrivals.Add.ScatterLine(seconds, window.Select(w => Math.Min(w, ceiling)).ToArray(), Colors[i % Colors.Length]);
            starts.LegendText = peak > ceiling ? $"{result.Approach} (peak {peak:0}, off scale)" : result.Approach;
            starts.LineWidth = width;
            starts.LinePattern = line.LinePattern;
        }

        inFlight.Add.HorizontalLine(settings.Slots, 1, Colors[3], LinePattern.Dashed).LegendText = "server's slots";
        arrivals.Add.HorizontalLine(settings.RatePerSecond, 1, Colors[3], LinePattern.Dotted).LegendText = $"server's limit: {settings.RatePerSecond} in any 1 s";
        arrivals.Axes.SetLimitsY(0, ceiling * 1.05);
        inFlight.Title($"Requests in flight at the server ({settings.Requests} requests, {settings.Slots} slots, {settings.RatePerSecond}/s)");
        inFlight.YLabel("in flight");
        inFlight.XLabel("seconds since the run started");
        arrivals.Title("Requests that arrived at the server in the last second, refused ones included (what its sliding window counts)");
        arrivals.YLabel("arrivals in the last 1 s");
        arrivals.XLabel("seconds since the run started");
        inFlight.ShowLegend(Alignment.UpperRight);
        arrivals.ShowLegend(Alignment.UpperRight);

        string png = Path.GetFullPath(Path.Combine(directory, "throttling-demo.png"));
        string svg = Path.ChangeExtension(png, ".svg");
        multiplot.SavePng(png, Width, Height);
        using (FileStream file = File.Create(svg))
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), file))
        {
            multiplot.Render(canvas, new PixelRect(0, Width, Height, 0));
        }

        return (png, svg);
    }

    // A step line: +1 at each accepted arrival, -1 at its end.
    private static (double[] Times, double[] Counts) InFlight(IReadOnlyList<RequestRecord> log)
    {
        var events = log.Where(r => r.Status == 200)
            .SelectMany(r => new[] { (r.Arrived.TotalSeconds, 1), (r.Ended.TotalSeconds, -1) })
            .OrderBy(e => e.Item1)
            .ToArray();
        double origin = log.Count == 0 ? 0 : log.Min(r => r.Arrived.TotalSeconds);
        var times = new List<double> { 0 };
        var counts = new List<double> { 0 };
        int current = 0;
        foreach ((double at, int delta) in events)
        {
            times.Add(at - origin);
            counts.Add(current);
            current += delta;
            times.Add(at - origin);
            counts.Add(current);
        }

        return (times.ToArray(), counts.ToArray());
    }

    // At every 20 ms, the arrivals in the second before: the count the server's exact sliding window compares with its limit.
    private static (double[] Seconds, double[] InWindow) StartsInTrailingSecond(IReadOnlyList<RequestRecord> log)
    {
        const double Step = 0.02;
        if (log.Count == 0)
        {
            return (new[] { 0.0 }, new[] { 0.0 });
        }

        double origin = log.Min(r => r.Arrived.TotalSeconds);
        double[] arrivals = log.Select(r => r.Arrived.TotalSeconds - origin).OrderBy(t => t).ToArray();
        int samples = (int)Math.Ceiling(arrivals[^1] / Step) + 1;
        var seconds = new double[samples];
        var inWindow = new double[samples];
        int first = 0;
        int next = 0;
        for (int i = 0; i < samples; i++)
        {
            double at = i * Step;
            while (next < arrivals.Length && arrivals[next] <= at)
            {
                next++;
            }

            while (first < next && arrivals[first] <= at - 1)
            {
                first++;
            }

            seconds[i] = at;
            inWindow[i] = next - first;
        }

        return (seconds, inWindow);
    }
}
