using ScottPlot;
using SkiaSharp;
using Throttling.TestServer;
using Throttling.Workload;

namespace Throttling.Demo;

/// <summary>Requests in flight and requests arriving per second, at the server, for each approach.</summary>
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

        for (int i = 0; i < results.Count; i++)
        {
            RunResult result = results[i];
            (double[] times, double[] counts) = InFlight(result.ServerLog);
            var line = inFlight.Add.ScatterLine(times, counts, Colors[i % Colors.Length]);
            line.LegendText = result.Approach;

            (double[] seconds, double[] perSecond) = ArrivalsPerSecond(result.ServerLog);
            var rate = arrivals.Add.Scatter(seconds, perSecond, Colors[i % Colors.Length]);
            rate.LegendText = result.Approach;
            rate.MarkerSize = 6;
        }

        WorkloadSettings settings = results[0].Settings;
        inFlight.Add.HorizontalLine(settings.Slots, 1, Colors[3], LinePattern.Dashed).LegendText = "server's slots";
        arrivals.Add.HorizontalLine(settings.RatePerSecond, 1, Colors[3], LinePattern.Dashed).LegendText = "server's rate";
        inFlight.Title($"Requests in flight at the server ({settings.Requests} requests, {settings.Slots} slots, {settings.RatePerSecond}/s)");
        inFlight.YLabel("in flight");
        inFlight.XLabel("seconds since the run started");
        arrivals.Title("Requests arriving at the server, per second over quarter-second buckets (refused ones included)");
        arrivals.YLabel("requests / s");
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

    // Arrivals in quarter-second buckets, scaled to a per-second rate: fine enough to show a burst.
    private static (double[] Seconds, double[] PerSecond) ArrivalsPerSecond(IReadOnlyList<RequestRecord> log)
    {
        const double Bucket = 0.25;
        if (log.Count == 0)
        {
            return (new[] { 0.0 }, new[] { 0.0 });
        }

        double origin = log.Min(r => r.Arrived.TotalSeconds);
        int last = (int)((log.Max(r => r.Arrived.TotalSeconds) - origin) / Bucket);
        int[] buckets = new int[last + 1];
        foreach (RequestRecord record in log)
        {
            buckets[(int)((record.Arrived.TotalSeconds - origin) / Bucket)]++;
        }

        return (Enumerable.Range(0, buckets.Length).Select(b => (b + 0.5) * Bucket).ToArray(), buckets.Select(b => b / Bucket).ToArray());
    }
}
