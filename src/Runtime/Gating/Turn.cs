using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Throttling;

/// <summary>
/// A call's turn as <see cref="BudgetStore.Enter"/> gives it: what to hand to <see cref="BudgetStore.Invoked"/>, now or
/// once the wait for it ends. Awaited (or read) once.
/// </summary>
/// <remarks>
/// A <see cref="ValueTask{TResult}"/> taken apart, so that a caller that waits can keep the two parts in fields it
/// reuses once its turn has come: the first attempt of every call that waits keeps them so (see CallGate.FirstAttempt).
/// </remarks>
internal readonly struct Turn
{
    private Turn(object? source, long value)
    {
        Source = source;
        Value = value;
    }

    /// <summary>Null when the turn has come, <see cref="Value"/> being what it gave; else the <see cref="Task{TResult}"/> or <see cref="IValueTaskSource{TResult}"/> to wait for.</summary>
    public object? Source { get; }

    /// <summary>What the turn gave when <see cref="Source"/> is null; the token of an <see cref="IValueTaskSource{TResult}"/>.</summary>
    public long Value { get; }

    public static Turn Now(long entered) => new(null, entered);

    public static Turn Later(Task<long> wait) => new(wait, 0);

    public static Turn Later(IValueTaskSource<long> source, short token) => new(source, token);

    /// <summary>A turn from a wait that is complete or backed by a task, so that taking it apart costs nothing.</summary>
    public static Turn Of(ValueTask<long> wait) => wait.IsCompletedSuccessfully ? Now(wait.Result) : Later(wait.AsTask());

    public ValueTask<long> AsValueTask() => AsValueTask(Source, Value);

    /// <summary>The turn whose parts are <paramref name="source"/> and <paramref name="value"/>, put back together.</summary>
    public static ValueTask<long> AsValueTask(object? source, long value) => source switch
    {
        null => new ValueTask<long>(value),
        Task<long> wait => new ValueTask<long>(wait),
        _ => new ValueTask<long>((IValueTaskSource<long>)source, (short)value),
    };
}
