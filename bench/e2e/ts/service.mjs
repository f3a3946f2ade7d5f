// The benchmark handlers on the official Restate TypeScript SDK (the same work as bench/e2e/DurableAgents.BenchService).
// Usage: node service.mjs <port> <fake-model-url>   (BENCH_SERVICE_NAME renames the service, default Bench)
import "./polyfill.mjs"; // Promise.withResolvers for Node 20 (restate-sdk 1.17.x uses it)
import * as restate from "@restatedev/restate-sdk";
import http2 from "node:http2";

const port = Number(process.argv[2]);
const modelUrl = process.argv[3] ?? "http://127.0.0.1:1/v1/chat/completions";

const bench = restate.service({
  name: process.env.BENCH_SERVICE_NAME || "Bench",
  handlers: {
    // no-op: echo the input
    noop: async (ctx, input) => input,

    // 10 sequential run steps, each journaling a small number
    steps10: async (ctx, input) => {
      let total = 0;
      for (let i = 1; i <= 10; i++) {
        total += await ctx.run(`step${i}`, async () => i);
      }
      return total;
    },

    // one agent turn against the local fake model: a run step that POSTs the chat request and journals the
    // completion, then one tool step that runs the tool the model asked for
    agentTurn: async (ctx, input) => {
      const completion = await ctx.run("llm", async () => {
        const res = await fetch(modelUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "fake",
            messages: [{ role: "user", content: input?.message ?? "weather in Paris?" }],
            tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
          }),
        });
        if (!res.ok) throw new Error(`model answered ${res.status}`);
        const body = await res.json();
        const msg = body.choices[0].message;
        return { content: msg.content ?? "", toolCalls: (msg.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) };
      });
      const call = completion.toolCalls[0];
      const args = JSON.parse(call.arguments);
      const toolResult = await ctx.run(`tool:${call.name}`, async () => ({ city: args.city, forecast: `sunny in ${args.city}`, celsius: 21 }));
      return { toolCallId: call.id, result: toolResult };
    },

    // memory per in-flight invocation: block on an awakeable that nobody completes
    hold: async (ctx) => {
      const { promise } = ctx.awakeable();
      await promise;
      return "released";
    },
  },
});

const handler = restate.endpoint().bind(bench).http2Handler({ bidirectional: true });
http2.createServer(handler).listen(port, "127.0.0.1", () => console.log(`listening ${port}`));
