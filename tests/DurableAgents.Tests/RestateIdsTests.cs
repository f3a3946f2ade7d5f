using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents.Tests;

/// <summary>
/// The invocation id's text form, derived from its raw bytes (and so from an awakeable id), against what restate-server
/// itself sent: the raw id and the <c>debug_id</c> of every start message in the golden vectors.
/// </summary>
public sealed class RestateIdsTests
{
    private static List<StartMessage> Starts()
        => Vectors.Files("*.req.hex")
            .Where(f => !f.StartsWith("v7-", StringComparison.Ordinal))
            .Select(f => Vectors.Frames(Vectors.Read(f)))
            .Where(frames => frames.Count > 0 && frames[0].Message is StartMessage)
            .Select(frames => (StartMessage)frames[0].Message)
            .ToList();

    [Test]
    public void The_text_form_of_every_recorded_raw_invocation_id_is_the_servers_debug_id()
    {
        var starts = Starts();
        Assert.That(starts.Select(s => s.DebugId).Distinct().Count(), Is.GreaterThanOrEqualTo(10), "enough distinct recorded invocations");
        foreach (var start in starts)
        {
            Assert.That(RestateIds.FormatInvocationId(start.Id.Span), Is.EqualTo(start.DebugId));
            Assert.That(RestateIds.IsInvocationId(start.DebugId), Is.True, start.DebugId);
        }
    }

    [Test]
    public void An_awakeable_id_names_the_invocation_that_created_it()
    {
        foreach (var start in Starts())
        {
            foreach (var signal in new uint[] { 17, 0, uint.MaxValue })
            {
                var awakeable = InvocationContext.AwakeableId(start.Id.Span, signal);
                Assert.That(RestateIds.InvocationIdOfAwakeable(awakeable), Is.EqualTo(start.DebugId), awakeable);
            }
        }

        Assert.That(RestateIds.InvocationIdOfAwakeable("sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ"), Does.StartWith("inv_1"), "the awakeable id the server issued in a vector");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("sign_1")]
    [TestCase("sign_1nothing")]
    [TestCase("sign_2wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ")]
    [TestCase("sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAE")]
    [TestCase("sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQAA")]
    [TestCase("sign_1wsg2Lya751Od+dDdEWl/35GcqxlVrQzCAAAAEQ")]
    [TestCase("sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ==")]
    [TestCase("inv_17xMETIZorrh7N3tGw3OfgLfjOH4b0lMvu")]
    public void Anything_else_is_not_an_awakeable_id(string? text)
        => Assert.That(RestateIds.InvocationIdOfAwakeable(text), Is.Null);

    [Test]
    public void A_very_long_string_is_rejected_without_decoding()
        => Assert.That(RestateIds.InvocationIdOfAwakeable("sign_1" + new string('A', 100_000)), Is.Null);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("inv_1")]
    [TestCase("inv_17xMETIZorrh7N3tGw3OfgLfjOH4b0lMv")]
    [TestCase("inv_17xMETIZorrh7N3tGw3OfgLfjOH4b0lMvuX")]
    [TestCase("inv_17xMETIZorrh7N3tGw3OfgLfjOH4b0lMv/")]
    [TestCase("inv_27xMETIZorrh7N3tGw3OfgLfjOH4b0lMvu")]
    [TestCase("sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ")]
    public void Malformed_invocation_ids_are_recognized(string? text)
        => Assert.That(RestateIds.IsInvocationId(text), Is.False);
}
