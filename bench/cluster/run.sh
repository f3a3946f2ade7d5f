#!/usr/bin/env bash
# Cluster chaos run (issue 20, point 1): a 3-node Restate cluster (npm restate-server 1.7.12, replicated metadata and
# log, replication 2), two replicas of the chaos service behind HAProxy (h2c), agent runs and 10-step workflows in flight
# while one loop kills -9 a random Restate node (never two at once) and another a random replica, and restarts them.
#   bench/cluster/run.sh            full run: 200 agent runs + 200 workflows, a node kill and a replica kill every 1-3 s
#                                   (each budget 20) until every run has finished
#   bench/cluster/run.sh --quick    smoke run: 10 + 10, 3 node kills, 3 replica kills (about 30 s)
#   bench/cluster/run.sh [--quick] [driver options]   e.g. --seed 7 --agents 50 (all options: ChaosSettings.cs)
# Loopback only, free ports, a fresh temp work dir; everything is stopped at the end (DA_CHAOS_KEEP=1 keeps the logs).
# Report: printed, and artifacts/bench/cluster-chaos.{json,md}. Exit code 1 when a run was lost or a completed step,
# tool call or model turn ran again. Not run by CI. See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/cluster/setup.sh

size=(--agents 200 --workflows 200 --node-kills 20 --replica-kills 20 --node-gap-ms 1000,3000 --replica-gap-ms 1000,3000 --timeout-s 840)
if [ "${1:-}" = "--quick" ]; then
  size=(--agents 10 --workflows 10 --node-kills 3 --replica-kills 3 --timeout-s 300)
  shift
fi

chaos_setup
chaos_need_haproxy
chaos_run cluster "${size[@]}" --json artifacts/bench/cluster-chaos.json --markdown artifacts/bench/cluster-chaos.md "$@"
