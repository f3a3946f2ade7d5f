// Drives the WeatherAgent page's logic (samples/WeatherAgent/wwwroot/run-view.mjs) in Node, as the page does in a
// browser: read a run's stream with readRunStream, fold it into a RunView, and answer an approval request the way the
// page's Approve/Reject buttons do (a POST of {id, approved}); prints the final view as one JSON line.
// Usage: node page-view.mjs <stream-url> <approve-url> <approve|reject>
import { readRunStream, RunView } from "../../../samples/WeatherAgent/wwwroot/run-view.mjs";

const [url, approveUrl, choice] = process.argv.slice(2);
const view = new RunView();
const decided = new Set();
const decisions = [];
const statuses = [];
await readRunStream(url, (e) => {
  view.apply(e);
  statuses.push(view.status);
  for (const pending of view.pendingApprovals()) {
    if (decided.has(pending.id)) continue;
    decided.add(pending.id);
    decisions.push(
      fetch(approveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ id: pending.id, approved: choice === "approve" }),
      }).then((r) => r.status),
    );
  }
});

console.log(JSON.stringify({
  status: view.status,
  answer: view.answer,
  statuses: [...new Set(statuses)],
  steps: Object.fromEntries([...view.steps.entries()]),
  tools: Object.fromEntries([...view.tools.entries()]),
  approvals: [...view.approvals.values()],
  decisionStatuses: await Promise.all(decisions),
  lastSeq: view.lastSeq,
  log: view.log,
}));
