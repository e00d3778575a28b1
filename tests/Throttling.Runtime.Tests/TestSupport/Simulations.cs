namespace Throttling.Tests;

/// <summary>
/// Tests that drive a fake clock through many thousands of steps, each waiting for thread-pool continuations: run one
/// at a time, so that they do not starve each other's continuations on a small machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Simulations
{
    public const string Name = "Simulations";
}
