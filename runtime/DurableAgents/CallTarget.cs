namespace DurableAgents;

/// <summary>The handler a call or send goes to.</summary>
/// <param name="Service">The service, Virtual Object or Workflow name.</param>
/// <param name="Handler">The handler name.</param>
/// <param name="Key">The Virtual Object or Workflow key; null for a Service.</param>
public readonly record struct CallTarget(string Service, string Handler, string? Key = null)
{
    public static CallTarget ForService(string service, string handler) => new(service, handler);

    public static CallTarget ForObject(string service, string key, string handler) => new(service, handler, key);

    public static CallTarget ForWorkflow(string workflow, string key, string handler) => new(workflow, handler, key);

    public override string ToString() => Key is null ? $"{Service}/{Handler}" : $"{Service}/{Key}/{Handler}";
}
