namespace DurableAgents.Generator.Model;

/// <summary>The kind of an annotated class; the values match <c>DurableAgents.Definitions.ServiceType</c>.</summary>
internal enum ServiceKind
{
    Service,
    VirtualObject,
    Workflow,
}

/// <summary>
/// One <c>[Service]</c>, <c>[VirtualObject]</c> or <c>[Workflow]</c> class, reduced to what the emitter needs.
/// </summary>
/// <remarks>
/// Pipeline contract: immutable and structurally equatable all the way down (records, strings, enums and
/// <see cref="EquatableArray{T}"/>); never an <c>ISymbol</c>, <c>Compilation</c>, <c>SyntaxNode</c> or <c>Location</c>.
/// A test walks the model graph and fails on any of those.
/// </remarks>
/// <param name="HintName">The unique hint name of the generated file.</param>
/// <param name="Hierarchy">Namespace and containing types.</param>
/// <param name="ClassName">The class identifier (escaped).</param>
/// <param name="FullyQualifiedName">The <c>global::</c>-qualified class name.</param>
/// <param name="IsStatic">Whether the class is static.</param>
/// <param name="ServiceName">The Restate service name.</param>
/// <param name="Kind">Service, Virtual Object or Workflow.</param>
/// <param name="Handlers">The handlers, in declaration order.</param>
/// <param name="ClientAccessibility">The accessibility keyword of the generated clients; null when clients cannot be emitted (an inaccessible handler type).</param>
/// <param name="IsRegistrable">Whether assembly-level code can reach the class (effective accessibility internal or wider).</param>
internal sealed record ServiceModel(
    string HintName,
    TypeHierarchy Hierarchy,
    string ClassName,
    string FullyQualifiedName,
    bool IsStatic,
    string ServiceName,
    ServiceKind Kind,
    EquatableArray<HandlerModel> Handlers,
    string? ClientAccessibility,
    bool IsRegistrable)
{
    /// <summary>Whether the class is resolved from DI (it has instance handlers).</summary>
    public bool NeedsInstance
    {
        get
        {
            foreach (var h in Handlers)
            {
                if (!h.IsStatic)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The handler kind; the non-null values match <c>DurableAgents.Definitions.HandlerType</c>.</summary>
internal enum HandlerKind
{
    /// <summary>A Service handler (no handler type in the manifest).</summary>
    None,
    Exclusive,
    Shared,
    Workflow,
}

/// <summary>How a method returns.</summary>
internal enum ReturnKind
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>One handler method.</summary>
/// <param name="Name">The Restate handler name.</param>
/// <param name="MethodName">The C# method identifier (escaped).</param>
/// <param name="ClientMethodBase">The base name of client methods (method name without <c>Async</c>, escaped where needed).</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Kind">The handler kind.</param>
/// <param name="ContextType">The <c>global::</c> context interface the first parameter takes (<c>IContext</c>, <c>IObjectContext</c>, ...), or null when the handler takes no context.</param>
/// <param name="InputType">The <c>global::</c> input type (with nullable annotation), or null when the handler takes no input.</param>
/// <param name="InputRequired">Whether an input body is required.</param>
/// <param name="InputDefault">The C# expression used for an absent body when the input parameter has a default value, else null.</param>
/// <param name="InputSchema">The input JSON Schema, or null.</param>
/// <param name="OutputType">The <c>global::</c> output type, or null for <c>Task</c>/<c>ValueTask</c>.</param>
/// <param name="OutputSchema">The output JSON Schema, or null.</param>
/// <param name="Return">Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</param>
internal sealed record HandlerModel(
    string Name,
    string MethodName,
    string ClientMethodBase,
    bool IsStatic,
    HandlerKind Kind,
    string? ContextType,
    string? InputType,
    bool InputRequired,
    string? InputDefault,
    string? InputSchema,
    string? OutputType,
    string? OutputSchema,
    ReturnKind Return);
