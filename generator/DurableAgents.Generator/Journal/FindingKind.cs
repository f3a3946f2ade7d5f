namespace DurableAgents.Generator.Journal;

/// <summary>What kind of difference between the code and the lock a finding is.</summary>
internal enum FindingKind
{
    /// <summary>DA4001: a locked handler's journal changes incompatibly.</summary>
    IncompatibleStep,

    /// <summary>DA4002: a locked tool is removed or its schema changes incompatibly.</summary>
    IncompatibleTool,

    /// <summary>DA4002: a locked handler no longer exists (located on the lock file line).</summary>
    HandlerRemoved,

    /// <summary>DA4003: a compatible change not yet in the lock.</summary>
    Compatible,
}
