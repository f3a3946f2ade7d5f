// Consumes one agent run's AG-UI stream with the real @ag-ui/client HttpAgent (its verifier checks the event order)
// and prints one JSON line: the event types, the custom events, the assembled messages, and any error.
// Usage: node agui-client.mjs <stream-url>
import { HttpAgent } from "@ag-ui/client";

const url = process.argv[2];
if (!url) {
  console.error("usage: node agui-client.mjs <url>");
  process.exit(2);
}

const events = [];
const agent = new HttpAgent({ url });
let error = null;
try {
  await agent.runAgent({}, {
    onEvent: ({ event }) => {
      events.push(event);
    },
  });
} catch (e) {
  error = String(e && e.message ? e.message : e);
}

console.log(JSON.stringify({
  types: events.map((e) => e.type),
  custom: events.filter((e) => e.type === "CUSTOM").map((e) => ({ name: e.name, value: e.value })),
  toolResults: events.filter((e) => e.type === "TOOL_CALL_RESULT").map((e) => ({ toolCallId: e.toolCallId, content: e.content })),
  messages: agent.messages.map((m) => ({ id: m.id, role: m.role, content: m.content, toolCalls: m.toolCalls })),
  result: events.filter((e) => e.type === "RUN_FINISHED").map((e) => e.result)[0] ?? null,
  error,
}));
