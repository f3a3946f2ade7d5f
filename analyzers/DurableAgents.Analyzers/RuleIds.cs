namespace DurableAgents.Analyzers;

/// <summary>
/// Every diagnostic id in one place. Ranges: <c>DA1xxx</c> declaration, <c>DA2xxx</c> determinism (code outside
/// durable steps), <c>DA3xxx</c> context usage, <c>DA4xxx</c> journal lock (the handlers' journal shapes against
/// <c>DurableAgents.journal.lock</c>, docs/journal-lock.md). Ids are never reused; a retired rule keeps its number.
/// </summary>
public static class RuleIds
{
    // Declaration
    public const string DurableClassMustBePartial = "DA1001";
    public const string InvalidHandlerSignature = "DA1002";
    public const string DuplicateHandlerOrToolName = "DA1003";
    public const string TypeNotJsonSerializable = "DA1004";
    public const string ToolWithoutDescription = "DA1005";
    public const string HandlerOutsideDurableClass = "DA1006";
    public const string InvalidDurableClass = "DA1007";
    public const string InvalidToolSignature = "DA1008";
    public const string MissingJsonMetadata = "DA1009";
    public const string DescribedMethodNotTool = "DA1010";
    public const string InvalidMcpServer = "DA1011";

    // Determinism
    public const string NonDeterministicClock = "DA2001";
    public const string NonDeterministicGuid = "DA2002";
    public const string NonDeterministicRandom = "DA2003";
    public const string NonDurableDelay = "DA2004";
    public const string UnjournaledConcurrency = "DA2005";
    public const string ConfigureAwaitFalse = "DA2006";
    public const string TaskCombinatorOverDurableFutures = "DA2007";
    public const string IoOutsideStep = "DA2008";
    public const string LlmCallOutsideStep = "DA2009";
    public const string EnvironmentRead = "DA2010";
    public const string MutableStaticRead = "DA2011";
    public const string UnorderedIterationDrivesDurableCalls = "DA2012";
    public const string MutableStaticWriteInTool = "DA2013";
    public const string AgentRunOutsideStep = "DA2014";
    public const string StaticStateWrite = "DA2015";

    // Context usage
    public const string ContextUsedInsideStep = "DA3001";
    public const string CapturedVariableMutatedInsideStep = "DA3002";
    public const string BlockingWaitOnDurableFuture = "DA3003";
    public const string AsyncVoidHandler = "DA3004";
    public const string CatchSwallowsSdkExceptions = "DA3005";
    public const string DurableFutureNotAwaited = "DA3006";
    public const string StateWriteInSharedHandler = "DA3007";

    // Journal lock
    public const string JournalIncompatibleChange = "DA4001";
    public const string JournalToolOrHandlerRemoved = "DA4002";
    public const string JournalCompatibleChange = "DA4003";
    public const string JournalNonConstantStepName = "DA4004";
    public const string JournalLockMalformed = "DA4005";

    /// <summary>
    /// Where the rule pages live, relative to the repository root. The repository has no public URL yet; when it does,
    /// change this one constant (a test pins every descriptor's help link to <c>{HelpLinkBase}{id}.md</c>).
    /// </summary>
    public const string HelpLinkBase = "docs/rules/";

    /// <summary>The documentation page of a rule (the descriptors' help link).</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";
}

/// <summary>Diagnostic categories (the <c>Category</c> column of the release-tracking files).</summary>
public static class RuleCategories
{
    public const string Declaration = "DurableAgents.Declaration";
    public const string Determinism = "DurableAgents.Determinism";
    public const string Context = "DurableAgents.Context";
    public const string JournalLock = "DurableAgents.JournalLock";
}
