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

        switch (member.Kind)
        {
            case MemberKind.Method when member.Handling == MemberHandling.Gated:
                WriteGatedMethod(writer, member);
                break;
            case MemberKind.Method:
                writer.Line(MethodHead(member));
                writer.Indent().Line($"=> {member.Accessors.RefKind.Replace("readonly ", string.Empty)}{Target(member)}.{member.Name}{TypeArguments(member)}({Arguments(member, withModifiers: true)});").Outdent();
                break;
            case MemberKind.Event:
                writer.OpenBlock($"{Modifiers(member)}event {member.Type} {Declared(member)}");
                writer.Line($"add => {Target(member)}.{member.Name} += value;");
                writer.Line($"remove => {Target(member)}.{member.Name} -= value;");
                writer.CloseBlock();
                break;
            default:
                WriteProperty(writer, member);
                break;
        }
    }

    private static void WriteGatedMethod(SourceWriter writer, MemberModel member)
    {
        // Fields are read through `this.` so that a parameter named like one (`_inner`, `_gate`) cannot shadow it.
        string gate = "this." + (member.GateField ?? "_gate");
        string entry = member.Shape == GatedShape.AsyncEnumerable ? "RunStream" : "RunAsync";
        string call = $"{Target(member, member.Parameters.IsEmpty ? "inner" : State(member, 0))}.{member.Name}{TypeArguments(member)}({CallArguments(member)})";
        string state = member.Parameters.IsEmpty ? "this._inner" : StateLiteral(member);
        string lambda = member.Parameters.IsEmpty ? $"static inner => {call}" : $"static s => {call}";
        var arguments = new List<string> { state, lambda };
        switch (member.Detector)
        {
            case ResultDetector.HttpResponse:
                arguments.Add("global::Throttling.ServerThrottle.HttpResponse");
                break;
            case ResultDetector.RefitResponse:
                arguments.Add($"(global::Throttling.ThrottleDetector<{member.ResultType}>)IsThrottledResponse");
                break;
        }

        if (member.CancellationToken is { } token)
        {
            arguments.Add(token);
        }

        writer.Line(MethodHead(member));
        writer.Indent().Line($"=> {gate}.{entry}({string.Join(", ", arguments)});").Outdent();
    }

    private static void WriteProperty(SourceWriter writer, MemberModel member)
    {
        string target = Target(member);
        string access = member.Kind == MemberKind.Indexer ? $"{target}[{Arguments(member, withModifiers: false)}]" : $"{target}.{member.Name}";
        string head = $"{Modifiers(member)}{member.Accessors.RefKind}{member.Type} {Declared(member)}";
        if (member.Kind == MemberKind.Indexer)
        {
            head += $"[{Parameters(member)}]";
        }

        if (member.Accessors.RefKind.Length != 0)
        {
            writer.Line(head);
            writer.Indent().Line($"=> ref {access};").Outdent();
            return;
        }

        writer.OpenBlock(head);
        if (member.Accessors.HasGetter)
        {
            writer.Line($"get => {access};");
        }

        if (member.Accessors.IsInitOnly)
        {
            writer.Line($"init => throw new global::System.NotSupportedException(\"An init-only property cannot be passed to the inner client.\");");
        }
        else if (member.Accessors.HasSetter)
        {
            writer.Line($"set => {access} = value;");
        }

        writer.CloseBlock();
    }

    private static string MethodHead(MemberModel member)
    {
        string head = $"{Modifiers(member)}{member.Accessors.RefKind}{member.Type} {Declared(member)}{TypeParameters(member)}({Parameters(member)})";
        return member.Constraints.IsEmpty ? head : head + " " + string.Join(" ", member.Constraints);
    }

    private static string Modifiers(MemberModel member) => member.ExplicitInterface is null ? "public " : string.Empty;

    private static string Declared(MemberModel member)
        => member.ExplicitInterface is null ? member.Name : $"{member.ExplicitInterface}.{member.Name}";

    // Members implemented explicitly are reached through their own interface.
    private static string Target(MemberModel member, string inner = "this._inner")
        => member.ExplicitInterface is null ? inner : $"(({member.ExplicitInterface}){inner})";

    private static string TypeParameters(MemberModel member)
        => member.TypeParameters.IsEmpty ? string.Empty : "<" + string.Join(", ", member.TypeParameters) + ">";

    private static string TypeArguments(MemberModel member) => TypeParameters(member);

    private static string Parameters(MemberModel member)
        => string.Join(", ", member.Parameters.Select(p =>
            $"{(p.IsParams ? "params " : string.Empty)}{p.Modifier}{p.Type} {p.Name}{(p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)}"));

    private static string Arguments(MemberModel member, bool withModifiers)
        => string.Join(", ", member.Parameters.Select(p => (withModifiers && p.Modifier != "in " ? p.Modifier : string.Empty) + p.Name));

    // The call state: the inner client and every argument, in a tuple the static lambda reads back.
    private static string StateLiteral(MemberModel member)
        => member.HasPositionalState
            ? "(this._inner, " + string.Join(", ", member.Parameters.Select(p => p.Name)) + ")"
            : "(inner: this._inner, " + string.Join(", ", member.Parameters.Select(p => p.Name)) + ")";

    private static string State(MemberModel member, int position)
        => member.HasPositionalState ? $"s.Item{position + 1}" : position == 0 ? "s.inner" : "s." + member.Parameters[position - 1].Name;

    private static string CallArguments(MemberModel member)
        => string.Join(", ", member.Parameters.Select((_, i) => State(member, i + 1)));

    private static void WriteDetectors(SourceWriter writer, ClientModel client)
    {
        if (client.Members.Any(m => m.Detector == ResultDetector.RefitResponse))
        {
            writer.Line();
            writer.Line("private static bool IsThrottledResponse(global::Refit.IApiResponse? response, out global::Throttling.RetryAfter retryAfter)");
            writer.Indent().Line("=> global::Throttling.ServerThrottle.IsThrottled(response?.StatusCode, response?.Headers, out retryAfter);").Outdent();
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
