# `bench/run costs`: what security (issue 11) and observability (issue 13) cost on the proxy and read
# paths. Each variant is a whole mesh of its own, started side by side with the mesh it is compared with
# (own var dir, cluster, ports), so no variant waits for a restart and JIT warm-up between rounds; the
# variants of one phase then take turns, round after round, so drift of this shared machine hits all
# alike. Writes the section between the "costs" markers of bench/RESULTS.md.
#
#   security phase:      mesh sec-limits (defaults: rate limits on) and sec-nolimits
#                        (GATEWAY_RATE_LIMIT_ENABLED=false); auth on/off is the same backend behind a route
#                        declared authenticated (called with a token) and one declared public (without);
#   observability phase: mesh obs-metrics (defaults: metrics on, tracing on but not exporting), obs-export
#                        (metrics on, spans exported over OTLP to a sink on loopback) and obs-off
#                        (MESH_METRICS_ENABLED=false MESH_TRACING_ENABLED=false), and obs-metrics-only (metrics
#                        on, MESH_TRACING_ENABLED=false); rate limits off in all four.
#   transport phase:     mesh tr-native (MESH_NATIVE_TRANSPORT=true: Netty's epoll) and tr-nio (=false: NIO)
#   metrics phase:       metrics alone, three meshes (the observability phase runs four side by side):
#                        met-on (MESH_TRACING_ENABLED=false), met-no-vertx-http (the same without Vert.x's HTTP
#                        meters: MESH_METRICS_DISABLED=http_server,http_client) and met-off (metrics off
#                        too); rate limits off
#   exporting phase:     issue 13's measure, two meshes only: exp-on (metrics on, spans exported over OTLP to
#                        the sink) and exp-off (metrics and tracing off); rate limits off
#   accesslog phase:     log-on (defaults: the gateway's access line per request) and log-off
#                        (MESH_ACCESS_LOG_LEVEL=OFF)
#   tokens phase:        mesh tok-cached (defaults: a verified token is not checked again for a minute) and
#                        tok-verified (GATEWAY_TOKEN_CACHE_MS=0: every request's token is checked)

COSTS_GATEWAY_PORT=${BENCH_COSTS_GATEWAY_PORT:-7180} # ports below the ephemeral range, as bench/run's
COSTS_CLUSTER_PORT=${BENCH_COSTS_CLUSTER_PORT:-6301}
COSTS_HEALTH_PORT=${BENCH_COSTS_HEALTH_PORT:-9600}
OTLP_PORT=${BENCH_OTLP_PORT:-7190}
COSTS_USERS=${BENCH_COSTS_USERS:-100}
COSTS_PHASES=${BENCH_COSTS_PHASES:-security observability} # any of: security observability transport tokens metrics exporting accesslog
COSTS_PATHS=${BENCH_COSTS_PATHS:-proxy read}                # phases but security: either or both
LOAD_SAMPLES=$VAR/load-samples.txt

costs_main() {
  local started=$SECONDS
  ensure_tools
  rm -rf "$VAR" && mkdir -p "$RUN_DIR" "$LOG_DIR"
  : >"$RESULTS_TSV"; : >"$COMMANDS"; : >"$NOTES"; : >"$LOAD_SAMPLES"
  trap stop_costs EXIT INT TERM
  build
  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)

  # shellcheck disable=SC2046
  start_bg constant "$LOG_DIR/constant.log" $(bench_java) constant port="$BACKEND_PORT" instances="$PEER_EVENT_LOOPS"
  wait_http "http://127.0.0.1:$BACKEND_PORT/" 60 || die "the constant backend did not start: $(tail "$LOG_DIR/constant.log")"
  start_bg otlp-sink "$LOG_DIR/otlp-sink.log" node bench/otlp-sink.js "$OTLP_PORT"
  wait_http "http://127.0.0.1:$OTLP_PORT/stats" 30 || die "the OTLP sink did not start: $(tail "$LOG_DIR/otlp-sink.log")"

  local phase
  for phase in $COSTS_PHASES; do
    case "$phase" in
      security) security_phase ;;
      observability) observability_phase ;;
      transport) side_by_side transport tr-native 6 MESH_NATIVE_TRANSPORT=true tr-nio 7 MESH_NATIVE_TRANSPORT=false ;;
      tokens) side_by_side tokens tok-cached 8 - tok-verified 9 GATEWAY_TOKEN_CACHE_MS=0 ;;
      accesslog) side_by_side accesslog log-on 8 - log-off 9 MESH_ACCESS_LOG_LEVEL=OFF ;;
      metrics) side_by_side metrics met-on 6 "GATEWAY_RATE_LIMIT_ENABLED=false MESH_TRACING_ENABLED=false" \
        met-no-vertx-http 7 "GATEWAY_RATE_LIMIT_ENABLED=false MESH_TRACING_ENABLED=false MESH_METRICS_DISABLED=http_server,http_client" \
        met-off 8 "GATEWAY_RATE_LIMIT_ENABLED=false MESH_TRACING_ENABLED=false MESH_METRICS_ENABLED=false" ;;
      exporting) side_by_side exporting exp-on 6 \
        "GATEWAY_RATE_LIMIT_ENABLED=false OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$OTLP_PORT" \
        exp-off 7 "GATEWAY_RATE_LIMIT_ENABLED=false MESH_TRACING_ENABLED=false MESH_METRICS_ENABLED=false"
        exported_something ;;
      *) die "unknown phase '$phase' in BENCH_COSTS_PHASES (security, observability, transport, tokens, metrics, exporting, accesslog)" ;;
    esac
  done

  write_costs_report "$load_before" "$((SECONDS - started))"
  say "done in $((SECONDS - started)) s: $OUT"
}

security_phase() {
  COMMANDS=$VAR/commands-security.txt NOTES=$VAR/notes-security.md
  say "security phase: rate limits on and off, authenticated and public routes"
  cost_mesh_up sec-limits 0
  cost_mesh_up sec-nolimits 1 GATEWAY_RATE_LIMIT_ENABLED=false
  cost_rounds security-proxy proxy auth+limits:sec-limits:token auth:sec-nolimits:token \
    limits:sec-limits:none neither:sec-nolimits:none
  cost_rounds security-read read limits:sec-limits:token no-limits:sec-nolimits:token
  cost_mesh_down sec-limits
  cost_mesh_down sec-nolimits
}

observability_phase() {
  COMMANDS=$VAR/commands-observability.txt NOTES=$VAR/notes-observability.md
  say "observability phase: metrics and tracing export, metrics alone, both off"
  # rate limits off in all three: their cost per request (see the security phase) would otherwise be
  # most of each figure and make the cost of metrics look smaller than it is
  cost_mesh_up obs-off 2 GATEWAY_RATE_LIMIT_ENABLED=false MESH_METRICS_ENABLED=false MESH_TRACING_ENABLED=false
  cost_mesh_up obs-metrics 3 GATEWAY_RATE_LIMIT_ENABLED=false
  cost_mesh_up obs-export 4 GATEWAY_RATE_LIMIT_ENABLED=false OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT"
  # metrics alone: the defaults' tracing (on, not exporting) switched off, to split the defaults' cost
  cost_mesh_up obs-metrics-only 5 GATEWAY_RATE_LIMIT_ENABLED=false MESH_TRACING_ENABLED=false
  local path
  for path in $COSTS_PATHS; do
    cost_rounds "observability-$path" "$path" metrics+export:obs-export:token metrics:obs-metrics:token \
      metrics-only:obs-metrics-only:token off:obs-off:token
  done
  exported_something
  cost_mesh_down obs-off
  cost_mesh_down obs-metrics
  cost_mesh_down obs-export
  cost_mesh_down obs-metrics-only
}

# a phase that exports spans proves that it did: the sink's counts go into the notes
exported_something() {
  local sink
  sink=$(curl -s --max-time 5 "http://127.0.0.1:$OTLP_PORT/stats")
  [[ "$sink" == *'"posts":0,'* ]] && die "tracing exported nothing to the OTLP sink: $sink"
  note "The OTLP sink (bench/otlp-sink.js, 127.0.0.1:$OTLP_PORT) received $sink (OTLP/HTTP protobuf POSTs to /v1/traces, and their bytes) from the exporting mesh."
}

# side_by_side <phase> <mesh> <index> <its settings> [<mesh> <index> <its settings>...]: one setting's
# values, a mesh each, side by side, on each of COSTS_PATHS ("-" for no setting: the defaults); a mesh's
# label in the figures is its name without the phase's prefix (met-on: on)
side_by_side() {
  local phase=$1 path mesh meshes=() variants=()
  shift
  COMMANDS=$VAR/commands-$phase.txt NOTES=$VAR/notes-$phase.md
  say "$phase phase: $(($# / 3)) meshes side by side" # each mesh's settings: cost_mesh_up says them
  while (($# >= 3)); do
    # shellcheck disable=SC2046
    cost_mesh_up "$1" "$2" $([[ "$3" == - ]] || echo "$3")
    meshes+=("$1"); variants+=("${1#*-}:$1:token")
    shift 3
  done
  for path in $COSTS_PATHS; do
    cost_rounds "$phase-$path" "$path" "${variants[@]}"
  done
  for mesh in "${meshes[@]}"; do cost_mesh_down "$mesh"; done
}

stop_costs() {
  local status=$? file
  trap - EXIT INT TERM
  for file in "$RUN_DIR"/mesh-*.env; do
    [[ -f "$file" ]] || continue
    # shellcheck disable=SC2046
    env $(cat "$file") ./mesh down >/dev/null 2>&1 || true
  done
  stop_bg otlp-sink
  stop_bg constant
  exit "$status"
}

mesh_dir() { echo "$VAR/mesh-$1"; }
mesh_gateway() { echo "http://127.0.0.1:$(cat "$(mesh_dir "$1")/run/gateway.1.port")"; }

# cost_mesh_up <name> <index> [SETTING=value...]: a mesh of its own, with the bench's constant backend
# registered as foreign service "bench" (GET /api/bench/constant authenticated, GET /api/bench/open
# public), an admin token in $VAR/token-<name> and COSTS_USERS users in $VAR/users-<name>.txt
cost_mesh_up() {
  local name=$1 index=$2
  shift 2
  local settings=(MESH_VAR_DIR="$(mesh_dir "$name")" MESH_CLUSTER_NAME="bench-$name-$$"
    MESH_CLUSTER_PORT=$((COSTS_CLUSTER_PORT + 10 * index)) GATEWAY_PORT=$((COSTS_GATEWAY_PORT + index))
    MESH_HEALTH_BASE_PORT=$((COSTS_HEALTH_PORT + 10 * index)) BRIDGE_TCP_PORT=-1 MESH_CDS=0 "$@")
  echo "${settings[*]}" >"$RUN_DIR/mesh-$name.env"
  say "mesh $name: ${*:-defaults}"
  log_command "${settings[*]} ./mesh up"
  env "${settings[@]}" ./mesh up >"$LOG_DIR/mesh-up-$name.log" 2>&1 || die "./mesh up of $name failed: $(tail -n 40 "$LOG_DIR/mesh-up-$name.log")"
  env "${settings[@]}" ./mesh token --sub bench --roles admin --ttl 6h >"$VAR/token-$name" || die "./mesh token of $name failed"
  local gateway token answer
  gateway=$(mesh_gateway "$name")
  token=$(cat "$VAR/token-$name")
  answer=$(curl -s --max-time 10 -X POST "$gateway/bridge/services" \
    -H "Authorization: Bearer $(env "${settings[@]}" ./mesh bridge-secret)" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench\",\"baseUrl\":\"http://127.0.0.1:$BACKEND_PORT\",\"healthUrl\":\"http://127.0.0.1:$BACKEND_PORT/\",\"routes\":[{\"method\":\"GET\",\"path\":\"/api/bench/constant\"},{\"method\":\"GET\",\"path\":\"/api/bench/open\",\"auth\":{\"public\":true}}]}")
  grep -q '"id"' <<<"$answer" || die "the bridge of $name refused the bench backend: $answer"
  BENCH_TOKEN=$token wait_http "$gateway/api/bench/constant" 60 || die "$name never routed /api/bench/constant"
  BENCH_TOKEN='' wait_http "$gateway/api/bench/open" 60 || die "$name never routed /api/bench/open without a token"
  # the public route without a token, and the authenticated one refused without it: the policies hold
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$gateway/api/bench/constant")" == 401 ]] \
    || die "$name answered /api/bench/constant without a token"
  local i id users=$VAR/users-$name.txt
  : >"$users"
  for i in $(seq 1 "$COSTS_USERS"); do
    answer=$(curl -s --max-time 10 -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
      -d "{\"email\":\"bench-$name-$i@example.org\",\"name\":\"Bench User $i\"}" "$gateway/api/users" || true)
    id=$(sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' <<<"$answer")
    [[ -n "$id" ]] || die "$name could not create a user: $answer"
    echo "$id" >>"$users"
  done
}

cost_mesh_down() {
  local file=$RUN_DIR/mesh-$1.env
  # shellcheck disable=SC2046
  env $(cat "$file") ./mesh down >"$LOG_DIR/mesh-down-$1.log" 2>&1 || true
  rm -f "$file"
}

# the CPU time (user + system, microseconds) of a mesh's four JVMs, and of its gateway alone
mesh_cpu_us() {
  local dir total=0 name pid
  dir=$(mesh_dir "$1")
  for name in ${2:-gateway users inventory orders}; do
    pid=$(cat "$dir/run/$name.1.pid")
    total=$((total + $(cpu_us "$pid")))
  done
  echo "$total"
}

# cost_run <scenario> <path> <variant:mesh:token|none> <rep|warmup>: one wrk run against the variant's
# mesh; records req/s and latencies, and the CPU per request of its gateway and of all four JVMs
cost_run() {
  local scenario=$1 path=$2 variant=$3 rep=$4 label mesh auth gateway script url
  IFS=: read -r label mesh auth <<<"$variant"
  gateway=$(mesh_gateway "$mesh")
  if [[ "$auth" == token ]]; then export BENCH_TOKEN; BENCH_TOKEN=$(cat "$VAR/token-$mesh"); else unset BENCH_TOKEN; fi
  case "$path" in
    proxy) script=get.lua; url=$gateway/api/bench/$([[ "$auth" == token ]] && echo constant || echo open) ;;
    read) script=users.lua; url=$gateway; export BENCH_USER_IDS=$VAR/users-$mesh.txt ;;
  esac
  local seconds=$SECONDS_PER_RUN gateway_before mesh_before
  [[ "$rep" == warmup ]] && seconds=$WARMUP_SECONDS
  [[ "$rep" == warmup ]] || echo "$(date -u +%H:%M:%S) $scenario $label $rep $(cut -d' ' -f1-3 /proc/loadavg)" >>"$LOAD_SAMPLES"
  gateway_before=$(mesh_cpu_us "$mesh" gateway); mesh_before=$(mesh_cpu_us "$mesh")
  wrk_run "$scenario" "$label" "$rep" "$CONNECTIONS" "$seconds" "$script" "$url"
  [[ "$rep" == warmup ]] && return 0
  record "$scenario" "$label" "$rep" "gateway cpu_us/request" \
    "$(awk -v c=$(($(mesh_cpu_us "$mesh" gateway) - gateway_before)) -v n="$WRK_REQUESTS" 'BEGIN { printf "%.1f", c / n }')"
  record "$scenario" "$label" "$rep" "4 JVMs cpu_us/request" \
    "$(awk -v c=$(($(mesh_cpu_us "$mesh") - mesh_before)) -v n="$WRK_REQUESTS" 'BEGIN { printf "%.1f", c / n }')"
}

# cost_rounds <scenario> <path> <variant...>: a warm-up of each, then REPS rounds of all variants, in
# the given order on odd rounds and reversed on even ones
cost_rounds() {
  local scenario=$1 path=$2 variant rep
  shift 2
  say "$scenario: $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run, $REPS rounds of: $*"
  for variant in "$@"; do cost_run "$scenario" "$path" "$variant" warmup; done
  for rep in $(seq 1 "$REPS"); do
    for variant in $(order_for "$rep" "$@"); do cost_run "$scenario" "$path" "$variant" "$rep"; done
  done
}

# Writes one section per phase run into bench/RESULTS.md, between markers of its own
# (<!-- costs-<phase>:begin/end -->): a run of one phase keeps the other's section, and so does a full run.
write_costs_report() {
  local load_before=$1 elapsed=$2 phase
  for phase in $COSTS_PHASES; do
    write_phase_section "$phase" "$load_before" "$elapsed" "$(cut -d' ' -f1-3 /proc/loadavg)" "$VAR/costs-$phase.md"
    splice_costs_section "$phase" "$VAR/costs-$phase.md" "$OUT"
  done
}

# write_phase_section <phase> <load before> <seconds> <load after> <out>: the phase's figures from
# $RESULTS_TSV, its load samples, notes and commands
write_phase_section() {
  local phase=$1 load_before=$2 elapsed=$3 load_after=$4 out=$5 results=$VAR/results-$1.tsv tables=$VAR/tables-$1.md
  grep "^$phase-" "$RESULTS_TSV" >"$results" || true
  # shellcheck disable=SC2046
  $(bench_java) cost-report results="$results" out="$tables"
  local load_min load_max title issue
  read -r load_min load_max < <(awk -v p="$phase-" 'index($2, p) == 1 { print $5 }' "$LOAD_SAMPLES" | sort -n \
    | awk 'NR == 1 { min = $1 } { max = $1 } END { print min, max }')
  case "$phase" in
    security) title="Cost of security: auth and rate limits (issue 11)" ;;
    observability) title="Cost of observability: metrics and tracing export (issue 13)" ;;
    transport) title="Transport: Netty's epoll against NIO (issue 16)" ;;
    tokens) title="Verified tokens kept against every token checked (issue 16)" ;;
    metrics) title="Cost of metrics alone, three meshes side by side (issue 13)" ;;
    exporting) title="Cost of metrics and tracing exporting against both off, two meshes side by side (issue 13)" ;;
    accesslog) title="Cost of the gateway's access log (issues 13 and 16)" ;;
  esac
  {
    echo "<!-- costs-$phase:begin -->"
    echo "## $title"
    echo
    echo "Written by \`bench/run costs\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git diff --quiet 2>/dev/null || echo ' (with local changes)'); the whole run took ${elapsed} s."
    echo "Medians over $REPS rounds of ${SECONDS_PER_RUN} s per variant (after a ${WARMUP_SECONDS} s warm-up each), $CONNECTIONS connections, $WRK_THREADS wrk thread; the variants run as meshes side by side and take turns (order reversed every other round)."
    echo "Load average (1, 5, 15 min) before the run: $load_before; 1-minute load at the start of this phase's measured runs: $load_min to $load_max; after the run: $load_after."
    echo "The machine ($(nproc) cores) was shared with other work while this ran: compare the ratios, not the absolute figures."
    echo
    cat "$tables"
    echo "Notes:"
    echo
    if [[ "$phase" == security ]]; then
      echo "- Proxy: \`GET /api/bench/constant\` (authenticated, called with an admin token) and \`GET /api/bench/open\` (declared \`\"auth\": {\"public\": true}\`, called without a token) reach the same constant backend through the HTTP bridge. Read: \`GET /api/users/:id\` over $COSTS_USERS users, with the token (the route is authenticated and auth cannot be taken off it, so the read path measures rate limits only; the proxy pair gives auth's cost per request)."
      echo "- Rate limits when on: \`GATEWAY_RATE_LIMITS=$GATEWAY_RATE_LIMITS\`, far above what the bench reaches, so every request pays the bucket check and none is refused."
    elif [[ "$phase" == transport ]]; then
      echo "- native: \`MESH_NATIVE_TRANSPORT=true\` (Netty's epoll, netty-transport-native-epoll linux-x86_64); nio: \`MESH_NATIVE_TRANSPORT=false\`. Every JVM of the mesh takes the setting, so the event bus between them changes too. Rate limits, metrics and tracing at their defaults. Proxy: \`GET /api/bench/constant\` with a token; read: \`GET /api/users/:id\` over $COSTS_USERS users."
    elif [[ "$phase" == accesslog ]]; then
      echo "- on: the defaults, one access line per request written by logback to the gateway's standard output (a file under \`./mesh\`); off: \`MESH_ACCESS_LOG_LEVEL=OFF\`. Everything else at its defaults. nginx, the proxy peer of bench/run, runs with \`access_log off\`."
    elif [[ "$phase" == metrics ]]; then
      echo "- on: metrics on (the default), \`MESH_TRACING_ENABLED=false\`; no-vertx-http: the same with \`MESH_METRICS_DISABLED=http_server,http_client\` (Vert.x's per-request HTTP meters left out; the mesh's own \`mesh_gateway_requests_seconds\` and every other meter stay); off: \`MESH_METRICS_ENABLED=false MESH_TRACING_ENABLED=false\`. Rate limits off in all three (\`GATEWAY_RATE_LIMIT_ENABLED=false\`), so that their cost does not dilute what is measured. Only these three meshes run, where the observability phase runs four side by side."
    elif [[ "$phase" == tokens ]]; then
      echo "- cached: the defaults (\`GATEWAY_TOKEN_CACHE_MS=60000\`: a verified token is not checked again for a minute, never past its exp); verified: \`GATEWAY_TOKEN_CACHE_MS=0\`, the RS256 signature of every request's token is checked. Everything else at its defaults. Every request carries the same admin token, as a real client's do."
    else
      echo "- off: \`MESH_METRICS_ENABLED=false MESH_TRACING_ENABLED=false\`; metrics: the defaults (metrics on, tracing on but not exporting); metrics-only: metrics on, \`MESH_TRACING_ENABLED=false\`; metrics+export: metrics on and \`OTEL_EXPORTER_OTLP_ENDPOINT\` set to a sink on loopback. Rate limits are off in all four, so that their cost does not dilute what is measured. Proxy: \`GET /api/bench/constant\` with a token; read: \`GET /api/users/:id\` over $COSTS_USERS users."
    fi
    echo "- cpu_us/request: CPU time (user + system, /proc) of the gateway, and of all four JVMs of the mesh, over the run divided by the requests."
    cat "$VAR/notes-$phase.md" 2>/dev/null || true
    echo
    echo '```sh'
    echo "BENCH_SECONDS=$SECONDS_PER_RUN BENCH_WARMUP_SECONDS=$WARMUP_SECONDS BENCH_REPS=$REPS BENCH_COSTS_USERS=$COSTS_USERS BENCH_COSTS_PHASES=$phase BENCH_COSTS_PATHS='$COSTS_PATHS' bench/run costs"
    cat "$VAR/commands.txt" "$VAR/commands-$phase.txt" 2>/dev/null || true
    echo '```'
    echo "<!-- costs-$phase:end -->"
  } >"$out"
}

# splice_costs_section <phase> <section file> <results file>: replaces the phase's section, or appends it
splice_costs_section() {
  local phase=$1 section=$2 file=$3
  [[ -f "$file" ]] || : >"$file"
  awk -v section="$section" -v begin="<!-- costs-$phase:begin -->" -v end="<!-- costs-$phase:end -->" '
    $0 == begin { while ((getline line < section) > 0) print line; skipping = 1; done = 1; next }
    $0 == end { skipping = 0; next }
    !skipping { print }
    END { if (!done) { print ""; while ((getline line < section) > 0) print line } }
  ' "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}
