#!/usr/bin/env bash
# DurableAgents developer entry point.
#   ./dev.sh demo    the demo (offline): the weather agent, killed after its tool steps and resumed from the journal
#   ./dev.sh test    restore, build with warnings as errors, run every test suite, print "tests: N passed, N failed"
#   ./dev.sh setup   only install the dependencies (npm ci, chromium from apt when root, dotnet restore)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

setup() {
  # restate-server (and the restate CLI) come from npm, pinned by package-lock.json.
  if [ ! -x node_modules/@restatedev/restate-server-linux-x64/bin/restate-server ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  # The browser test (tests/DurableAgents.Tests/Streaming/BrowserPageTests.cs) drives a headless Chromium from Debian.
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "dev.sh: could not install chromium; the browser test will fail" >&2
    else
      echo "dev.sh: no chromium on the PATH; the browser test needs it: sudo apt-get install -y chromium" >&2
    fi
  fi
  dotnet restore Generator.sln --verbosity quiet
}

demo() {
  setup
  dotnet run --project samples/WeatherAgent -c Release -- --demo
}

test_all() {
  setup
  dotnet build Generator.sln -c Release --no-restore -warnaserror --verbosity quiet -nologo
  local results=TestResults
  rm -rf "$results"
  local status=0
  local projects=(tests/*.Tests/)
  for p in "${projects[@]}"; do
    local name
    name=$(basename "$p")
    [ -f "$p/$name.csproj" ] || continue
    echo "=== $name"
    if ! dotnet test "$p" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
        --blame-hang-timeout 10m -- NUnit.NumberOfTestWorkers=2; then
      status=1
    fi
  done
  local passed=0 failed=0 total=0
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    local counters
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0}))
  done
  # Native AOT: the Greeter and WeatherAgent (OpenAI client included) samples publish with zero trim/AOT warnings and
  # run their demos (WeatherAgent: the crash/resume demo).
  local sample
  for sample in Greeter WeatherAgent; do
    echo "=== Native AOT publish of samples/$sample"
    if dotnet publish "samples/$sample" -c Release -r linux-x64 -warnaserror -o "artifacts/aot-$sample" --verbosity quiet -nologo \
        && "artifacts/aot-$sample/$sample" --demo; then
      echo "native AOT $sample: ok"
    else
      echo "error: the native AOT publish or run of samples/$sample failed" >&2
      status=1
    fi
  done
  # A suite that crashed (no TRX) or ran nothing is a failure too.
  local expected=0
  for p in "${projects[@]}"; do [ -f "$p/$(basename "$p").csproj" ] && expected=$((expected + 1)); done
  local got
  got=$(ls "$results"/*.trx 2>/dev/null | wc -l)
  if [ "$got" -lt "$expected" ]; then
    echo "error: $((expected - got)) test project(s) produced no results" >&2
    status=1
  fi
  if [ "$total" -eq 0 ]; then status=1; fi
  echo "tests: $passed passed, $failed failed"
  if [ "$failed" -ne 0 ]; then status=1; fi
  return $status
}

case "${1:-}" in
  demo) demo ;;
  test) test_all ;;
  setup) setup ;;
  *) echo "usage: ./dev.sh demo|test|setup" >&2; exit 2 ;;
esac
