using System.Runtime.CompilerServices;
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

    /// <summary>Null when the turn has come, <see cref="Value"/> being what it gave; else the <see cref="Admission"/> or <see cref="Task{TResult}"/> to wait for.</summary>
    public object? Source { get; }

    /// <summary>What the turn gave when <see cref="Source"/> is null; the admission's token when it is one.</summary>
    public long Value { get; }

    public static Turn Now(long entered) => new(null, entered);

    public static Turn Later(Task<long> wait) => new(wait, 0);

    public static Turn Later(Admission admission, short token) => new(admission, token);

    /// <summary>A turn from a wait that is complete or backed by a task, so that taking it apart costs nothing.</summary>
    public static Turn Of(ValueTask<long> wait) => wait.IsCompletedSuccessfully ? Now(wait.Result) : Later(wait.AsTask());

    public ValueTask<long> AsValueTask() => AsValueTask(Source, Value);

    // The three below take a turn by its parts. A source is one of the kinds the factories above make, so it is told
    // apart by one exact type check (Admission is sealed) and no cast: every call that waits comes here three times
    // (see CallGate.FirstAttempt), where a ValueTask would test for a task each time and dispatch through an interface.

    /// <summary>The turn whose parts are <paramref name="source"/> and <paramref name="value"/>, put back together.</summary>
    public static ValueTask<long> AsValueTask(object? source, long value) => source switch
    {
        null => new ValueTask<long>(value),
        Admission admission => new ValueTask<long>(admission, (short)value),
        _ => new ValueTask<long>(Unsafe.As<Task<long>>(source)),
    };

    /// <summary>Whether the wait has ended.</summary>
    public static bool IsCompleted(object? source, long value) => source switch
    {
        null => true,
        Admission admission => admission.GetStatus((short)value) != ValueTaskSourceStatus.Pending,
        _ => Unsafe.As<Task<long>>(source).IsCompleted,
    };

    /// <summary>What the turn gave, or the exception that ended its wait; read once, when it is complete.</summary>
    public static long GetResult(object? source, long value) => source switch
    {
        null => value,
        Admission admission => admission.GetResult((short)value),
        _ => Unsafe.As<Task<long>>(source).GetAwaiter().GetResult(),
    };
}
