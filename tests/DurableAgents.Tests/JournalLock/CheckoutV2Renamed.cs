namespace DurableAgents.Tests.JournalLock;

/// <summary>
/// Version 2 of the <c>Checkout</c> service without the gate (the negative control): the charge step is simply renamed
/// to <c>charge-card</c>, which an invocation whose journal holds version 1's <c>charge</c> cannot replay.
/// </summary>
[Service("Checkout")]
public sealed partial class CheckoutV2Renamed
{
    [Handler("process")]
    public static async Task<string> ProcessAsync(IContext ctx, string order)
    {
        var reserved = await ctx.RunAsync("reserve", _ => CheckoutProbe.Step("v2r reserve", $"reserved-{order}"));
        var charged = await ctx.RunAsync("charge-card", _ => CheckoutProbe.Step("v2r charge-card", $"card-charged-{order}"));
        var approval = ctx.Awakeable<string>();
        await ctx.RunAsync("publish", _ => CheckoutProbe.Publish("v2r publish", order, approval.Id));
        var approved = await approval.Value;
        var shipped = await ctx.RunAsync("ship", _ => CheckoutProbe.Step("v2r ship", $"shipped-{order}"));
        return $"{reserved}|{charged}|{approved}|{shipped}";
    }
}
