namespace DurableAgents.Analyzers.Infrastructure;

/// <summary>How the runtime runs a delegate passed to a parameter or assigned to a property (<c>[RunsInDurableStep]</c>).</summary>
internal enum StepMode
{
    /// <summary>Not declared: the delegate is assumed to run where it is passed (durable code).</summary>
    None,

    /// <summary>
    /// The delegate runs in a journaled step. For a parameter of non-delegate type (an <c>AIFunction</c>), the
    /// delegates in the argument expression do.
    /// </summary>
    Delegate,

    /// <summary>The delegate runs on every attempt; the delegate it returns runs in the step.</summary>
    ReturnedDelegate,
}
