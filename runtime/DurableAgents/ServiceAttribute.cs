namespace DurableAgents;

/// <summary>Marks a partial class as a Restate <c>Service</c>: stateless handlers, invoked by name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ServiceAttribute : Attribute
{
    public ServiceAttribute() { }
    public ServiceAttribute(string name) => Name = name;

    /// <summary>The service name registered with Restate; the class name when omitted.</summary>
    public string? Name { get; }
}
