using Throttling.TestServer;

namespace Throttling.Workload;

/// <summary>What one approach achieved on one workload, from the client's side and the server's.</summary>
public sealed record RunResult(
    string Approach,
    WorkloadSettings Settings,
    int Completed,
    int Failed,
    int TooManyRequests,
    int Retries,
    TimeSpan Makespan,
    TimeSpan P50,
    TimeSpan P99,
    IReadOnlyList<RequestRecord> ServerLog)
{
    public double MakespanOverBound => Makespan / Settings.Bound;
}

/// <summary>A live view of a run, for progress displays.</summary>
public readonly record struct RunProgress(int Completed, int Failed, int TooManyRequests, int Requests);
