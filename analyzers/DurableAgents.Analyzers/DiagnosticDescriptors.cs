using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers;

/// <summary>
/// Every descriptor of the DurableAgents analyzers. Severities are defaults: override per rule in
/// <c>.editorconfig</c> (<c>dotnet_diagnostic.DA2001.severity = error</c>).
/// </summary>
public static class DiagnosticDescriptors
{
    private static DiagnosticDescriptor Create(
        string id,
        string category,
        DiagnosticSeverity severity,
        string title,
        string message,
        string description) =>
        new(
            id,
            title,
            message,
            category,
            severity,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: RuleIds.HelpLink(id));

    // ---------------------------------------------------------------- Declaration (DA1xxx)

    public static readonly DiagnosticDescriptor DurableClassMustBePartial = Create(
        RuleIds.DurableClassMustBePartial,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Durable class must be partial",
        "'{0}' is marked [{1}] but {2} is not partial; the generator adds the handler code to it",
        "The source generator completes a [Service], [VirtualObject], [Workflow] or [DurableAgent] class with a second partial declaration. The class and every type that contains it must be declared partial.");

    public static readonly DiagnosticDescriptor InvalidHandlerSignature = Create(
        RuleIds.InvalidHandlerSignature,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Invalid handler signature",
        "Handler '{0}' has an invalid signature: {1}",
        "A handler takes the context that matches its class kind (or none) plus at most one input, and returns Task, Task<T>, ValueTask or ValueTask<T>.");

    public static readonly DiagnosticDescriptor DuplicateHandlerOrToolName = Create(
        RuleIds.DuplicateHandlerOrToolName,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Duplicate handler or tool name",
        "{0} name '{1}' of '{2}' is already used by '{3}'",
        "Restate routes invocations by handler name, and the model calls tools by name, so names must be unique within a class. Overloads, and methods that differ only by an Async suffix or by case, map to the same name.");

    public static readonly DiagnosticDescriptor TypeNotJsonSerializable = Create(
        RuleIds.TypeNotJsonSerializable,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Handler or tool type cannot be serialized",
        "{0} of '{1}' has type '{2}', which System.Text.Json cannot serialize: {3}",
        "Handler and tool inputs and results are journaled and sent as JSON. Streams, readers and writers, tasks, delegates, pointers, IntPtr, ref structs (Span, ReadOnlySpan), reflection types, multi-dimensional arrays, open type parameters and classes without a usable constructor fail at run time; no JSON metadata can fix that, so there is no code fix.");

    public static readonly DiagnosticDescriptor ToolWithoutDescription = Create(
        RuleIds.ToolWithoutDescription,
        RuleCategories.Declaration,
        DiagnosticSeverity.Info,
        "Durable tool has no description",
        "Tool '{0}' has no description; set [DurableTool(Description = \"...\")], add [Description] or an XML <summary> so the model knows when to call it",
        "The model chooses tools from their names and descriptions; a tool without a description is called less reliably. This is advice, not a replay hazard (the call is journaled either way), so it is Info; raise it in .editorconfig to make it visible in builds.");

    public static readonly DiagnosticDescriptor DescribedMethodNotTool = Create(
        RuleIds.DescribedMethodNotTool,
        RuleCategories.Declaration,
        DiagnosticSeverity.Warning,
        "Method named in the agent's instructions is not a durable tool",
        "'{0}' has [Description] and the instructions of '{1}' name it ('{2}'), but it is not marked [DurableTool]: the model is never offered it",
        "Only [DurableTool] methods become tools of a [DurableAgent] (each call a journaled step). A described method that the instructions tell the model to use but that lacks the attribute is silently absent from the tool list.");

    public static readonly DiagnosticDescriptor InvalidMcpServer = Create(
        RuleIds.InvalidMcpServer,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Invalid [McpServer] declaration",
        "[McpServer] on '{0}': {1}",
        "An [McpServer] attribute of a [DurableAgent] class names the server (1 to 64 ASCII letters, digits, '_', '-' or '.'; unique per agent, as it is part of the step names mcp:{server}:...) and sets exactly one of Command (stdio) and Url (an absolute http(s) URL, Streamable HTTP). The generator does not generate an agent whose declaration is invalid.");

    public static readonly DiagnosticDescriptor HandlerOutsideDurableClass = Create(
        RuleIds.HandlerOutsideDurableClass,
        RuleCategories.Declaration,
        DiagnosticSeverity.Warning,
        "Handler or tool attribute on a class the generator ignores",
        "'{0}' is marked [{1}] but its class is not marked {2}; the generator ignores it",
        "[Handler] and [SharedHandler] only take effect in a [Service], [VirtualObject], [Workflow] or [DurableAgent] class, and [DurableTool] only in a [DurableAgent] class.");

    public static readonly DiagnosticDescriptor InvalidDurableClass = Create(
        RuleIds.InvalidDurableClass,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Invalid durable class",
        "'{0}' cannot be a durable class: {1}",
        "The generator only handles non-generic, non-abstract, non-file-local classes with exactly one of [Service], [VirtualObject], [Workflow] or [DurableAgent], and a workflow with exactly one run handler; for anything else it emits nothing.");

    public static readonly DiagnosticDescriptor InvalidToolSignature = Create(
        RuleIds.InvalidToolSignature,
        RuleCategories.Declaration,
        DiagnosticSeverity.Error,
        "Invalid durable tool signature",
        "Tool '{0}' has an invalid signature: {1}",
        "A durable tool is a non-generic, non-abstract method whose parameters are JSON values (plus an optional CancellationToken), passed by value, and whose result is a JSON value, Task, Task<T>, ValueTask or ValueTask<T>.");

    public static readonly DiagnosticDescriptor MissingJsonMetadata = Create(
        RuleIds.MissingJsonMetadata,
        RuleCategories.Declaration,
        DiagnosticSeverity.Warning,
        "Handler or tool type has no System.Text.Json source-generated metadata",
        "Type '{0}' of {1} '{2}' has no JSON metadata: add [JsonSerializable(typeof({3}))] to a JsonSerializerContext in this assembly (Native AOT cannot serialize it)",
        "The generated handlers and tools resolve JSON metadata from the endpoint's resolver chain: the assembly's JsonSerializerContexts, BuiltInJsonContext and, with agents, the agent runtime's metadata. Under Native AOT there is no reflection fallback, so a type missing from every context fails at run time.");

    // ---------------------------------------------------------------- Determinism (DA2xxx)

    public static readonly DiagnosticDescriptor NonDeterministicClock = Create(
        RuleIds.NonDeterministicClock,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Wall-clock read outside a step",
        "{0} in {1} reads the clock, which returns a different value on replay; use 'await ctx.NowAsync()'",
        "Code outside RunAsync runs again on every replay. A clock read returns a new value each time, so decisions based on it can take a different path than the journal recorded. The context's NowAsync journals the time once.");

    public static readonly DiagnosticDescriptor NonDeterministicGuid = Create(
        RuleIds.NonDeterministicGuid,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Random GUID outside a step",
        "{0} in {1} returns a different GUID on replay; use 'ctx.NewGuid()'",
        "A GUID generated outside a step differs on every replay; ctx.NewGuid() derives it from the invocation's journaled seed.");

    public static readonly DiagnosticDescriptor NonDeterministicRandom = Create(
        RuleIds.NonDeterministicRandom,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Unseeded random source outside a step",
        "{0} in {1} is not seeded by the invocation, so replay sees other numbers; use 'ctx.Random'",
        "new Random(), Random.Shared and RandomNumberGenerator produce different values on replay; ctx.Random is seeded by Restate and repeats the same sequence.");

    public static readonly DiagnosticDescriptor NonDurableDelay = Create(
        RuleIds.NonDurableDelay,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "In-process delay or timer in durable code",
        "{0} in {1} waits in process: the wait is lost on restart and holds the invocation open; use 'await ctx.SleepAsync(...)'",
        "Task.Delay, Thread.Sleep and timers are not journaled: a restart starts the wait over, and the invocation cannot suspend. ctx.SleepAsync is a durable timer kept by Restate.");

    public static readonly DiagnosticDescriptor UnjournaledConcurrency = Create(
        RuleIds.UnjournaledConcurrency,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Background or parallel work outside a step",
        "{0} in {1} runs code on other threads outside the journal; durable operations from there interleave differently on replay",
        "Durable operations must be issued in the same order on every replay. Work started with Task.Run, TaskFactory.StartNew, new Thread, ThreadPool or Parallel runs concurrently with the handler, so its order is not deterministic. Run side effects in ctx.RunAsync and combine durable futures with ctx.WhenAll/ctx.WhenAny.");

    public static readonly DiagnosticDescriptor ConfigureAwaitFalse = Create(
        RuleIds.ConfigureAwaitFalse,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "ConfigureAwait(false) in durable code",
        "{0} in {1} resumes durable code on an arbitrary thread-pool thread; remove it",
        "Handler code between durable awaits must run in the invocation's order. ConfigureAwait(false) lets the continuation run concurrently with the SDK's own processing.");

    public static readonly DiagnosticDescriptor TaskCombinatorOverDurableFutures = Create(
        RuleIds.TaskCombinatorOverDurableFutures,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Task.WhenAny/WaitAny/WhenEach over durable futures",
        "{0} in {1} picks the first of several durable futures by which task finishes first in this process, which is not journaled; use 'ctx.{2}(...)'",
        "Task.WhenAny, Task.WaitAny and Task.WhenEach order tasks by when they finish in this process, which can differ on replay. ctx.WhenAny is a journaled combinator that resolves in journal order. Task.WhenAll is not reported: it waits for every task, so no decision depends on the order.");

    public static readonly DiagnosticDescriptor IoOutsideStep = Create(
        RuleIds.IoOutsideStep,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "I/O outside a step",
        "{0} in {1} performs I/O outside a step: it runs again on every replay and may return something else; wrap it in 'ctx.RunAsync'",
        "Network, file, process, database and console I/O is a side effect whose result is not journaled unless it runs in ctx.RunAsync.");

    public static readonly DiagnosticDescriptor LlmCallOutsideStep = Create(
        RuleIds.LlmCallOutsideStep,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Model or AI-function call outside a step",
        "{0} in {1} calls a model or tool outside a step: it is paid for again on every replay and may answer differently; wrap it in 'ctx.RunAsync' or use the durable chat client",
        "IChatClient responses and AIFunction results are not deterministic. Outside a step they are requested again on replay and can send the handler down a different path.");

    public static readonly DiagnosticDescriptor EnvironmentRead = Create(
        RuleIds.EnvironmentRead,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Process environment or machine read outside a step",
        "{0} in {1} reads the process environment or the machine, which can differ on the replica that replays; read it in a step or pass it as input",
        "A replay may run in another process, on another machine or in another deployment, with other environment variables, processor count, machine or user name and working directory. Decisions based on them can take another path than the journal recorded.");

    public static readonly DiagnosticDescriptor MutableStaticRead = Create(
        RuleIds.MutableStaticRead,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Process-local static state read outside a step",
        "{0} in {1} reads {2}, whose value is not journaled and can differ on replay or on another replica",
        "Static fields and properties live in one process: a mutable static, a static collection that code can change, or a static readonly value initialized from the clock, a random source, a new GUID or the machine has another value after a restart or on another replica, so code that reads it can diverge from the journal.");

    public static readonly DiagnosticDescriptor UnorderedIterationDrivesDurableCalls = Create(
        RuleIds.UnorderedIterationDrivesDurableCalls,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Hash-ordered iteration decides the order of durable calls",
        "{0} in {1} iterates a hash-ordered collection and issues durable operations in that order; iterate a sorted sequence",
        "Durable operations must be issued in the same order on replay. The enumeration order of hash-based collections is an implementation detail (and for concurrent collections depends on per-process string hashing).");

    public static readonly DiagnosticDescriptor MutableStaticWriteInTool = Create(
        RuleIds.MutableStaticWriteInTool,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Durable tool changes static state",
        "Tool '{0}' changes the static '{1}': the change happens only when the step runs, not on replay or on another replica; return the value from the tool or keep it in durable state",
        "A tool body is a journaled step: on replay its recorded result is returned and the body does not run, and a replay can happen in another process. Static fields and properties written by the body, and static collections it adds to or removes from, are therefore missing or different whenever later code reads them.");

    public static readonly DiagnosticDescriptor StaticStateWrite = Create(
        RuleIds.StaticStateWrite,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Durable code changes static state",
        "{0} in {1} changes process-wide static state ({2}), which is not journaled: a replay or another replica does not see the change; keep the value in durable state or pass it along",
        "Durable code runs again on replay, possibly in another process. A static field or property it assigns, or a static collection it adds to or removes from, keeps the change only in the process that made it: code that later reads it sees another value on replay, and a replay repeats the change.");

    public static readonly DiagnosticDescriptor AgentRunOutsideStep = Create(
        RuleIds.AgentRunOutsideStep,
        RuleCategories.Determinism,
        DiagnosticSeverity.Warning,
        "Agent run outside a step",
        "{0} in {1} runs an agent outside the journal: every model and tool call it makes repeats on replay and may answer differently; make it a [DurableAgent] (calls journaled one by one) or run it in 'ctx.RunAsync'",
        "A Microsoft Agent Framework AIAgent (ChatClientAgent and others), or any agent type that wraps an IChatClient, calls the model and its tools itself. None of it is journaled when it runs directly in a handler: a replay pays for it again and can take another path.");

    // ---------------------------------------------------------------- Context usage (DA3xxx)

    public static readonly DiagnosticDescriptor ContextUsedInsideStep = Create(
        RuleIds.ContextUsedInsideStep,
        RuleCategories.Context,
        DiagnosticSeverity.Warning,
        "Durable context used inside a step",
        "'{0}' is used inside a step (a RunAsync delegate or another delegate the runtime runs as a step); durable operations cannot run inside a step",
        "A step's body runs once and only its result is journaled. Durable operations issued from inside it are not part of the handler's journal order and fail or diverge on replay. Move them outside the step.");

    public static readonly DiagnosticDescriptor CapturedVariableMutatedInsideStep = Create(
        RuleIds.CapturedVariableMutatedInsideStep,
        RuleCategories.Context,
        DiagnosticSeverity.Warning,
        "Variable or field mutated inside a step",
        "'{0}' is changed inside a step but lives outside it; on replay the step body does not run, so the change is lost and the code after the step sees a different value; return the value from the step instead",
        "On replay RunAsync (and every delegate the runtime runs as a step) returns the journaled result without running the body, so changes the body makes to fields and properties of the handler, static state, or captured variables read after the step happen only on the first execution.");

    public static readonly DiagnosticDescriptor BlockingWaitOnDurableFuture = Create(
        RuleIds.BlockingWaitOnDurableFuture,
        RuleCategories.Context,
        DiagnosticSeverity.Error,
        "Blocking wait on a durable future",
        "{0} blocks on a durable future; await it instead",
        "A durable future completes only when the SDK processes the journal, which the blocked thread prevents; the SDK throws when a future is read before it completes.");

    public static readonly DiagnosticDescriptor AsyncVoidHandler = Create(
        RuleIds.AsyncVoidHandler,
        RuleCategories.Context,
        DiagnosticSeverity.Error,
        "Async void handler or tool",
        "'{0}' is async void; handlers and tools must return Task or ValueTask so the SDK can await them",
        "The SDK cannot observe completion or failure of an async void method: its result is never journaled and its exceptions crash the process.");

    public static readonly DiagnosticDescriptor CatchSwallowsSdkExceptions = Create(
        RuleIds.CatchSwallowsSdkExceptions,
        RuleCategories.Context,
        DiagnosticSeverity.Warning,
        "Catch swallows the SDK's suspension or cancellation exceptions",
        "This catch clause can swallow {0} thrown at the durable awaits of its try block; rethrow it with 'throw;' or exclude it with a filter such as 'when (e is not {1})'",
        "The SDK unwinds handler code with InvocationClosedException when an attempt ends (suspension, retry, journal mismatch) and signals cancellation with CancelledException, a TerminalException. A catch that covers them (catch, catch (Exception), catch (TerminalException)), whose filter does not exclude them and whose block does not rethrow them, runs code whose outcome is already decided or ignores the cancellation.");

    public static readonly DiagnosticDescriptor DurableFutureNotAwaited = Create(
        RuleIds.DurableFutureNotAwaited,
        RuleCategories.Context,
        DiagnosticSeverity.Warning,
        "Durable future never awaited",
        "The durable future returned by '{0}' is never awaited; its failure is lost and the handler may finish before it",
        "A durable operation whose future is dropped still creates a journal entry, but the handler does not wait for it or observe its failure. Await it, or combine it with ctx.WhenAll.");

    public static readonly DiagnosticDescriptor StateWriteInSharedHandler = Create(
        RuleIds.StateWriteInSharedHandler,
        RuleCategories.Context,
        DiagnosticSeverity.Error,
        "State write in a shared handler",
        "'{0}' writes state in shared handler '{1}'; shared handlers run concurrently and may only read state",
        "Shared handlers of Virtual Objects and Workflows run concurrently with the exclusive handler of the same key and get read-only state access.");

    // ---------------------------------------------------------------- Journal lock (DA4xxx)
    // Reported from the compilation-end action (the manifests need every helper body): the analyzer supports their
    // CompilationEnd twins (AsCompilationEnd).

    public static readonly DiagnosticDescriptor JournalIncompatibleChange = Create(
        RuleIds.JournalIncompatibleChange,
        RuleCategories.JournalLock,
        DiagnosticSeverity.Error,
        "Incompatible change to a locked journal",
        "Handler '{0}' changes its journal at step {1}: locked '{2}', now '{3}' ({4}). In-flight invocations would fail with a journal mismatch (570).",
        "A handler recorded in DurableAgents.journal.lock writes a different journal than the locked one (a step renamed, removed, reordered, of another kind or with another result contract). Invocations in flight on the locked version replay against this code and fail with a journal mismatch. Keep the old path behind ctx.IsPatched, deploy as a new deployment, or accept the change into the lock once nothing is in flight.");

    public static readonly DiagnosticDescriptor JournalToolOrHandlerRemoved = Create(
        RuleIds.JournalToolOrHandlerRemoved,
        RuleCategories.JournalLock,
        DiagnosticSeverity.Error,
        "Locked tool or handler removed or changed incompatibly",
        "'{0}' {1}: locked '{2}', now '{3}'. Invocations in flight on the locked version would fail.",
        "A tool recorded in DurableAgents.journal.lock is removed or its argument schema changes incompatibly (an argument removed, retyped or made required, a new required argument, another result contract), or a locked handler no longer exists.");

    public static readonly DiagnosticDescriptor JournalCompatibleChange = Create(
        RuleIds.JournalCompatibleChange,
        RuleCategories.JournalLock,
        DiagnosticSeverity.Info,
        "Compatible journal change not in the lock",
        "'{0}' has a compatible journal change not yet in DurableAgents.journal.lock ({1}): '{2}'",
        "A change that in-flight invocations replay safely (steps appended after the last locked one, a new handler or tool, a new optional tool argument, a version gate that keeps the locked entries) is not recorded in the lock yet. Accept it into the lock.");

    public static readonly DiagnosticDescriptor JournalNonConstantStepName = Create(
        RuleIds.JournalNonConstantStepName,
        RuleCategories.JournalLock,
        DiagnosticSeverity.Warning,
        "Step name is not a compile-time constant",
        "The step name '{0}' is not a compile-time constant (the journal lock records it as \"{1}\"); use a constant name",
        "The journal lock compares step names; a computed name is recorded as its pattern or '*', so a change in how it is computed is not seen. A name that differs between the recording and the replay fails with a journal mismatch.");

    public static readonly DiagnosticDescriptor JournalLockMalformed = Create(
        RuleIds.JournalLockMalformed,
        RuleCategories.JournalLock,
        DiagnosticSeverity.Error,
        "Malformed journal lock file",
        "DurableAgents.journal.lock line {0}: {1}",
        "The lock file cannot be read, so no journal is checked. Fix the line or rewrite the lock with `dotnet build -p:DurableAgentsJournalLock=update`.");

    /// <summary>All descriptors, for tests and documentation checks.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        DurableClassMustBePartial,
        InvalidHandlerSignature,
        DuplicateHandlerOrToolName,
        TypeNotJsonSerializable,
        ToolWithoutDescription,
        HandlerOutsideDurableClass,
        InvalidDurableClass,
        InvalidToolSignature,
        MissingJsonMetadata,
        DescribedMethodNotTool,
        InvalidMcpServer,
        NonDeterministicClock,
        NonDeterministicGuid,
        NonDeterministicRandom,
        NonDurableDelay,
        UnjournaledConcurrency,
        ConfigureAwaitFalse,
        TaskCombinatorOverDurableFutures,
        IoOutsideStep,
        LlmCallOutsideStep,
        EnvironmentRead,
        MutableStaticRead,
        UnorderedIterationDrivesDurableCalls,
        MutableStaticWriteInTool,
        AgentRunOutsideStep,
        StaticStateWrite,
        ContextUsedInsideStep,
        CapturedVariableMutatedInsideStep,
        BlockingWaitOnDurableFuture,
        AsyncVoidHandler,
        CatchSwallowsSdkExceptions,
        DurableFutureNotAwaited,
        StateWriteInSharedHandler,
        JournalIncompatibleChange,
        JournalToolOrHandlerRemoved,
        JournalCompatibleChange,
        JournalNonConstantStepName,
        JournalLockMalformed);

    /// <summary>
    /// The same rule reported from the compilation-end action (a violation in a helper reached through the call graph).
    /// Roslyn requires the <c>CompilationEnd</c> tag on descriptors reported there (RS1037).
    /// </summary>
    internal static DiagnosticDescriptor AsCompilationEnd(DiagnosticDescriptor d) =>
        new(
            d.Id,
            d.Title,
            d.MessageFormat,
            d.Category,
            d.DefaultSeverity,
            d.IsEnabledByDefault,
            d.Description,
            d.HelpLinkUri,
            WellKnownDiagnosticTags.CompilationEnd);
}
