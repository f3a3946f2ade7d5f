namespace DurableAgents.Generator.Model;

/// <summary>
/// One <c>[DurableAgent]</c> class and its <c>[DurableTool]</c> methods. Same contract as <see cref="ServiceModel"/>:
/// immutable, structurally equatable, no symbols or syntax.
/// </summary>
/// <param name="HintName">The unique hint name of the generated file.</param>
/// <param name="Hierarchy">Namespace and containing types.</param>
/// <param name="ClassName">The class identifier (escaped).</param>
/// <param name="FullyQualifiedName">The <c>global::</c>-qualified class name.</param>
/// <param name="IsStatic">Whether the class is static (tool wrappers then take no agent instance).</param>
/// <param name="AgentName">The agent's Restate service name.</param>
/// <param name="Session">Whether the agent is session-keyed (a Virtual Object).</param>
/// <param name="MaxTurns">The maximum number of model turns (0 = runtime default).</param>
/// <param name="Tools">The tools, in declaration order.</param>
/// <param name="Description">What the agent does (<c>[Description]</c> or the XML summary), or empty.</param>
/// <param name="Instructions">The system instructions from <c>[AgentInstructions]</c>, or null.</param>
/// <param name="HasConfigure">Whether the class implements <c>IConfigureDurableAgent</c>.</param>
/// <param name="McpServers">The <c>[McpServer]</c> attributes, in declaration order.</param>
/// <param name="Service">The Restate service (handlers <c>run</c>, <c>approve</c> and, for sessions, <c>history</c>, <c>approvals</c>, <c>reset</c>) emitted by the service emitter.</param>
internal sealed record AgentModel(
    string HintName,
    TypeHierarchy Hierarchy,
    string ClassName,
    string FullyQualifiedName,
    bool IsStatic,
    string AgentName,
    bool Session,
    int MaxTurns,
    EquatableArray<ToolModel> Tools,
    string Description,
    string? Instructions,
    bool HasConfigure,
    EquatableArray<McpServerModel> McpServers,
    ServiceModel Service);

/// <summary>
/// One tool. Everything an <c>AIFunction</c> needs is here: <see cref="Name"/>, <see cref="Description"/>,
/// <see cref="JsonSchema"/> (the parameters object schema) and the binding of each parameter.
/// </summary>
/// <param name="Name">The tool name shown to the model.</param>
/// <param name="Description">The tool description (attribute, <c>[Description]</c> or XML summary), or empty.</param>
/// <param name="JsonSchema">The JSON Schema of the arguments object.</param>
/// <param name="RequiresApproval">Whether calls wait for a human approval (not enforced yet; see docs/generator.md).</param>
/// <param name="MethodName">The C# method identifier (escaped).</param>
/// <param name="NestedClassName">The identifier of the generated nested class holding this tool's metadata.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Parameters">The parameters in order.</param>
/// <param name="Return">How the method returns.</param>
/// <param name="ResultType">The <c>global::</c> result type, or null when the tool returns nothing.</param>
internal sealed record ToolModel(
    string Name,
    string Description,
    string JsonSchema,
    bool RequiresApproval,
    string MethodName,
    string NestedClassName,
    bool IsStatic,
    EquatableArray<ToolParameterModel> Parameters,
    ReturnKind Return,
    string? ResultType);

/// <summary>One tool parameter.</summary>
/// <param name="JsonName">The argument name in the JSON arguments object (the C# parameter name).</param>
/// <param name="Type">The <c>global::</c> parameter type (with nullable annotation).</param>
/// <param name="IsCancellationToken">Bound to the step's cancellation token instead of an argument.</param>
/// <param name="IsRequired">Whether the argument must be present.</param>
/// <param name="DefaultValue">The C# expression used when an optional argument is absent.</param>
internal sealed record ToolParameterModel(string JsonName, string Type, bool IsCancellationToken, bool IsRequired, string DefaultValue);
