namespace DurableAgents.Tests.JournalLock;

/// <summary>
/// Version 1 of the <c>Checkout</c> service: reserve, charge, then wait for an approval (an awakeable the test
/// resolves, long enough to replace the code under the in-flight invocation), then ship.
/// </summary>
[Service("Checkout")]
public sealed partial class CheckoutV1
{
    [Handler("process")]
    public static async Task<string> ProcessAsync(IContext ctx, string order)
    {
        var reserved = await ctx.RunAsync("reserve", _ => CheckoutProbe.Step("v1 reserve", $"reserved-{order}"));
        var charged = await ctx.RunAsync("charge", _ => CheckoutProbe.Step("v1 charge", $"charged-{order}"));
        var approval = ctx.Awakeable<string>();
        await ctx.RunAsync("publish", _ => CheckoutProbe.Publish("v1 publish", order, approval.Id));
        var approved = await approval.Value;
        var shipped = await ctx.RunAsync("ship", _ => CheckoutProbe.Step("v1 ship", $"shipped-{order}"));
        return $"{reserved}|{charged}|{approved}|{shipped}";
    }
}
