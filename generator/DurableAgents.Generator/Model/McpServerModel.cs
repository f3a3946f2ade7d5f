namespace DurableAgents.Generator.Model;

/// <summary>One valid <c>[McpServer]</c> attribute of a <c>[DurableAgent]</c> class (invalid ones are reported by DA1011).</summary>
/// <param name="Name">The server name.</param>
/// <param name="Command">Stdio: the program, else null.</param>
/// <param name="Arguments">Stdio: its arguments.</param>
/// <param name="WorkingDirectory">Stdio: its working directory, or null.</param>
/// <param name="Url">Streamable HTTP: the endpoint, else null.</param>
/// <param name="RequireApproval">Whether every tool waits for an approval.</param>
/// <param name="ApprovalRequiredTools">The tools that wait for an approval.</param>
/// <param name="HasAllowedTools">Whether an allow-list is set (an empty one allows nothing).</param>
/// <param name="AllowedTools">The allow-list.</param>
/// <param name="ToolNamePrefix">The prefix of the names the model sees, or null.</param>
internal sealed record McpServerModel(
    string Name,
    string? Command,
    EquatableArray<string> Arguments,
    string? WorkingDirectory,
    string? Url,
    bool RequireApproval,
    EquatableArray<string> ApprovalRequiredTools,
    bool HasAllowedTools,
    EquatableArray<string> AllowedTools,
    string? ToolNamePrefix);
