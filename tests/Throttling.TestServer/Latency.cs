namespace Throttling.TestServer;

/// <summary>How long the server takes per request: fixed, or drawn from a distribution.</summary>
public abstract class Latency
{
    public abstract TimeSpan Mean { get; }

    public static Latency Fixed(TimeSpan value) => new FixedLatency(value);

    /// <summary>Uniform between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static Latency Uniform(TimeSpan min, TimeSpan max) => new UniformLatency(min, max);

    public abstract TimeSpan Sample();

    private sealed class FixedLatency(TimeSpan value) : Latency
    {
        public override TimeSpan Mean => value;

        public override TimeSpan Sample() => value;

        public override string ToString() => $"{value.TotalMilliseconds:0} ms";
    }

    private sealed class UniformLatency(TimeSpan min, TimeSpan max) : Latency
    {
        public override TimeSpan Mean => (min + max) / 2;

        public override TimeSpan Sample() => min + ((max - min) * Random.Shared.NextDouble());

        public override string ToString() => $"{min.TotalMilliseconds:0}-{max.TotalMilliseconds:0} ms";
    }
}
