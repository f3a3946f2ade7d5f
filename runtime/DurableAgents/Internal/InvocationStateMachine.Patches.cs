using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>
/// Version gates (<see cref="IContext.IsPatched"/>): a journaled marker, a <c>RunCommand</c> named
/// <c>patch:{id}</c> whose completion is proposed at once as <c>true</c>. Code running past the recorded journal writes
/// the marker and takes the new path; a replay takes the new path only when the journal holds the marker at this
/// position, and otherwise consumes nothing and takes the old path (the journal was written by code without the patch).
/// </summary>
internal sealed partial class InvocationStateMachine
{
    /// <summary>The journal name of a version-gate marker is this prefix followed by the patch id.</summary>
    public const string PatchNamePrefix = "patch:";

    private static readonly ByteString PatchedValue = ByteString.CopyFromUtf8("true");

    /// <summary>
    /// Answers a version gate. Processing: journals the marker, proposes its completion (no closure runs, no wait for
    /// Restate's ack) and returns true. Replaying: consumes the marker and returns true when it is the next recorded
    /// command, else returns false and consumes nothing (no 570 either way). The first answer for an id is remembered
    /// for the rest of the attempt: asking again returns it without a new entry.
    /// </summary>
    public bool IsPatched(string patchId)
    {
        using (Gate())
        {
            ThrowIfClosedLocked();
            if (_patches is not null && _patches.TryGetValue(patchId, out var known))
            {
                return known;
            }

            var name = PatchNamePrefix + patchId;
            var patched = _phase != Phase.Replaying || IsPatchMarkerLocked(_replayPosition, name);
            if (patched)
            {
                var id = _nextCompletionId++;
                CommandLocked(MessageType.RunCommand, new RunCommandMessage { ResultCompletionId = id, Name = name }, out _);
                if (_completions.GetOrCreate(id).Result is null)
                {
                    // Fresh, or replayed before Restate stored the completion: (re)propose it, as for an unfinished run.
                    WriteLocked(MessageType.ProposeRunCompletion, new ProposeRunCompletionMessage { ResultCompletionId = id, Value = PatchedValue });
                }
            }

            (_patches ??= new Dictionary<string, bool>(StringComparer.Ordinal))[patchId] = patched;
            return patched;
        }
    }

    /// <summary>Whether the recorded command at <paramref name="position"/> is the marker named <paramref name="name"/>.</summary>
    private bool IsPatchMarkerLocked(int position, string name)
        => _replay.TypeAt(position) == MessageType.RunCommand && ((RunCommandMessage)_replay.MessageAt(position)).Name == name;

    /// <summary>
    /// For a journal mismatch: when the recorded command is a version-gate marker, a sentence naming the gate (the code
    /// no longer asks for that patch at this point); else empty.
    /// </summary>
    private static string PatchMarkerHint(IMessage recorded)
        => recorded is RunCommandMessage run && run.Name.StartsWith(PatchNamePrefix, StringComparison.Ordinal)
            ? $" The recorded entry is the version-gate marker of ctx.IsPatched(\"{run.Name[PatchNamePrefix.Length..]}\"), which the code no longer calls at this point."
            : "";
}
