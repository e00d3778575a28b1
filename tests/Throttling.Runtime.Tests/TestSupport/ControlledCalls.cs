using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>An inner client whose calls stay in flight until the test completes them, recording when each started.</summary>
internal sealed class ControlledCalls<T>
{
    private readonly FakeTimeProvider? _clock;
    private readonly ConcurrentQueue<(int Id, TaskCompletionSource<T> Completion, DateTimeOffset At)> _started = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<T>> _byId = new();

    public ControlledCalls(FakeTimeProvider? clock = null) => _clock = clock;

    public int Started => _started.Count;

    public IReadOnlyList<int> StartOrder => _started.Select(s => s.Id).ToArray();

    public IReadOnlyList<DateTimeOffset> StartTimes => _started.Select(s => s.At).ToArray();

    public Task<T> Call(int id)
    {
        var completion = new TaskCompletionSource<T>();
        _byId[id] = completion;
        _started.Enqueue((id, completion, _clock?.GetUtcNow() ?? default));
        return completion.Task;
    }

    public void Complete(int id, T result) => _byId[id].SetResult(result);

    public void Fail(int id, Exception exception) => _byId[id].SetException(exception);
}
