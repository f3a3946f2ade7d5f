// The page: start a run, then render its live stream (readRunStream + RunView from run-view.mjs).
import { readRunStream, RunView } from "./run-view.mjs";

const $ = (id) => document.getElementById(id);

async function start(event) {
  event.preventDefault();
  const message = $("question").value.trim();
  if (!message) return;
  $("ask").disabled = true;
  const response = await fetch("api/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message }) });
  if (!response.ok) {
    $("status").textContent = `could not start the run: ${response.status} ${await response.text()}`;
    $("ask").disabled = false;
    return;
  }
  const { runId } = await response.json();
  history.replaceState(null, "", `?run=${encodeURIComponent(runId)}`);
  await watch(runId);
  $("ask").disabled = false;
}

async function watch(runId) {
  const view = new RunView();
  $("run").textContent = runId;
  try {
    await readRunStream(`runs/${encodeURIComponent(runId)}/events`, (e) => render(view.apply(e), runId));
  } catch (error) {
    $("status").textContent = String(error);
  }
}

async function decide(approvalId, approved) {
  const response = await fetch("api/approve", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: approvalId, approved }) });
  if (!response.ok) $("status").textContent = `decision not accepted: ${response.status} ${await response.text()}`;
}

function render(view) {
  $("status").textContent = view.status + (view.error ? `: ${view.error}` : "");
  const text = $("text");
  text.replaceChildren(...[...view.steps.entries()].filter(([, s]) => s.text).map(([name, s]) => {
    const p = document.createElement("p");
    p.className = s.done ? "step done" : "step live";
    p.textContent = s.text;
    p.title = `${name}, attempt ${s.attempt}${s.restarts ? `, restarted ${s.restarts}x` : ""}`;
    return p;
  }));
  $("tools").replaceChildren(...[...view.tools.entries()].map(([callId, t]) => {
    const li = document.createElement("li");
    li.textContent = `${t.name}(${JSON.stringify(t.arguments)}) → ${t.result ?? "running…"}`;
    li.title = callId;
    return li;
  }));
  $("approvals").replaceChildren(...[...view.approvals.entries()].map(([id, a]) => {
    const li = document.createElement("li");
    li.textContent = `${a.toolName}(${JSON.stringify(a.arguments)}) `;
    if (a.decided) {
      li.append(a.approved ? "approved" : `declined${a.reason ? ` (${a.reason})` : ""}`);
    } else {
      for (const [label, approved] of [["Approve", true], ["Reject", false]]) {
        const b = document.createElement("button");
        b.textContent = label;
        b.onclick = () => decide(id, approved);
        li.append(b);
      }
    }
    return li;
  }));
  $("log").textContent = view.log.join("\n");
}

$("form").addEventListener("submit", start);
const existing = new URLSearchParams(location.search).get("run");
if (existing) watch(existing);
