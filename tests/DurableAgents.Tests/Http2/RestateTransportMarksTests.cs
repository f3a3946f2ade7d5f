using System.Net;
using DurableAgents.Hosting.Http2;

namespace DurableAgents.Tests.Http2;

/// <summary>
/// Which endpoints Kestrel binds are served by the reader-thread transport: Kestrel passes the marked listener's own
/// endpoint, or, for ListenLocalhost / ListenAnyIP, one endpoint per address family on the same port.
/// </summary>
public sealed class RestateTransportMarksTests
{
    [Test]
    public void A_fixed_port_on_loopback_or_any_matches_every_address_family_Kestrel_expands_it_to()
    {
        var marks = new RestateTransportMarks();
        marks.Add(new IPEndPoint(IPAddress.Loopback, 9080), "/restate");
        marks.Add(new IPEndPoint(IPAddress.IPv6Any, 9090), "");

        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Loopback, 9080), out var prefix), Is.True);
        Assert.That(prefix, Is.EqualTo("/restate"));
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.IPv6Loopback, 9080), out _), Is.True);
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Any, 9090), out prefix), Is.True);
        Assert.That(prefix, Is.Empty);
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Loopback, 9081), out _), Is.False, "another port");
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 9080), out _), Is.False, "a loopback mark does not cover other addresses");
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Loopback, 9090), out _), Is.False, "an 'any' mark stands for the 'any' addresses only");
    }

    [Test]
    public void A_specific_address_matches_only_itself_and_port_0_only_the_same_endpoint_object()
    {
        var marks = new RestateTransportMarks();
        var dynamic = new IPEndPoint(IPAddress.Loopback, 0);
        marks.Add(dynamic, "");
        marks.Add(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 7000), "");

        Assert.That(marks.TryGet(dynamic, out _), Is.True);
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Loopback, 0), out _), Is.False, "another listener on a free port");
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 7000), out _), Is.True);
        Assert.That(marks.TryGet(new IPEndPoint(IPAddress.Parse("10.1.2.4"), 7000), out _), Is.False, "another address");
    }
}
