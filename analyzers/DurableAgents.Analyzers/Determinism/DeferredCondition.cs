namespace DurableAgents.Analyzers.Determinism;

/// <summary>What must hold at compilation end for a <see cref="DeferredViolation"/> to be reported.</summary>
internal enum DeferredCondition
{
    /// <summary>The static member (the single dependency) is initialized from a non-deterministic source (<see cref="StaticInitializers"/>).</summary>
    NonDeterministicInitializer,

    /// <summary>One of the called methods (the dependencies) issues a durable operation, directly or through what it calls.</summary>
    CalleeIssuesDurableOperations,

    /// <summary>
    /// The static collection (the single dependency) is changed somewhere in the compilation outside its own type's
    /// initialization: a lookup table filled once in its initializer and only read is the same in every process.
    /// </summary>
    StaticCollectionChanged,
}
