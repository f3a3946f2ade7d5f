#!/usr/bin/env bash
# Random-kill loop on one node (issue 20, point 2): one restate-server, one replica of the chaos service; each round
# starts a 10-step workflow and an agent run with tools (2 tool turns + the answer), kills -9 the service at a random
# point (50-2500 ms into the round), restarts it and waits for both results.
#   bench/cluster/random-kill.sh            full run: 50 rounds
#   bench/cluster/random-kill.sh --quick    smoke run: 5 rounds
#   bench/cluster/random-kill.sh [--quick] [driver options]   e.g. --seed 7 --kill-ms 0,1000
# Report: printed, and artifacts/bench/random-kill.{json,md}. Exit code 1 when a run was lost or a completed step, tool
# call or model turn ran again. Not run by CI. See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/cluster/setup.sh

size=(--rounds 50)
if [ "${1:-}" = "--quick" ]; then
  size=(--rounds 5)
  shift
fi

chaos_setup
chaos_run random-kill "${size[@]}" --json artifacts/bench/random-kill.json --markdown artifacts/bench/random-kill.md "$@"
