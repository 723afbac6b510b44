# Shared helpers of bench/run: tools, processes we start (by pid), wrk runs and the raw results file.
# Sourced by bench/run; every function assumes set -euo pipefail and the variables bench/run defines.

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { say "error: $*" >&2; exit 1; }

# --- tools -----------------------------------------------------------------------------------------

# Installs the Debian packages of missing tools: wrk, nginx (light), pgbench (postgresql-15 on Debian 12),
# node and npm (the Express peer).
ensure_tools() {
  local missing=() tool
  declare -A package_of=([wrk]=wrk [nginx]=nginx-light [pgbench]=postgresql-15 [curl]=curl [java]=openjdk-17-jdk-headless [mvn]=maven [node]=nodejs [npm]=npm)
  for tool in wrk nginx pgbench curl java mvn node npm; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
  done
  ((${#missing[@]})) || return 0
  say "installing missing packages: ${missing[*]}"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- processes: everything we start is recorded by pid, and stopped by pid on exit -------------------

# start_bg <name> <log> <command...>: runs the command in the background, pid in $RUN_DIR/<name>.pid
start_bg() {
  local name=$1 log=$2
  shift 2
  log_command "$*"
  nohup "$@" >"$log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

pid_of() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }

stop_bg() {
  local name=$1 pid
  pid=$(pid_of "$name")
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# The mesh is secure by default: every call the bench makes carries an admin's token, minted once with
# the bench mesh's own key (./mesh token; MESH_VAR_DIR is the bench's). The wrk scripts read BENCH_TOKEN.
bench_token() {
  if [[ -z "${BENCH_TOKEN:-}" ]]; then
    BENCH_TOKEN=$(./mesh token --sub bench --roles admin --ttl 6h) || die "./mesh token failed"
    export BENCH_TOKEN
  fi
  echo "$BENCH_TOKEN"
}

# wait_http <url> <seconds> [expected status]: polls until the URL answers the status (200 by default)
wait_http() {
  local url=$1 seconds=$2 expected=${3:-200} start=$SECONDS auth=()
  [[ -n "${BENCH_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $BENCH_TOKEN")
  while ((SECONDS - start < seconds)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${auth[@]}" "$url" || true)" == "$expected" ]] && return 0
    sleep 0.3
  done
  return 1
}

# --- results -------------------------------------------------------------------------------------

# record <scenario> <peer> <rep> <metric> <value>: one raw figure, summarised by the report
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS_TSV"; }

# every command that measures or starts something, once, for the "exact commands" section
log_command() { grep -qxF -- "$*" "$COMMANDS" 2>/dev/null || printf '%s\n' "$*" >>"$COMMANDS"; }

note() { printf -- '- %s\n' "$*" >>"$NOTES"; }

# --- load ----------------------------------------------------------------------------------------

# wrk_run <scenario> <peer> <rep|warmup> <connections> <seconds> <lua script> <url>
# Records rps, p50_ms and p99_ms (not for warm-ups); sets WRK_REQUESTS. More than 0.1% errors
# (socket errors or non-2xx answers), or more than 1% unexpected answers (see orders.lua), fails the
# run: a throughput of errors measures nothing.
WRK_REQUESTS=0
wrk_run() {
  local scenario=$1 peer=$2 rep=$3 connections=$4 seconds=$5 script=$6 url=$7 out line
  local cmd=(wrk -t"$WRK_THREADS" -c"$connections" -d"${seconds}s" --timeout 10s -s "bench/wrk/$script" "$url")
  log_command "${cmd[*]}"
  out=$("${cmd[@]}" 2>&1) || die "wrk failed: $out"
  line=$(grep '^BENCH ' <<<"$out") || die "wrk printed no result: $out"
  local requests duration_us errors p50_us p99_us unexpected
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  duration_us=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")
  errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$line")
  p50_us=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")
  p99_us=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")
  unexpected=$(sed -E 's/.*unexpected=([0-9]+).*/\1/' <<<"$line")
  WRK_REQUESTS=$requests
  ((requests > 0)) || die "$scenario/$peer: no request completed ($url)"
  if ((errors * 1000 > requests)); then
    die "$scenario/$peer: $errors errors in $requests requests against $url; first lines of wrk: $(head -n 12 <<<"$out")"
  fi
  # 2xx answers that are not the expected outcome (an order still PENDING or REJECTED)
  if ((unexpected * 100 > requests)); then
    die "$scenario/$peer: $unexpected of $requests answers were not the expected outcome ($url)"
  fi
  local rps
  rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.1f", r * 1e6 / d }')
  say "$scenario $peer ($rep): $rps req/s, p50 $((p50_us / 1000)).$(printf '%03d' $((p50_us % 1000))) ms, p99 $((p99_us / 1000)).$(printf '%03d' $((p99_us % 1000))) ms, $errors errors, $unexpected unexpected"
  [[ "$rep" == warmup ]] && return 0
  record "$scenario" "$peer" "$rep" rps "$rps"
  record "$scenario" "$peer" "$rep" p50_ms "$(awk -v v="$p50_us" 'BEGIN { printf "%.3f", v / 1000 }')"
  record "$scenario" "$peer" "$rep" p99_ms "$(awk -v v="$p99_us" 'BEGIN { printf "%.3f", v / 1000 }')"
}

# peers in the order of repetition <rep>: as given on odd repetitions, reversed on even ones, so no
# peer always runs first (on a warmer or quieter machine)
order_for() {
  local rep=$1
  shift
  if ((rep % 2 == 1)); then echo "$@"; else echo "$@" | tr ' ' '\n' | tac | tr '\n' ' '; fi
}

# --- cost ----------------------------------------------------------------------------------------

rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# CPU time (user + system) of a process so far, in microseconds
cpu_us() {
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1e6 / tck }' "/proc/$1/stat"
}

# The pid of a mesh JVM by module name: ./mesh keeps the first instance of each service in run/<name>.1.pid
mesh_pid() {
  local name
  case "$1" in
    gateway-verticle) name=gateway ;; user-verticle) name=users ;;
    inventory-verticle) name=inventory ;; order-verticle) name=orders ;;
  esac
  cat "$MESH_VAR_DIR/run/$name.1.pid" 2>/dev/null || true
}

# Samples the RSS of every mesh JVM once a second into $RSS_SAMPLES while load runs.
start_rss_sampler() {
  (
    while true; do
      for svc in "${SERVICES[@]}"; do
        pid=$(mesh_pid "$svc")
        [[ -n "$pid" ]] && printf '%s\t%s\n' "$svc" "$(rss_mb "$pid")" >>"$RSS_SAMPLES"
      done
      sleep 1
    done
  ) &
  echo $! >"$RUN_DIR/rss-sampler.pid"
}
