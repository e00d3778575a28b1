using System.Collections.Generic;
using System.Linq;
using Throttling.Generators.Models;
using Throttling.Roslyn;

namespace Throttling.Generators.Emitting;

internal static partial class ClientEmitter
{
    private static void WriteMember(SourceWriter writer, MemberModel member)
    {
        writer.Line("/// <inheritdoc />");
        switch (member.Handling)
        {
            case MemberHandling.Unthrottled:
                writer.Line("// [Unthrottled]: passed straight through.");
                break;
            case MemberHandling.PassedThrough:
                writer.Line($"// Passed through ungated: {member.PassThroughReason}.");
                break;
        }

        switch (member)
        {
            case MethodModel { Handling: MemberHandling.Gated } method:
                WriteGatedMethod(writer, method);
                break;
            case MethodModel method:
                writer.Line(MethodHead(method));
                writer.Indent().Line($"=> {method.RefKind.Replace("readonly ", string.Empty)}{Target(method)}.{method.Name}{TypeParameters(method)}({Arguments(method.Parameters, withModifiers: true)});").Outdent();
                break;
            case PropertyModel property:
                WriteProperty(writer, property);
                break;
            case EventModel @event:
                writer.OpenBlock($"{Modifiers(@event)}event {@event.Type} {Declared(@event)}");
                writer.Line($"add => {Target(@event)}.{@event.Name} += value;");
                writer.Line($"remove => {Target(@event)}.{@event.Name} -= value;");
                writer.CloseBlock();
                break;
        }
    }

    private static void WriteGatedMethod(SourceWriter writer, MethodModel method)
    {
        // Fields are read through `this.` so that a parameter named like one (`_inner`, `_gate`) cannot shadow it.
        string gate = "this." + (method.GateField ?? "_gate");
        string entry = method.Shape == GatedShape.AsyncEnumerable ? "RunStream" : "RunAsync";
        string call = $"{Target(method, method.Parameters.IsEmpty ? "inner" : State(method, 0))}.{method.Name}{TypeParameters(method)}({CallArguments(method)})";
        string state = method.Parameters.IsEmpty ? "this._inner" : StateLiteral(method);
        string lambda = method.Parameters.IsEmpty ? $"static inner => {call}" : $"static s => {call}";
        var arguments = new List<string> { state, lambda };
        switch (method.Detector)
        {
            case ResultDetector.HttpResponse:
                arguments.Add("global::Throttling.ServerThrottle.HttpResponse");
                break;
            case ResultDetector.RefitResponse:
                arguments.Add($"(global::Throttling.ThrottleDetector<{method.ResultType}>)IsThrottledResponse");
                break;
        }

        if (method.Cost is { } cost)
        {
            // The entry points with a cost take the detector and the token in full.
            entry = method.Shape == GatedShape.AsyncEnumerable ? "RunStreamWithCost" : "RunWithCostAsync";
            arguments.Insert(0, CostArgument(cost));
            if (method.Shape is GatedShape.TaskOfT or GatedShape.ValueTaskOfT && method.Detector == ResultDetector.None)
            {
                arguments.Add("null");
            }

            arguments.Add(method.CancellationToken ?? "default");
        }
        else if (method.CancellationToken is { } token)
        {
            arguments.Add(token);
        }

        writer.Line(MethodHead(method));
        writer.Indent().Line($"=> {gate}.{entry}({string.Join(", ", arguments)});").Outdent();
    }

    // The cost, checked where it is read, so that a negative one names the caller's parameter.
    private static string CostArgument(CostSource cost)
    {
        string value = cost.Property is null
            ? cost.Parameter
            : (cost.IsReference ? $"({cost.Parameter} ?? throw new global::System.ArgumentNullException(nameof({cost.Parameter})))" : cost.Parameter) + "." + cost.Property;
        return $"global::Throttling.CallGate.Cost({value}, nameof({cost.Parameter}))";
    }

    private static void WriteProperty(SourceWriter writer, PropertyModel property)
    {
        string target = Target(property);
        string access = property.IsIndexer ? $"{target}[{Arguments(property.Parameters, withModifiers: false)}]" : $"{target}.{property.Name}";
        string head = $"{Modifiers(property)}{property.RefKind}{property.Type} {Declared(property)}";
        if (property.IsIndexer)
        {
            head += $"[{Parameters(property.Parameters)}]";
        }

        if (property.RefKind.Length != 0)
        {
            writer.Line(head);
            writer.Indent().Line($"=> ref {access};").Outdent();
            return;
        }

        writer.OpenBlock(head);
        if (property.HasGetter)
        {
            writer.Line($"get => {access};");
        }

        if (property.IsInitOnly)
        {
            writer.Line($"init => throw new global::System.NotSupportedException(\"An init-only property cannot be passed to the inner client.\");");
        }
        else if (property.HasSetter)
        {
            writer.Line($"set => {access} = value;");
        }

        writer.CloseBlock();
    }

    private static string MethodHead(MethodModel method)
    {
        string head = $"{Modifiers(method)}{method.RefKind}{method.Type} {Declared(method)}{TypeParameters(method)}({Parameters(method.Parameters)})";
        return method.Constraints.IsEmpty ? head : head + " " + string.Join(" ", method.Constraints);
    }

    private static string Modifiers(MemberModel member) => member.ExplicitInterface is null ? "public " : string.Empty;

    private static string Declared(MemberModel member)
        => member.ExplicitInterface is null ? member.Name : $"{member.ExplicitInterface}.{member.Name}";

    // Members implemented explicitly are reached through their own interface.
    private static string Target(MemberModel member, string inner = "this._inner")
        => member.ExplicitInterface is null ? inner : $"(({member.ExplicitInterface}){inner})";

    // Declared and passed on alike: <T, U>.
    private static string TypeParameters(MethodModel method)
        => method.TypeParameters.IsEmpty ? string.Empty : "<" + string.Join(", ", method.TypeParameters) + ">";

    private static string Parameters(EquatableArray<ParameterModel> parameters)
        => string.Join(", ", parameters.Select(p =>
            $"{(p.IsParams ? "params " : string.Empty)}{p.Modifier}{p.Type} {p.Name}{(p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)}"));

    private static string Arguments(EquatableArray<ParameterModel> parameters, bool withModifiers)
        => string.Join(", ", parameters.Select(p => (withModifiers && p.Modifier != "in " ? p.Modifier : string.Empty) + p.Name));

    // The call state: the inner client and every argument, in a tuple the static lambda reads back.
    private static string StateLiteral(MethodModel method)
        => method.HasPositionalState
            ? "(this._inner, " + string.Join(", ", method.Parameters.Select(p => p.Name)) + ")"
            : "(inner: this._inner, " + string.Join(", ", method.Parameters.Select(p => p.Name)) + ")";

    private static string State(MethodModel method, int position)
        => method.HasPositionalState ? $"s.Item{position + 1}" : position == 0 ? "s.inner" : "s." + method.Parameters[position - 1].Name;

    private static string CallArguments(MethodModel method)
        => string.Join(", ", method.Parameters.Select((_, i) => State(method, i + 1)));

    private static void WriteDetectors(SourceWriter writer, ClientModel client)
    {
        if (client.Members.OfType<MethodModel>().Any(m => m.Detector == ResultDetector.RefitResponse))
        {
            writer.Line();
            writer.Line("private static bool IsThrottledResponse(global::Refit.IApiResponse? response, out global::Throttling.RetryAfter retryAfter)");
            writer.Indent().Line("=> global::Throttling.ServerThrottle.IsThrottled(response?.StatusCode, response?.Headers, out retryAfter);").Outdent();
        }

        if (client.DetectsRefitExceptions)
        {
            writer.Line();
            writer.Line("private static global::System.Net.Http.Headers.HttpResponseHeaders? ReadResponseHeaders(object response) => response switch");
            writer.OpenBlock();
            writer.Line("global::Refit.IApiResponse api => api.Headers,");
            writer.Line("global::Refit.ApiException api => api.Headers,");
            writer.Line("_ => null,");
            writer.Outdent();
            writer.Line("};");
        }

        if (!client.DetectsRefitExceptions && !client.DetectsGrpcExceptions)
        {
            return;
        }

        writer.Line();
        writer.Line("private static bool IsThrottledException(global::System.Exception exception, out global::Throttling.RetryAfter retryAfter)");
        writer.OpenBlock();
        writer.Line("switch (exception)");
        writer.OpenBlock();
        if (client.DetectsRefitExceptions)
        {
            writer.Line("case global::Refit.ApiException api:");
            writer.Indent().Line("return global::Throttling.ServerThrottle.IsThrottled(api.StatusCode, api.Headers, out retryAfter);").Outdent();
        }

        if (client.DetectsGrpcExceptions)
        {
            writer.Line("case global::Grpc.Core.RpcException { StatusCode: global::Grpc.Core.StatusCode.ResourceExhausted } rpc:");
            writer.Indent();
            writer.Line("retryAfter = global::Throttling.ServerThrottle.FromGrpcPushback(rpc.Trailers?.GetValue(\"grpc-retry-pushback-ms\"));");
            writer.Line("return true;");
            writer.Outdent();
        }

        writer.Line("default:");
        writer.Indent();
        writer.Line("retryAfter = default;");
        writer.Line("return false;");
        writer.Outdent();
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
