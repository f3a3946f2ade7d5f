using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// Targets of calls and sends: a <c>CallTarget</c> built from constants (<c>Greeter/greet</c>), or a generated
/// in-handler client resolved by name to its durable class (the same answer inside the generator, where the client
/// does not exist yet, and in the analyzers, where it does).
/// </summary>
internal static class ClientTargets
{
    /// <summary><c>Service/handler</c> from a <c>CallTarget</c> expression, or <c>?</c>.</summary>
    public static string Of(IOperation? target)
    {
        target = StepNames.Unwrap(target);
        string? service = null, handler = null;
        System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments;
        switch (target)
        {
            case IObjectCreationOperation creation when creation.Type is { } t && StepWalker.IsRuntimeType(t, JournalNames.CallTarget):
                arguments = creation.Arguments;
                break;
            case IInvocationOperation factory when StepWalker.IsRuntimeType(factory.TargetMethod.ContainingType, JournalNames.CallTarget):
                arguments = factory.Arguments;
                break;
            default:
                return "?";
        }

        foreach (var a in arguments)
        {
            var value = StepNames.Unwrap(a.Value);
            var text = value is not null && value.ConstantValue.HasValue ? value.ConstantValue.Value as string : null;
            switch (a.Parameter?.Name)
            {
                case "Service" or "service" or "workflow":
                    service = text;
                    break;
                case "Handler" or "handler":
                    handler = text;
                    break;
            }
        }

        return service is null || handler is null ? "?" : service + "/" + handler;
    }

    /// <summary>
    /// The manifest line of a generated client method (<c>GreetAsync</c>: <c>call Greeter/greet -> String@…</c>;
    /// <c>SendGreet</c>: <c>send Greeter/greet</c>), or null when <paramref name="clientName"/> names no durable class.
    /// </summary>
    public static string? Resolve(Compilation compilation, string clientName, string methodName)
    {
        var className = clientName.Substring(0, clientName.Length - JournalNames.ContextClientSuffix.Length);
        foreach (var symbol in compilation.GetSymbolsWithName(className, SymbolFilter.Type))
        {
            if (symbol is not INamedTypeSymbol type || Durable.ServiceName(type) is not { } service)
            {
                continue;
            }

            var send = methodName.StartsWith("Send", System.StringComparison.Ordinal);
            var baseName = send ? methodName.Substring(4) : Parsing.Naming.TrimAsync(methodName);
            if (Durable.IsAgent(type))
            {
                // The agent's generated handlers: run, approve, history, approvals, reset.
                var handler = Parsing.Naming.DefaultHandlerName(baseName);
                return send ? "send " + service + "/" + handler : "call " + service + "/" + handler;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol method && Durable.HandlerName(method) is { } handler
                    && Parsing.Naming.TrimAsync(method.Name) == baseName)
                {
                    if (send)
                    {
                        return "send " + service + "/" + handler;
                    }

                    var output = Durable.Output(method);
                    return "call " + service + "/" + handler + (output is null ? "" : " -> " + ContractHasher.Contract(output));
                }
            }
        }

        return null;
    }
}
