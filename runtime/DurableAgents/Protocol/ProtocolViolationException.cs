using System.Buffers;
using System.Buffers.Binary;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Protocol;

/// <summary>Raised for bytes that are not a valid service-protocol stream (maps to error 571).</summary>
public sealed class ProtocolViolationException(string message, Exception? inner = null) : Exception(message, inner);
