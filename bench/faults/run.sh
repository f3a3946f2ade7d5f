#!/usr/bin/env bash
# Full-size fault-injection run (issue #7). Runs tests/DurableAgents.Tests/FaultInjection with the DA_FAULTS_* knobs
# raised far above the CI defaults, collects one result line per scenario, and writes the results table into
# docs/reliability.md (between the faults:begin / faults:end markers).
#
#   bench/faults/run.sh                 # full size, seed 20250101
#   DA_FAULTS_SEED=7 bench/faults/run.sh
#   bench/faults/run.sh --no-doc        # print the table only
#
# Every knob can be overridden from the environment (see FaultSettings.cs for the names and CI defaults).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WRITE_DOC=1
[[ "${1:-}" == "--no-doc" ]] && WRITE_DOC=0

export DA_FAULTS_SEED=${DA_FAULTS_SEED:-20250101}
export DA_FAULTS_SERVICE_KILL_INVOCATIONS=${DA_FAULTS_SERVICE_KILL_INVOCATIONS:-50}
export DA_FAULTS_SERVICE_KILLS=${DA_FAULTS_SERVICE_KILLS:-12}
export DA_FAULTS_SERVICE_KILL_STEPS=${DA_FAULTS_SERVICE_KILL_STEPS:-8}
export DA_FAULTS_SERVER_KILL_INVOCATIONS=${DA_FAULTS_SERVER_KILL_INVOCATIONS:-100}
export DA_FAULTS_SERVER_KILLS=${DA_FAULTS_SERVER_KILLS:-4}
export DA_FAULTS_SERVER_KILL_STEPS=${DA_FAULTS_SERVER_KILL_STEPS:-5}
export DA_FAULTS_FRAME_CASES=${DA_FAULTS_FRAME_CASES:-100000}
export DA_FAULTS_HTTP_FRAME_CASES=${DA_FAULTS_HTTP_FRAME_CASES:-1000}
export DA_FAULTS_FORGED_ROUNDS=${DA_FAULTS_FORGED_ROUNDS:-100}

RESULTS=$(mktemp /tmp/da-faults-XXXXXX.jsonl)
LOG=$(mktemp /tmp/da-faults-XXXXXX.log)
export DA_FAULTS_RESULTS=$RESULTS
echo "fault-injection run: seed $DA_FAULTS_SEED, results $RESULTS, log $LOG"

START=$(date +%s)
dotnet test "$ROOT/tests/DurableAgents.Tests" -c Release --filter "FullyQualifiedName~FaultInjection" 2>&1 | tee "$LOG"
STATUS=${PIPESTATUS[0]}
ELAPSED=$(( $(date +%s) - START ))
SUMMARY=$(grep -E "^(Passed|Failed)!" "$LOG" | tail -1 | sed 's/ - DurableAgents.Tests.dll.*//')

python3 - "$RESULTS" "$ROOT/docs/reliability.md" "$WRITE_DOC" "$SUMMARY" "$ELAPSED" <<'PY'
import json, sys, os, platform, datetime, subprocess
results, doc, write, summary, elapsed = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4], sys.argv[5]
rows = [json.loads(l) for l in open(results) if l.strip()]
def cell(s): return str(s).replace("|", "\\|").replace("\n", " ")
cpus = os.cpu_count()
commit = subprocess.run(["git", "-C", os.path.dirname(doc), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
knobs = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("DA_FAULTS_") and k != "DA_FAULTS_RESULTS")
out = [f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, {platform.system()} {cpus} cores, "
       f"restate-server 1.7.12, Release build; {summary or 'no test summary (build failed?)'}; {elapsed} s in total.",
       "", f"Command: `bench/faults/run.sh` ({knobs})", "",
       "| Scenario | Size | Faults injected | Outcome | Time (s) | Notes |", "|---|---|---|---|---:|---|"]
for r in rows:
    out.append(f"| {cell(r['scenario'])} | {cell(r['size'])} | {cell(r['faults'])} | {cell(r['outcome'])} | {r['seconds']} | {cell(r['notes'])} |")
table = "\n".join(out)
print("\n" + table)
if write:
    text = open(doc).read()
    b, e = "<!-- faults:begin -->", "<!-- faults:end -->"
    i, j = text.index(b) + len(b), text.index(e)
    open(doc, "w").write(text[:i] + "\n" + table + "\n" + text[j:])
    print(f"\nwrote {doc}")
PY
exit $STATUS
