// Runs the MCP reference server (@modelcontextprotocol/server-everything) over stdio behind a pipe that appends every
// tools/call request it forwards to the file named by DA_MCP_LOG: a server-side count of the calls that reached it.
// The server's entry script is DA_MCP_EVERYTHING (node_modules/@modelcontextprotocol/server-everything/dist/index.js).
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";

const log = process.env.DA_MCP_LOG;
const entry = process.env.DA_MCP_EVERYTHING;
if (!log || !entry) {
  console.error("mcp-counted: set DA_MCP_LOG and DA_MCP_EVERYTHING");
  process.exit(2);
}

const child = spawn(process.execPath, [entry, "stdio"], { stdio: ["pipe", "pipe", "inherit"] });
child.stdout.pipe(process.stdout);
child.on("exit", (code) => process.exit(code ?? 0));

let buffer = "";
process.stdin.on("data", (chunk) => {
  buffer += chunk.toString("utf8");
  let nl;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    try {
      const message = JSON.parse(line);
      if (message.method === "tools/call") {
        appendFileSync(log, `${process.pid} ${message.params?.name} ${JSON.stringify(message.params?.arguments ?? {})}\n`);
      }
    } catch {
      // not JSON: forwarded as it is
    }
    child.stdin.write(line + "\n");
  }
});
process.stdin.on("end", () => child.stdin.end());
