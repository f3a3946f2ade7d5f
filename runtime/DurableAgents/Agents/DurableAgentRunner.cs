using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableAgents.Agents;

/// <summary>
/// The durable agent loop. Every model response is a journaled step (<c>llm:{n}</c>) and every tool call is a journaled
/// step (<c>tool:{name}:{callId}</c>; MCP tools: <c>mcp:{server}:{tool}:{callId}</c>, after one journaled listing
/// <c>mcp:{server}:tools</c> per server and run) or a durable call (sub-agents), so a crashed run resumes where it stopped: completed
/// model turns are not paid for again and completed tools do not run again. The generated <c>run</c> handlers of
/// <c>[DurableAgent]</c> classes call <see cref="RunAsync(IContext, DurableAgentSpec, AgentRequest)"/>; hand-written
/// handlers can call <see cref="RunAsync(IContext, string, DurableAgentOptions, string)"/>.
/// </summary>
public static class DurableAgentRunner
{
    /// <summary>The state key of a session's history.</summary>
    public const string HistoryKey = "agent:history";

    /// <summary>The state key of a session's pending approvals.</summary>
    public const string ApprovalsKey = "agent:approvals";

    private static readonly Lazy<IChatClient> EnvironmentClient = new(DurableAgentModels.FromEnvironment);

    /// <summary>Runs the agent described by <paramref name="spec"/> (the generated <c>run</c> handler).</summary>
    public static Task<AgentResponse> RunAsync(IContext context, DurableAgentSpec spec, AgentRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(request);
        var options = new DurableAgentOptions
        {
            Instructions = spec.Instructions,
            MaxTurns = spec.MaxTurns > 0 ? spec.MaxTurns : DurableAgentOptions.DefaultMaxTurns,
        };
        foreach (var tool in spec.Tools)
        {
            options.Tools.Add(tool);
        }

        foreach (var server in spec.McpServers)
        {
            options.McpServers.Add(server);
        }

        spec.Configure?.Invoke(options);
        IObjectContext? session = null;
        if (spec.Session)
        {
            session = context as IObjectContext
                ?? throw new TerminalException($"Agent '{spec.Name}' is a session agent: its run handler needs an exclusive Virtual Object context.");
        }

        // A non-session agent has no state of its own: its approvals are recorded in AgentApprovals, for its approve/approvals handlers.
        return RunCoreAsync(context, spec.Name, session, spec.Session ? null : spec.Name, options, request);
    }

    /// <summary>Runs an agent loop inside any handler: <paramref name="options"/> gives the model, instructions and tools.</summary>
    public static Task<AgentResponse> RunAsync(IContext context, string message, DurableAgentOptions options, string agentName = "agent")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        return RunCoreAsync(context, agentName, null, null, options, AgentRequest.FromMessage(message));
    }

    /// <summary>Runs an agent loop whose answer is a <typeparamref name="T"/> (structured output with its JSON Schema).</summary>
    public static async Task<T> RunAsync<T>(IContext context, string message, JsonTypeInfo<T> typeInfo, DurableAgentOptions options, string agentName = "agent")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var response = await RunCoreAsync(context, agentName, null, null, options, AgentRequest.ForOutput(message, typeInfo)).ConfigureAwait(false);
        return response.GetOutput(typeInfo);
    }

    /// <summary>The session's history (the generated shared <c>history</c> handler).</summary>
    public static async Task<IList<ChatMessage>> GetHistoryAsync(ISharedObjectContext context)
        => await context.GetAsync(HistoryKey, AgentJson.Messages) ?? [];

    /// <summary>The session's pending approvals (the generated shared <c>approvals</c> handler).</summary>
    public static async Task<List<PendingApproval>> GetApprovalsAsync(ISharedObjectContext context)
        => await context.GetAsync(ApprovalsKey, AgentJson.Approvals) ?? [];

    /// <summary>
    /// The pending approvals of one run of a non-session agent (the generated <c>approvals</c> handler of a Service
    /// agent): <paramref name="invocationId"/> is the run's invocation id (<c>inv_1…</c>, returned by the ingress when
    /// the run is sent); 400 when it is not one. A run that is not waiting lists nothing.
    /// </summary>
    public static Task<List<PendingApproval>> GetApprovalsAsync(IContext context, string invocationId, string agentName)
        => ToolApprovals.ListAsync(context, invocationId, agentName);

    /// <summary>
    /// Delivers a human decision to the waiting run (the generated <c>approve</c> handler). The id must be a pending
    /// approval, else 404: in a session, of the session's state; for a non-session agent (whose approvals are recorded
    /// in <see cref="AgentApprovals"/>, which needs <paramref name="agentName"/>), of the run that requested it, and not
    /// yet decided or expired.
    /// </summary>
    public static Task<bool> ApproveAsync(IContext context, ApprovalDecision decision, string? agentName = null)
        => ToolApprovals.ApproveAsync(context, decision, agentName);

    /// <summary>Forgets the session's history (the generated <c>reset</c> handler).</summary>
    public static Task ResetAsync(IObjectContext context)
    {
        context.Clear(HistoryKey);
        return Task.CompletedTask;
    }

    private static IChatClient ResolveChatClient(IContext context, string agentName, DurableAgentOptions options)
    {
        if (options.ChatClient is { } configured)
        {
            return configured;
        }

        if (context is IHandlerContext { Services: { } services })
        {
            if (services is IKeyedServiceProvider keyedProvider && keyedProvider.GetKeyedService(typeof(IChatClient), agentName) is IChatClient keyed)
            {
                return keyed;
            }

            if (services.GetService(typeof(IChatClient)) is IChatClient shared)
            {
                return shared;
            }
        }

        return EnvironmentClient.Value;
    }

    /// <summary>One attempt of the agent run, publishing its run events (docs/streaming.md) when enabled.</summary>
    private static async Task<AgentResponse> RunCoreAsync(IContext context, string agentName, IObjectContext? session, string? recordApprovalsAs, DurableAgentOptions options, AgentRequest request)
    {
        // The run's event log (docs/streaming.md): journaled sends, so a replay does not publish an event twice.
        var events = Streaming.RunEventPublisher.For(context, options);
        events?.RunStarted(agentName, request.Message);
        try
        {
            var response = await RunTracedAsync(context, agentName, session, recordApprovalsAs, options, request, events).ConfigureAwait(false);
            events?.RunFinished(response);
            return response;
        }
        catch (TerminalException e) when (events is not null)
        {
            events.RunFailed(e);
            throw;
        }
    }

    /// <summary>
    /// One attempt of the agent run, inside its <c>invoke_agent {name}</c> span (when listened to): the span is the parent
    /// of this attempt's steps, and carries the usage of the model calls made in this attempt only.
    /// </summary>
    private static async Task<AgentResponse> RunTracedAsync(IContext context, string agentName, IObjectContext? session, string? recordApprovalsAs, DurableAgentOptions options,
        AgentRequest request, Streaming.RunEventPublisher? events)
    {
        var inner = ResolveChatClient(context, agentName, options);
        AgentRunTelemetry? telemetry = null;
        if (DurableAgentsTelemetry.Source.HasListeners())
        {
            var metadata = inner.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
            telemetry = DurableAgentsTelemetry.StartAgentRun(agentName, context.InvocationId, session?.Key, options.ChatOptions?.ModelId ?? metadata?.DefaultModelId,
                metadata?.ProviderName);
        }

        using (telemetry)
        {
            try
            {
                var response = await RunLoopAsync(context, agentName, session, recordApprovalsAs, options, request, inner, telemetry, events).ConfigureAwait(false);
                telemetry?.Succeeded(response.ModelId);
                return response;
            }
            catch (Exception e) when (telemetry is not null)
            {
                telemetry.Failed(e);
                throw;
            }
        }
    }

    private static async Task<AgentResponse> RunLoopAsync(IContext context, string agentName, IObjectContext? session, string? recordApprovalsAs, DurableAgentOptions options,
        AgentRequest request, IChatClient inner, AgentRunTelemetry? telemetry, Streaming.RunEventPublisher? events)
    {
        var chat = new DurableChatClient(inner, context, new DurableChatClientOptions { RetryPolicy = options.ModelRetryPolicy, LiveDeltas = events }) { AgentRun = telemetry };
        var history = new List<ChatMessage>();
        if (session is not null)
        {
            history.AddRange(await session.GetAsync(HistoryKey, AgentJson.Messages) ?? []);
            history = await CompactAsync(context, inner, history, options, telemetry).ConfigureAwait(false);
        }

        history.Add(new ChatMessage(ChatRole.User, request.Message));
        IList<DurableTool> tools = options.Tools;
        if (options.McpServers.Count > 0)
        {
            // One journaled listing per server and run: a replay offers the model the tool set of the first attempt.
            var mcpTools = await Mcp.McpToolListing.LoadAsync(context, options.McpServers.ToList(), tools.Select(static t => t.Name)).ConfigureAwait(false);
            tools = [.. tools, .. mcpTools];
        }

        var byName = new Dictionary<string, DurableTool>(StringComparer.Ordinal);
        foreach (var t in tools)
        {
            byName.TryAdd(t.Name, t);
        }

        var chatOptions = options.ChatOptions?.Clone() ?? new ChatOptions();
        if (request.ResponseSchema is { } schema)
        {
            chatOptions.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, request.ResponseSchemaName ?? "output");
        }

        var settings = new ToolRunSettings(options.ToolRetryPolicy, options.ToolErrors);
        var maxTurns = Math.Max(1, options.MaxTurns);
        int turns = 0, executedTools = 0;
        long? inputTokens = null, outputTokens = null;
        ChatResponse? last = null;
        for (var turn = 1; ; turn++)
        {
            var lastTurn = turn >= maxTurns;
            chatOptions.Tools = lastTurn || tools.Count == 0 ? null : tools.Select(static t => (AITool)t.Declaration).ToList();
            var prompt = Prompt(options.Instructions, history);
            ChatResponse response;
            if (options.Streaming)
            {
                await foreach (var update in chat.GetStreamingResponseAsync(prompt, chatOptions).ConfigureAwait(false))
                {
                    options.OnUpdate?.Invoke(update);
                }

                response = chat.LastResponse!;
            }
            else
            {
                response = await chat.GetResponseAsync(prompt, chatOptions).ConfigureAwait(false);
            }

            turns++;
            last = response;
            events?.ModelTurn(chat.Calls, response);
            if (response.Usage is { } usage)
            {
                inputTokens = (inputTokens ?? 0) + (usage.InputTokenCount ?? 0);
                outputTokens = (outputTokens ?? 0) + (usage.OutputTokenCount ?? 0);
            }

            history.AddMessages(response);
            var calls = response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                break;
            }

            if (lastTurn)
            {
                // Keep the history well-formed for the next session turn: every call gets a result.
                history.Add(new ChatMessage(ChatRole.Tool, calls.Select(c => (AIContent)new FunctionResultContent(c.CallId, "Not executed: the agent reached its turn limit.")).ToList()));
                break;
            }

            var (results, executed) = await ExecuteToolsAsync(context, session, recordApprovalsAs, byName, calls, options, settings).ConfigureAwait(false);
            executedTools += executed;
            events?.ToolResults(calls, results);
            history.Add(new ChatMessage(ChatRole.Tool, results));
            session?.Set(HistoryKey, (IList<ChatMessage>)history, AgentJson.Messages);
        }

        session?.Set(HistoryKey, (IList<ChatMessage>)history, AgentJson.Messages);
        var text = last?.Text ?? "";
        JsonElement? output = null;
        if (request.ResponseSchema is not null)
        {
            output = ParseJson(text) ?? throw new TerminalException($"Agent '{agentName}' was asked for structured output but answered with text that is not JSON: {Truncate(text, 200)}", 500);
        }

        return new AgentResponse
        {
            Text = text,
            Output = output,
            Turns = turns,
            ToolCalls = executedTools,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            ModelId = last?.ModelId,
        };
    }

    private static List<ChatMessage> Prompt(string? instructions, List<ChatMessage> history)
    {
        var prompt = new List<ChatMessage>(history.Count + 1);
        if (!string.IsNullOrWhiteSpace(instructions))
        {
            prompt.Add(new ChatMessage(ChatRole.System, instructions));
        }

        prompt.AddRange(history);
        return prompt;
    }

    /// <summary>
    /// Runs one response's tool calls. Approvals are requested first (all at once, then awaited in call order, raced
    /// with one durable timer); then every executable call is started in call order, so the journal order is the
    /// model's order; the calls run concurrently and are awaited in that order.
    /// </summary>
    private static async Task<(List<AIContent> Results, int Executed)> ExecuteToolsAsync(IContext context, IObjectContext? session, string? recordApprovalsAs,
        Dictionary<string, DurableTool> byName, List<FunctionCallContent> calls, DurableAgentOptions options, ToolRunSettings settings)
    {
        var results = new AIContent?[calls.Count];
        var tools = new DurableTool?[calls.Count];
        var arguments = new JsonElement[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            arguments[i] = Arguments(calls[i]);
            if (byName.TryGetValue(calls[i].Name, out var tool))
            {
                tools[i] = tool;
            }
            else
            {
                results[i] = new FunctionResultContent(calls[i].CallId, $"Error: there is no tool named '{calls[i].Name}'. Available: {string.Join(", ", byName.Keys)}.");
            }
        }

        await ToolApprovals.RequestAsync(context, session, recordApprovalsAs, calls, tools, arguments, results, options).ConfigureAwait(false);

        var started = new ToolInvocation?[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            if (results[i] is null && tools[i] is { } tool)
            {
                started[i] = tool.Start(context, calls[i].CallId, arguments[i], settings);
            }
        }

        var executed = 0;
        for (var i = 0; i < calls.Count; i++)
        {
            if (started[i] is not { } invocation)
            {
                continue;
            }

            ToolOutcome outcome;
            try
            {
                outcome = await invocation.Outcome().ConfigureAwait(false);
            }
            catch (TerminalException e) when (e.Code != 409 && settings.Errors == ToolErrorBehavior.ReturnToModel)
            {
                // The tool's retries are exhausted (or the sub-agent failed): the model is told and may recover.
                outcome = new ToolOutcome { Error = e.Message };
            }

            if (outcome.TerminalCode is { } code)
            {
                throw new TerminalException(outcome.TerminalMessage ?? $"Tool '{calls[i].Name}' failed.", code);
            }

            executed++;
            results[i] = new FunctionResultContent(calls[i].CallId, outcome.Result is { } r ? r : "Error: " + outcome.Error);
        }

        return (results.Select(static r => r!).ToList(), executed);
    }

    private static JsonElement Arguments(FunctionCallContent call)
    {
        if (call.Arguments is null)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }

        return JsonSerializer.SerializeToElement(call.Arguments, (JsonTypeInfo<IDictionary<string, object?>>)AgentJson.ChatOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    private static async Task<List<ChatMessage>> CompactAsync(IContext context, IChatClient inner, List<ChatMessage> history, DurableAgentOptions options, AgentRunTelemetry? telemetry)
    {
        var c = options.Compaction;
        if (c.MaxCharacters <= 0 || history.Count == 0)
        {
            return history;
        }

        var size = JsonSerializer.SerializeToUtf8Bytes((IList<ChatMessage>)history, AgentJson.Messages).Length;
        if (size <= c.MaxCharacters)
        {
            return history;
        }

        // Summarize everything before a user message, keeping at least the last KeepLastMessages verbatim, so a tool
        // call is never separated from its result.
        var split = Math.Max(0, history.Count - Math.Max(0, c.KeepLastMessages));
        while (split > 0 && split < history.Count && history[split].Role != ChatRole.User)
        {
            split--;
        }

        if (split <= 0)
        {
            return history;
        }

        var transcript = new System.Text.StringBuilder();
        foreach (var m in history.Take(split))
        {
            var text = m.Text;
            foreach (var content in m.Contents)
            {
                if (content is FunctionCallContent fc)
                {
                    text += $" [called {fc.Name}]";
                }
                else if (content is FunctionResultContent fr)
                {
                    text += $" [tool result: {fr.Result}]";
                }
            }

            transcript.Append(m.Role.Value).Append(": ").AppendLine(text.Trim());
        }

        var summarizer = new DurableChatClient(inner, context, new DurableChatClientOptions { StepPrefix = "compact", RetryPolicy = options.ModelRetryPolicy }) { AgentRun = telemetry };
        var summary = await summarizer.GetResponseAsync(
        [
            new ChatMessage(ChatRole.System, c.Instructions),
            new ChatMessage(ChatRole.User, transcript.ToString()),
        ]).ConfigureAwait(false);
        var compacted = new List<ChatMessage>(history.Count - split + 1)
        {
            new(ChatRole.System, "Summary of the earlier conversation: " + summary.Text),
        };
        compacted.AddRange(history.Skip(split));
        return compacted;
    }

    private static JsonElement? ParseJson(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            var start = trimmed.IndexOf('\n');
            var end = trimmed.LastIndexOf("```", StringComparison.Ordinal);
            if (start > 0 && end > start)
            {
                trimmed = trimmed[(start + 1)..end].Trim();
            }
        }

        try
        {
            using var doc = JsonDocument.Parse(trimmed);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
