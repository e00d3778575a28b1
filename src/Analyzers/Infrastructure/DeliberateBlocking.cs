using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Synchronous members whose contract is to block, where THR002 has nothing to tell their author (the question belongs
/// to their callers, in async code): the synchronous half of an <c>M</c>/<c>MAsync</c> pair, which exists for callers
/// that cannot await; a member no compiled code can call (<c>[Obsolete(error: true)]</c>); and a helper that waits, with
/// a timeout, on a task its caller hands in.
/// </summary>
internal sealed class DeliberateBlocking
{
    private readonly AsyncSymbols _symbols;

    public DeliberateBlocking(AsyncSymbols symbols) => _symbols = symbols;

    /// <summary>Whether blocking on <paramref name="task"/> at <paramref name="block"/> is the contract of <paramref name="member"/>.</summary>
    public bool IsContract(ISymbol member, IOperation block, IOperation task)
    {
        if (member is not IMethodSymbol method || method.IsAsync || OperationScope.EnclosingFunction(block) is not null
            || _symbols.IsTaskLike(method.ReturnType as INamedTypeSymbol))
        {
            return false;
        }

        return IsSynchronousHalf(method) || IsUncallable(method) || IsBoundedWaitOnCallersTask(block, task);
    }

    // Publish beside PublishAsync, ExecuteImpl beside ExecuteImplAsync, an explicit ITransaction.Execute beside ExecuteAsync.
    // The pair is the evidence, whatever parameters the async half adds: a type that offers both offers the blocking one
    // to callers that cannot await.
    private bool IsSynchronousHalf(IMethodSymbol method)
        => HasAsyncNamesake(method) || method.ExplicitInterfaceImplementations.Any(HasAsyncNamesake);

    private bool HasAsyncNamesake(IMethodSymbol method)
    {
        string name = method.Name + "Async";
        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.BaseType)
        {
            if (type.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.IsStatic == method.IsStatic && _symbols.IsTaskLike(m.ReturnType as INamedTypeSymbol)))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsUncallable(IMethodSymbol method)
        => IsObsoleteError(method)
            || method.ExplicitInterfaceImplementations.Any(IsObsoleteError)
            || method.ContainingType.AllInterfaces.SelectMany(i => i.GetMembers(method.Name)).Any(member => IsObsoleteError(member)
                && SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method));

    private bool IsObsoleteError(ISymbol symbol)
        => symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _symbols.Obsolete)
            && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[1].Value is true);

    // task.Wait(timeout) or Task.WaitAll(tasks, timeout) on the caller's tasks: a bounded wait the caller asked for.
    private static bool IsBoundedWaitOnCallersTask(IOperation block, IOperation task)
        => block is IInvocationOperation wait
            && wait.TargetMethod.Parameters.Any(p => p.Name is "millisecondsTimeout" or "timeout")
            && IsFromParameter(task);

    private static bool IsFromParameter(IOperation task) => OperationScope.Unwrap(task) switch
    {
        IParameterReferenceOperation => true,
        IArrayElementReferenceOperation element => OperationScope.Unwrap(element.ArrayReference) is IParameterReferenceOperation,
        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list } => OperationScope.Unwrap(list) is IParameterReferenceOperation,
        ILocalReferenceOperation local => IsLoopOverParameter(local)
            || (OperationScope.InitialValue(local.Local, local) is { } initial && OperationScope.Unwrap(initial) is not ILocalReferenceOperation && IsFromParameter(initial)),
        _ => false,
    };

    private static bool IsLoopOverParameter(ILocalReferenceOperation local)
    {
        for (IOperation? current = local.Parent; current is not null; current = current.Parent)
        {
            if (current is IForEachLoopOperation loop && loop.Locals.Contains(local.Local, SymbolEqualityComparer.Default))
            {
                return OperationScope.Unwrap(loop.Collection) is IParameterReferenceOperation;
            }
        }

        return false;
    }
}
