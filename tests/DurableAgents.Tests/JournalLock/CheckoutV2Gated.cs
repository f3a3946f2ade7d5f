namespace DurableAgents.Tests.JournalLock;

/// <summary>
/// Version 2 of the <c>Checkout</c> service with the version gate: the charge step is renamed to <c>charge-card</c> for
/// new invocations, and an invocation whose journal was recorded by version 1 keeps the old <c>charge</c> step.
/// </summary>
[Service("Checkout")]
public sealed partial class CheckoutV2Gated
{
    [Handler("process")]
    public static async Task<string> ProcessAsync(IContext ctx, string order)
    {
        var reserved = await ctx.RunAsync("reserve", _ => CheckoutProbe.Step("v2 reserve", $"reserved-{order}"));
        string charged;
        if (ctx.IsPatched("charge-card"))
        {
            charged = await ctx.RunAsync("charge-card", _ => CheckoutProbe.Step("v2 charge-card", $"card-charged-{order}"));
        }
        else
        {
            charged = await ctx.RunAsync("charge", _ => CheckoutProbe.Step("v2 charge", $"charged-{order}"));
        }

        var approval = ctx.Awakeable<string>();
        await ctx.RunAsync("publish", _ => CheckoutProbe.Publish("v2 publish", order, approval.Id));
        var approved = await approval.Value;
        var shipped = await ctx.RunAsync("ship", _ => CheckoutProbe.Step("v2 ship", $"shipped-{order}"));
        return $"{reserved}|{charged}|{approved}|{shipped}";
    }
}
