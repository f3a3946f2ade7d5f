# Sourced by bench/cluster/run.sh and bench/cluster/random-kill.sh (from the repository root): installs what the
# harness needs, builds it, and runs it with a clean-up trap.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

chaos_setup() {
  command -v node >/dev/null || { echo "error: node (20+) is required for restate-server (npm)" >&2; exit 1; }
  if [ ! -x node_modules/@restatedev/restate-server-linux-x64/bin/restate-server ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "installing restate-server 1.7.12 (npm ci at the repository root)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  dotnet build bench/cluster/DurableAgents.ClusterChaos -c Release -warnaserror --verbosity quiet -nologo
}

chaos_need_haproxy() {
  if ! command -v haproxy >/dev/null; then
    echo "HAProxy is missing: installing the Debian package (apt-get install -y haproxy)"
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: installing haproxy needs root; install it yourself (apt-get install haproxy) or pass --haproxy PATH" >&2
      exit 1
    fi
    apt-get update -qq && apt-get install -y -qq haproxy >/dev/null
  fi
}

# Kills a process and all its descendants (by pid, deepest first).
chaos_kill_tree() {
  local pid=$1 child
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do chaos_kill_tree "$child"; done
  kill -9 "$pid" 2>/dev/null || true
}

# chaos_run ARGS...: runs the driver in a fresh work directory; on exit (also Ctrl+C) every process it started is
# killed and the directory removed (unless DA_CHAOS_KEEP=1).
chaos_run() {
  local work driver rc
  work=$(mktemp -d "${TMPDIR:-/tmp}/da-chaos.XXXXXX")
  dotnet bench/cluster/DurableAgents.ClusterChaos/bin/Release/net10.0/DurableAgents.ClusterChaos.dll "$@" --work "$work" --keep &
  driver=$!
  trap 'chaos_kill_tree '"$driver"'; [ "${DA_CHAOS_KEEP:-0}" = 1 ] || rm -rf "'"$work"'"' EXIT
  trap 'exit 130' INT TERM
  rc=0
  wait "$driver" || rc=$?
  [ "${DA_CHAOS_KEEP:-0}" = 1 ] && echo "kept the work directory (node/replica/haproxy logs, effect logs): $work"
  return "$rc"
}
