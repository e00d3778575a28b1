using System.Diagnostics.Metrics;

namespace Throttling.Redis.Tests.TestSupport;

/// <summary>Meters scoped to one test, so its collectors see nothing of the other tests running beside it.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        options.Scope = this;
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}
