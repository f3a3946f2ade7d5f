// The page's logic, without the DOM (so Node can run it too): read a run's SSE stream with fetch, resuming with
// Last-Event-ID, and fold its events into a view: the text of each model step (a step_restarted clears the step),
// the tool calls with their results, the approvals, and the run's status. See docs/streaming.md.

/** Reads the events of one run from `url` (…/runs/{runId}/events) and calls onEvent(e) for each, in order, until the
 *  run's terminal event. Reconnects after a dropped connection, resuming after the last sequence seen. */
export async function readRunStream(url, onEvent, { lastEventId = 0, maxReconnects = 10, signal } = {}) {
  let last = lastEventId;
  let failures = 0;
  for (;;) {
    let ended = false;
    let progressed = false;
    try {
      const headers = { Accept: "text/event-stream" };
      if (last > 0) headers["Last-Event-ID"] = String(last);
      const response = await fetch(url, { headers, signal });
      if (response.status >= 400 && response.status < 500) {
        throw new Error(`stream refused: ${response.status} ${await response.text()}`);
      }
      if (response.ok && response.body) {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(l[5] === " " ? 6 : 5)).join("\n");
            const named = frame.split("\n").some((l) => l.startsWith("event:") && l.slice(6).trim() !== "message");
            if (!data || named) continue;
            const e = JSON.parse(data);
            if (e.seq <= last) continue;
            last = e.seq;
            progressed = true;
            onEvent(e);
            if (e.type === "run_finished" || e.type === "run_failed") {
              ended = true;
              await reader.cancel();
              break;
            }
          }
          if (ended) break;
        }
      }
    } catch (error) {
      if (signal?.aborted || String(error).includes("stream refused")) throw error;
    }
    if (ended) return last;
    failures = progressed ? 0 : failures + 1;
    if (failures > maxReconnects) throw new Error(`the stream failed ${failures} times without a new event`);
    await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** Math.min(failures, 6), 10000)));
  }
}

/** A view of one run, built from its events by apply(e). */
export class RunView {
  constructor() {
    this.status = "waiting";
    this.question = "";
    this.steps = new Map(); // step -> { text, attempt, restarts, done }
    this.tools = new Map(); // callId -> { name, arguments, result }
    this.approvals = new Map(); // approvalId -> { toolName, callId, arguments, expiresAt, decided, approved, reason }
    this.answer = null;
    this.error = null;
    this.lastSeq = 0;
    this.log = [];
  }

  apply(e) {
    this.lastSeq = e.seq;
    switch (e.type) {
      case "run_started":
        this.status = "running";
        this.question = e.text ?? "";
        this.log.push(`run started (${e.agent})`);
        break;
      case "text_delta": {
        const s = this.step(e.step);
        s.text += e.text ?? "";
        s.attempt = e.attempt;
        break;
      }
      case "step_restarted": {
        const s = this.step(e.step);
        s.text = "";
        s.attempt = e.attempt;
        s.restarts++;
        this.log.push(`${e.step} restarted (attempt ${e.attempt}): its partial text was discarded`);
        break;
      }
      case "message_completed":
        this.step(e.step).done = true;
        break;
      case "tool_call_started":
        this.tools.set(e.callId, { name: e.toolName, arguments: e.arguments ?? {}, result: null });
        this.log.push(`tool ${e.toolName} called`);
        break;
      case "tool_call_finished": {
        const t = this.tools.get(e.callId) ?? { name: e.toolName, arguments: {} };
        t.result = e.result ?? "";
        this.tools.set(e.callId, t);
        this.log.push(`tool ${e.toolName} finished`);
        break;
      }
      case "approval_requested":
        this.approvals.set(e.approvalId, { toolName: e.toolName, callId: e.callId, arguments: e.arguments ?? {}, expiresAt: e.expiresAt, decided: false });
        this.status = "waiting for approval";
        this.log.push(`approval requested for ${e.toolName}`);
        break;
      case "approval_decided": {
        const a = this.approvals.get(e.approvalId) ?? { toolName: e.toolName, callId: e.callId };
        Object.assign(a, { decided: true, approved: e.approved, reason: e.reason });
        this.approvals.set(e.approvalId, a);
        this.status = "running";
        this.log.push(`approval ${e.approved ? "granted" : "declined"} for ${e.toolName}`);
        break;
      }
      case "run_finished":
        this.status = "finished";
        this.answer = e.text ?? "";
        break;
      case "run_failed":
        this.status = "failed";
        this.error = `${e.code ?? ""} ${e.error ?? ""}`.trim();
        break;
    }
    return this;
  }

  step(name) {
    let s = this.steps.get(name);
    if (!s) {
      s = { text: "", attempt: 1, restarts: 0, done: false };
      this.steps.set(name, s);
    }
    return s;
  }

  /** The approvals still waiting for a decision. */
  pendingApprovals() {
    return [...this.approvals.entries()].filter(([, a]) => !a.decided).map(([id, a]) => ({ id, ...a }));
  }
}
