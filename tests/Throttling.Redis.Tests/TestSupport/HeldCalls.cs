namespace Throttling.Redis.Tests.TestSupport;

/// <summary>Calls through a gate that run until the test ends them, in the order they were invoked.</summary>
internal sealed class HeldCalls
{
    private readonly List<(string Name, TaskCompletionSource Finish)> _started = new();

    public IReadOnlyList<string> Started
    {
        get
        {
            lock (_started)
            {
                return _started.Select(s => s.Name).ToArray();
            }
        }
    }

    public Task Run(CallGate gate, string name, CancellationToken cancellationToken = default)
        => gate.RunAsync((Calls: this, Name: name), static s => s.Calls.Start(s.Name), cancellationToken);

    /// <summary>A call that costs <paramref name="cost"/> in the client's limits counted in units.</summary>
    public Task Run(CallGate gate, string name, long cost)
        => gate.RunWithCostAsync(cost, (Calls: this, Name: name), static s => s.Calls.Start(s.Name), CancellationToken.None);

    public void Finish(string name)
    {
        lock (_started)
        {
            _started.Single(s => s.Name == name).Finish.SetResult();
        }
    }

    private Task Start(string name)
    {
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_started)
        {
            _started.Add((name, finish));
        }

        return finish.Task;
    }
}
