#!/usr/bin/env bash
# DurableAgents benchmarks: micro (BenchmarkDotNet) and end to end against the official TypeScript SDK.
#   bench/run.sh           everything: micro suite, then the e2e comparison (4 interleaved rounds on one restate-server per round and workload; the e2e part ~30 min on 2 cores)
#   bench/run.sh --quick   smoke check: every micro benchmark once (in process), e2e 1 round of 3 s points at 1 and 8
#   bench/run.sh micro [BenchmarkDotNet args]   only the micro suite (default: --filter '*')
#   bench/run.sh e2e [E2eBench args]            only the e2e comparison (e.g. --rounds 5 --concurrency 1,8,32,128)
# Installs what it needs: restate-server (npm ci at the root), the TypeScript SDK (npm ci in bench/e2e/ts), Release builds.
# Results: BenchmarkDotNet.Artifacts/results/ and artifacts/bench/e2e-results.md (+ .json). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

setup() {
  command -v node >/dev/null || { echo "error: node (20+) is required for restate-server and the TypeScript SDK" >&2; exit 1; }
  if [ ! -x node_modules/@restatedev/restate-server-linux-x64/bin/restate-server ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if [ ! -d bench/e2e/ts/node_modules/@restatedev/restate-sdk ] || [ bench/e2e/ts/package-lock.json -nt bench/e2e/ts/node_modules/.package-lock.json ]; then
    (cd bench/e2e/ts && npm ci --no-audit --no-fund --loglevel=error)
  fi
  for p in bench/DurableAgents.Benchmarks bench/e2e/DurableAgents.BenchService bench/e2e/DurableAgents.E2eBench; do
    dotnet build "$p" -c Release -warnaserror --verbosity quiet -nologo
  done
}

micro() {
  local args=("$@")
  [ ${#args[@]} -gt 0 ] || args=(--filter '*')
  dotnet run -c Release --no-build --project bench/DurableAgents.Benchmarks -- "${args[@]}"
}

e2e() {
  dotnet bench/e2e/DurableAgents.E2eBench/bin/Release/net10.0/DurableAgents.E2eBench.dll "$@"
}

mode=${1:-all}
[ $# -gt 0 ] && shift
setup
case "$mode" in
  --quick|quick)
    micro --filter '*' --quick
    e2e --quick "$@"
    ;;
  micro) micro "$@" ;;
  e2e) e2e "$@" ;;
  all|--all)
    micro
    e2e "$@"
    ;;
  *) echo "usage: bench/run.sh [--quick | micro [args] | e2e [args]]" >&2; exit 2 ;;
esac
