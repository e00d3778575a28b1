namespace Throttling.Workload;

/// <summary>A way to send the workload: how its client is built.</summary>
public interface IApproach
{
    string Name { get; }

    /// <param name="baseAddress">The local server.</param>
    /// <param name="settings">The limits the server enforces (an approach may know them, as a configured client would).</param>
    /// <param name="counter">Goes into the HTTP pipeline to count attempts and 429s.</param>
    IApproachClient CreateClient(Uri baseAddress, WorkloadSettings settings, CallCounter counter);
}

/// <summary>One request of the workload; false when it failed in the end.</summary>
public interface IApproachClient : IAsyncDisposable
{
    Task<bool> CallAsync(string id, CancellationToken cancellationToken);
}
