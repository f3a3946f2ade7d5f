namespace DurableAgents;

/// <summary>Marks a partial class as a Restate <c>Virtual Object</c>: keyed state, exclusive handlers per key.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class VirtualObjectAttribute : Attribute
{
    public VirtualObjectAttribute() { }
    public VirtualObjectAttribute(string name) => Name = name;

    public string? Name { get; }
}
