using System.Globalization;

namespace Throttling.Demo;

/// <summary>The demo's flags.</summary>
internal sealed record DemoOptions(int Requests, int Slots, int Rate, int LatencyMs, int StricterRate, string Output)
{
    public const string Help = """
        Throttling demo: one workload sent three ways to a local API that enforces slots and a rate limit, then by the
        throttled client to a server stricter than its attributes.

        Usage: dotnet run --project samples/Throttling.Demo -c Release -- [options]

          --requests N    requests in the workload (default 300)
          --slots N       concurrent requests the server allows; the throttled client is set to the same (default 20)
          --rate N        requests per second the server allows, as an exact sliding window (default 30)
          --latency MS    how long the server takes per request, in milliseconds (default 200)
          --stricter N    the stricter server's requests per second (default: two thirds of --rate)
          --out DIR       where the chart goes (default: artifacts/demo)
          --help          this text

        The approaches: a naive Task.WhenAll over HttpClient; the same with Microsoft.Extensions.Http.Resilience's
        standard handler; and the Refit client generated from [Slots] [RateLimit]. The server answers 429 with
        Retry-After beyond either limit, and sends the IETF RateLimit headers, which the generated client reads. The last
        two runs send the client, still set to --rate, to a server allowing --stricter: silent, then saying so in its
        headers. The table compares each to the bound max(N x latency / slots, N / the server's rate).
        """;

    public static DemoOptions? Parse(string[] args, out string? error)
    {
        string? problem = null;
        DemoOptions? options = ParseCore(args, ref problem);
        error = problem;
        return options;
    }

    private static DemoOptions? ParseCore(string[] args, ref string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h" or "-?")
            {
                return null;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error = $"Unexpected argument '{args[i]}'.";
                return null;
            }

            values[args[i][2..]] = args[++i];
        }

        string[] unknown = values.Keys.Except(new[] { "requests", "slots", "rate", "latency", "stricter", "out" }).ToArray();
        if (unknown.Length > 0)
        {
            error = $"Unknown option --{unknown[0]}.";
            return null;
        }

        string? badValue = null;
        int Read(string name, int fallback)
        {
            if (!values.TryGetValue(name, out string? text))
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0)
            {
                return value;
            }

            badValue ??= $"--{name} takes a positive whole number, not '{text}'.";
            return fallback;
        }

        int rate = Read("rate", 30);
        var options = new DemoOptions(
            Read("requests", 300),
            Read("slots", 20),
            rate,
            Read("latency", 200),
            Read("stricter", Math.Max(1, rate * 2 / 3)),
            values.GetValueOrDefault("out") ?? Path.Combine("artifacts", "demo"));
        error = badValue;
        return error is null ? options : null;
    }
}
