using System;
using System.Runtime.ExceptionServices;

namespace Throttling;

/// <summary>
/// What the server answered a throttled attempt (a 429 response, or the exception that carried it), kept while the
/// retry waits for its turn: replayed to the caller if the retry is never admitted, released once it is.
/// </summary>
internal struct ServerAnswer<TResult>
{
    private TResult _result;
    private ExceptionDispatchInfo? _error;

    public bool IsSet { get; private set; }

    public static ServerAnswer<TResult> Returned(TResult result) => new() { _result = result, IsSet = true };

    public static ServerAnswer<TResult> Thrown(Exception exception) => new() { _error = ExceptionDispatchInfo.Capture(exception), IsSet = true };

    /// <summary>Hands the caller the server's answer: returns the response, or rethrows the exception as it was.</summary>
    public readonly TResult Replay()
    {
        _error?.Throw();
        return _result;
    }

    /// <summary>The retry was admitted: the 429 is no longer needed, so its connection is freed.</summary>
    public void Release()
    {
        (_result as IDisposable)?.Dispose();
        this = default;
    }
}
