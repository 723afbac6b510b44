# The scenarios of bench/run. Each records raw figures with `record`; the report summarises them.

# the JVM flags ./mesh gives an instance when MESH_JAVA_OPTS is unset
launcher_java_opts() { sed -nE 's/^JAVA_OPTS=\$\{MESH_JAVA_OPTS:-(.*)\}$/\1/p' mesh; }

bench_java() { echo "java $BENCH_JAVA_OPTS -jar $BENCH_JAR"; }

# --- 4. event bus: request-reply between two clustered JVMs -----------------------------------------

eventbus_scenario() {
  say "event bus: two clustered JVMs, $EB_WINDOW requests in flight"
  local cluster=bench-eb-$$
  # shellcheck disable=SC2046
  start_bg eb-pong "$LOG_DIR/eb-pong.log" $(bench_java) eb-pong cluster="$cluster" clusterPort="$EB_CLUSTER_PORT"
  # shellcheck disable=SC2046
  start_bg eb-ping "$LOG_DIR/eb-ping.log" $(bench_java) eb-ping cluster="$cluster" clusterPort="$EB_CLUSTER_PORT" \
    window="$EB_WINDOW" warmupSeconds="$WARMUP_SECONDS" seconds="$SECONDS_PER_RUN" rounds="$REPS" out="$RESULTS_TSV"
  wait "$(pid_of eb-ping)" || die "the event-bus ping failed; see $LOG_DIR/eb-ping.log"
  rm -f "$RUN_DIR/eb-ping.pid"
  grep 'round' "$LOG_DIR/eb-ping.log" | sed 's/^/    /' || true
  stop_bg eb-pong
}

# --- 5. cost: start-up, memory, CPU per request ------------------------------------------------------

mesh_startup() {
  local t0 t1
  say "./mesh up from an empty data directory (includes initdb of three PostgreSQL servers)"
  log_command "MESH_VAR_DIR=$MESH_VAR_DIR MESH_CLUSTER_NAME=$MESH_CLUSTER_NAME MESH_CLUSTER_PORT=$MESH_CLUSTER_PORT GATEWAY_PORT=$GATEWAY_PORT ${MESH_JAVA_OPTS:+MESH_JAVA_OPTS='$MESH_JAVA_OPTS' }./mesh up"
  rm -rf "$MESH_VAR_DIR"
  t0=$(date +%s.%N)
  ./mesh up >"$LOG_DIR/mesh-up-empty.log" 2>&1 || die "./mesh up failed: $(tail -n 40 "$LOG_DIR/mesh-up-empty.log")"
  t1=$(date +%s.%N)
  record cost "./mesh up" 1 "seconds to ready, empty data dir" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  ./mesh down >"$LOG_DIR/mesh-down-1.log" 2>&1
  say "./mesh up again on the data it made"
  t0=$(date +%s.%N)
  ./mesh up >"$LOG_DIR/mesh-up-existing.log" 2>&1 || die "./mesh up failed: $(tail -n 40 "$LOG_DIR/mesh-up-existing.log")"
  t1=$(date +%s.%N)
  record cost "./mesh up" 1 "seconds to ready, existing data" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  say "mesh ready: $(grep 'ready in' "$LOG_DIR/mesh-up-existing.log" || true)"
}


idle_memory() {
  local i svc
  sleep 2
  for i in 1 2 3; do
    for svc in "${SERVICES[@]}"; do record cost "$svc" "$i" "rss_mb idle" "$(rss_mb "$(mesh_pid "$svc")")"; done
    sleep 1
  done
}

load_memory() {
  [[ -s "$RSS_SAMPLES" ]] || return 0
  local svc
  for svc in "${SERVICES[@]}"; do
    awk -F'\t' -v s="$svc" '$1 == s { n++; printf "cost\t%s\t%d\trss_mb under load\t%s\n", s, n, $2 }' "$RSS_SAMPLES" >>"$RESULTS_TSV"
  done
}

# gateway_cpu_run <scenario> <peer> <rep> <wrk args...>: a wrk run that also records the gateway's CPU
# time per request (user + system, from /proc)
gateway_cpu_run() {
  local scenario=$1 peer=$2 rep=$3 before after
  before=$(cpu_us "$(mesh_pid gateway-verticle)")
  wrk_run "$@"
  after=$(cpu_us "$(mesh_pid gateway-verticle)")
  [[ "$rep" == warmup ]] && return 0
  record cost gateway-verticle "$rep" "cpu_us per request ($scenario)" "$(awk -v c=$((after - before)) -v n="$WRK_REQUESTS" 'BEGIN { printf "%.1f", c / n }')"
}

# --- 1. proxy overhead ------------------------------------------------------------------------------

start_proxy_peers() {
  say "starting the constant backend (127.0.0.1:$BACKEND_PORT), nginx (:$NGINX_PORT) and the gateway's route to it"
  # shellcheck disable=SC2046
  start_bg constant "$LOG_DIR/constant.log" $(bench_java) constant port="$BACKEND_PORT" instances="$PEER_EVENT_LOOPS"
  wait_http "http://127.0.0.1:$BACKEND_PORT/" 60 || die "the constant backend did not start: $(tail "$LOG_DIR/constant.log")"
  start_nginx
  wait_http "http://127.0.0.1:$NGINX_PORT/" 30 || die "nginx did not start: $(cat "$VAR/nginx/error.log")"
  start_express
  wait_http "http://127.0.0.1:$EXPRESS_PORT/api/bench/constant" 30 || die "the Express gateway did not start: $(tail "$LOG_DIR/express.log")"
  # the gateway's route: the same constant backend, registered through the HTTP bridge as a foreign
  # service; its health URL (polled by the gateway) keeps it alive for the whole run. The route is
  # authenticated (the default), so the gateway checks the bench's token on every request.
  local answer
  bench_token >/dev/null
  answer=$(curl -s --max-time 10 -X POST "$GATEWAY/bridge/services" \
    -H "Authorization: Bearer $(./mesh bridge-secret)" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench\",\"baseUrl\":\"http://127.0.0.1:$BACKEND_PORT\",\"healthUrl\":\"http://127.0.0.1:$BACKEND_PORT/\",\"routes\":[{\"method\":\"GET\",\"path\":\"/api/bench/constant\"}]}")
  grep -q '"id"' <<<"$answer" || die "the bridge refused the bench backend: $answer"
  wait_http "$GATEWAY/api/bench/constant" 60 || die "the gateway never routed /api/bench/constant"
  note "Proxy, gateway peer: \`GET /api/bench/constant\` goes HTTP -> gateway -> keep-alive HTTP to the same constant backend, registered through the HTTP bridge as a foreign service (docs/bridge.md) -> gateway -> HTTP. nginx proxies the same backend with upstream keep-alive."
}

start_nginx() {
  local dir=$VAR/nginx user_line=""
  mkdir -p "$dir/tmp"
  ((EUID == 0)) && user_line="user www-data;"
  sed -e "s|@DIR@|$dir|g" -e "s|@USER_LINE@|$user_line|" -e "s|@PORT@|$NGINX_PORT|" -e "s|@BACKEND_PORT@|$BACKEND_PORT|" \
    bench/nginx.conf.template >"$dir/nginx.conf"
  start_bg nginx "$LOG_DIR/nginx.log" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g "daemon off;"
}

# The seeds' gateway design: Express 5 + http-proxy-middleware 3 (pinned by bench/express/package-lock.json),
# installed by npm into the bench's work dir, one Node process with a keep-alive agent to the backend.
start_express() {
  local dir=$VAR/express
  mkdir -p "$dir"
  cp bench/express/package.json bench/express/package-lock.json bench/express/gateway.js "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$LOG_DIR/express-npm.log" 2>&1) \
    || die "npm ci of the Express peer failed: $(tail "$LOG_DIR/express-npm.log")"
  start_bg express "$LOG_DIR/express.log" node "$dir/gateway.js" "$EXPRESS_PORT" "$BACKEND_PORT"
  note "Proxy, Express peer: the seeds' gateway design, Express $(node -p "require('$dir/node_modules/express/package.json').version") with http-proxy-middleware $(node -p "require('$dir/node_modules/http-proxy-middleware/package.json').version") in one Node $(node --version) process (bench/express/gateway.js), keep-alive agent to the same constant backend."
}

proxy_url() {
  case $1 in
    direct) echo "http://127.0.0.1:$BACKEND_PORT/api/bench/constant" ;;
    nginx) echo "http://127.0.0.1:$NGINX_PORT/api/bench/constant" ;;
    express) echo "http://127.0.0.1:$EXPRESS_PORT/api/bench/constant" ;;
    gateway) echo "$GATEWAY/api/bench/constant" ;;
  esac
}

proxy_scenario() {
  local peer rep
  say "proxy overhead: $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run, $REPS repetitions"
  for peer in direct nginx express gateway; do
    wrk_run proxy "$peer" warmup "$CONNECTIONS" "$WARMUP_SECONDS" get.lua "$(proxy_url "$peer")"
  done
  for rep in $(seq 1 "$REPS"); do
    for peer in $(order_for "$rep" direct nginx express gateway); do
      if [[ "$peer" == gateway ]]; then
        gateway_cpu_run proxy "$peer" "$rep" "$CONNECTIONS" "$SECONDS_PER_RUN" get.lua "$(proxy_url "$peer")"
      else
        wrk_run proxy "$peer" "$rep" "$CONNECTIONS" "$SECONDS_PER_RUN" get.lua "$(proxy_url "$peer")"
      fi
    done
  done
}

# --- 2. read path: GET /api/users/:id ---------------------------------------------------------------

USER_IDS=$VAR/user-ids.txt

create_users() {
  local count=$1 i answer id
  bench_token >/dev/null # minted once, here in the main shell, so the calls below reuse it
  : >"$USER_IDS"
  for i in $(seq 1 "$count"); do
    answer=$(curl -s --max-time 10 -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $(bench_token)" \
      -d "{\"email\":\"bench-$$-$i@example.org\",\"name\":\"Bench User $i\"}" "$GATEWAY/api/users" || true)
    id=$(sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' <<<"$answer")
    [[ -n "$id" ]] || { say "could not create a user: $answer"; return 1; }
    echo "$id" >>"$USER_IDS"
  done
}

read_scenario() {
  local users=${BENCH_USERS:-200} pg_port peer rep
  say "read path: creating $users users through the gateway"
  if ! create_users "$users"; then
    note "Read path not measured: POST /api/users did not create a user (is the users service on this branch?)."
    return 0
  fi
  pg_port=$(sed -nE 's/.*users database ready at 127\.0\.0\.1:([0-9]+).*/\1/p' "$MESH_VAR_DIR/log/users.1.log" | tail -n 1)
  [[ -n "$pg_port" ]] || die "no 'users database ready at' line in $MESH_VAR_DIR/log/users.1.log"
  # shellcheck disable=SC2046
  start_bg users-direct "$LOG_DIR/users-direct.log" $(bench_java) users-direct port="$USERS_DIRECT_PORT" \
    pgPort="$pg_port" pgPasswordFile="$(pg_password_file users role)" instances="$PEER_EVENT_LOOPS" \
    poolSize="${MESH_PG_POOL_SIZE:-8}"
  wait_http "http://127.0.0.1:$USERS_DIRECT_PORT/api/users/$(head -n 1 "$USER_IDS")" 60 \
    || die "the single-process users server did not answer: $(tail "$LOG_DIR/users-direct.log")"
  export BENCH_USER_IDS=$USER_IDS
  say "read path: $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run, $REPS repetitions"
  wrk_run read mesh warmup "$CONNECTIONS" "$WARMUP_SECONDS" users.lua "$GATEWAY"
  wrk_run read single-process warmup "$CONNECTIONS" "$WARMUP_SECONDS" users.lua "http://127.0.0.1:$USERS_DIRECT_PORT"
  for rep in $(seq 1 "$REPS"); do
    for peer in $(order_for "$rep" mesh single-process); do
      if [[ "$peer" == mesh ]]; then
        gateway_cpu_run read mesh "$rep" "$CONNECTIONS" "$SECONDS_PER_RUN" users.lua "$GATEWAY"
      else
        wrk_run read single-process "$rep" "$CONNECTIONS" "$SECONDS_PER_RUN" users.lua "http://127.0.0.1:$USERS_DIRECT_PORT"
      fi
    done
  done
  stop_bg users-direct
}

# --- 3. write path: POST /api/orders against pgbench ------------------------------------------------

SKUS=$VAR/skus.txt
SAGA_DB=bench_saga

create_products() {
  local count=$1 i answer
  bench_token >/dev/null
  : >"$SKUS"
  for i in $(seq 1 "$count"); do
    answer=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $(bench_token)" -d "{\"sku\":\"bench-sku-$i\",\"name\":\"Bench product $i\",\"priceCents\":100,\"available\":1000000000}" \
      "$GATEWAY/api/inventory/products" || true)
    [[ "$answer" == 201 ]] || { say "could not create a product: HTTP $answer"; return 1; }
    echo "bench-sku-$i" >>"$SKUS"
  done
}

# The password file of a login on a service's embedded PostgreSQL, beside its data (mesh-db's
# EmbeddedLogin names them; made at the service's first start, mode 0600): pg_password_file <service>
# superuser|role
pg_password_file() {
  local dir=$MESH_VAR_DIR/data/$1
  case $2 in
    superuser) echo "$dir/pg.password" ;;
    role) echo "$dir/pg.$1.password" ;;
    *) die "pg_password_file: superuser or role, not $2" ;;
  esac
}

# psql/pgbench against the orders service's embedded PostgreSQL as its superuser: the bench makes a
# database of its own there, which the service's role may not
pg() { PGPASSWORD=$(cat "$(pg_password_file orders superuser)") "$@"; }

# A database of its own on the orders service's PostgreSQL (same binaries, same fsync and
# synchronous_commit settings) with the three services' schemas, seeded like the mesh's data.
prepare_saga_db() {
  local port=$1 users=$2 skus=$3 file
  pg psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE $SAGA_DB" >/dev/null
  for file in $(ls user-verticle/src/main/resources/db/users/V*.sql | sort -V) \
      $(ls inventory-verticle/src/main/resources/db/inventory/V*.sql | sort -V) \
      $(ls order-verticle/src/main/resources/db/orders/V*.sql | sort -V); do
    pg psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$SAGA_DB" -f "$file" >/dev/null
  done
  pg psql -q -v ON_ERROR_STOP=1 -v users="$users" -v skus="$skus" -h 127.0.0.1 -p "$port" -U postgres -d "$SAGA_DB" \
    -f bench/sql/seed-saga.sql >/dev/null
}

# pgbench_run <rep|warmup> <seconds> <port> <users> <skus>: transactions/s, and p50/p99 from its
# per-transaction log
pgbench_run() {
  local rep=$1 seconds=$2 port=$3 users=$4 skus=$5 out tps logs p50 p99 failed
  rm -f "$VAR"/pgbench-log*
  local cmd=(pgbench -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c "$WRITE_CONNECTIONS" -j 1 -T "$seconds"
    -D users="$users" -D skus="$skus" -f bench/sql/order-saga.pgbench -l --log-prefix="$VAR/pgbench-log" "$SAGA_DB")
  log_command "PGPASSWORD=\$(cat $(pg_password_file orders superuser)) ${cmd[*]}"
  out=$(pg "${cmd[@]}" 2>&1) || die "pgbench failed: $out"
  tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | head -n 1)
  failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$out")
  [[ -n "$tps" ]] || die "pgbench printed no tps: $out"
  [[ "${failed:-0}" == 0 ]] || die "pgbench: $failed failed transactions: $out"
  read -r p50 p99 < <(cat "$VAR"/pgbench-log* | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 } END { i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999); printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')
  say "write pgbench ($rep): $tps tx/s, p50 $p50 ms, p99 $p99 ms"
  [[ "$rep" == warmup ]] && return 0
  record write pgbench "$rep" rps "$tps"
  record write pgbench "$rep" p50_ms "$p50"
  record write pgbench "$rep" p99_ms "$p99"
}

write_scenario() {
  local skus=${BENCH_SKUS:-50} users port rep peer
  say "write path: creating $skus products through the gateway"
  if ! create_products "$skus"; then
    note "Write path not measured: POST /api/inventory/products did not create a product."
    return 0
  fi
  [[ -s "$USER_IDS" ]] || create_users 50 || { note "Write path not measured: no users could be created."; return 0; }
  users=$(wc -l <"$USER_IDS")
  port=$(sed -nE 's/.*orders database ready at 127\.0\.0\.1:([0-9]+).*/\1/p' "$MESH_VAR_DIR/log/orders.1.log" | tail -n 1)
  [[ -n "$port" ]] || die "no 'orders database ready at' line in $MESH_VAR_DIR/log/orders.1.log"
  prepare_saga_db "$port" "$users" "$skus"
  export BENCH_ORDER_USERS=$USER_IDS BENCH_ORDER_SKUS=$SKUS
  say "write path: $WRITE_CONNECTIONS concurrent orders (and pgbench clients), ${SECONDS_PER_RUN}s per run, $REPS repetitions"
  # twice the warm-up: the saga's code in three JVMs is only now run for the first time, and C2 is
  # still compiling it after one warm-up (measured: orders/s doubled between the 1st and 3rd run)
  BENCH_RUN_ID=warmup-$$ wrk_run write mesh warmup "$WRITE_CONNECTIONS" "$((2 * WARMUP_SECONDS))" orders.lua "$GATEWAY"
  pgbench_run warmup "$WARMUP_SECONDS" "$port" "$users" "$skus"
  for rep in $(seq 1 "$REPS"); do
    for peer in $(order_for "$rep" mesh pgbench); do
      if [[ "$peer" == mesh ]]; then
        BENCH_RUN_ID=rep$rep-$$ gateway_cpu_run write mesh "$rep" "$WRITE_CONNECTIONS" "$SECONDS_PER_RUN" orders.lua "$GATEWAY"
      else
        pgbench_run "$rep" "$SECONDS_PER_RUN" "$port" "$users" "$skus"
      fi
    done
  done
  note "Write path: the mesh's figure counts only orders answered 201 CONFIRMED (a run with more than 1% other answers fails). pgbench runs bench/sql/order-saga.pgbench: the same statements the saga issues on the request path (orders: insert + outbox event, users: select, orders: stock asked, inventory: claim, lock, move, items, orders: confirm + outbox event), as one transaction on one server, where the mesh commits four transactions on two servers and also relays its outbox. The deferred stock commit after the cancellation window (ORDERS_CANCEL_WINDOW_MS, set to 10 minutes here so it never falls inside a measurement) is in neither."
}

# --- 4. restart: a killed service until it is routed again -----------------------------------------

# kill -9 of the users JVM, then at once ./mesh scale users 1 starts a new one (a supervisor's job, done
# by hand), which adopts the running PostgreSQL, joins and registers. Timed from the kill until ten reads
# in a row through the gateway answer 200: "routed again" means no read fails any more, not one lucky one.
restart_scenario() {
  [[ -s "$USER_IDS" ]] || { note "Restart not measured: no users to read."; return 0; }
  local rep pid t0 t1 ok url
  url="$GATEWAY/api/users/$(head -n 1 "$USER_IDS")"
  log_command "kill -9 <users pid>; ./mesh scale users 1; GET $url until 10 answers in a row are 200"
  for rep in $(seq 1 "$REPS"); do
    pid=$(mesh_pid user-verticle)
    [[ -n "$pid" ]] || die "no users instance to kill"
    t0=$(date +%s.%N)
    kill -KILL "$pid"
    ./mesh scale users 1 >"$LOG_DIR/restart-$rep.log" 2>&1 || die "./mesh scale users 1 failed: $(tail "$LOG_DIR/restart-$rep.log")"
    ok=0
    for _ in $(seq 1 600); do
      if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $(bench_token)" "$url" || true)" == 200 ]]; then
        ok=$((ok + 1)); ((ok == 10)) && break
      else
        ok=0; sleep 0.05
      fi
    done
    ((ok == 10)) || die "users was not routed again within the bound after kill -9 (rep $rep)"
    t1=$(date +%s.%N)
    record cost user-verticle "$rep" "seconds from kill -9 to routed again" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
  done
  note "Restart: kill -9 of the users JVM, then ./mesh scale users 1 at once; timed until ten reads in a row through the gateway answer 200."
}

# --- the report ---------------------------------------------------------------------------------------

write_report() {
  local load_before=$1 elapsed=$2 header=$VAR/header.md footer=$VAR/footer.md
  local mesh_flags="\`$(launcher_java_opts)\` (the launcher's defaults)"
  [[ -n "${MESH_JAVA_OPTS:-}" ]] && mesh_flags="\`$MESH_JAVA_OPTS\` (BENCH_MESH_JAVA_OPTS)"
  {
    echo "# Benchmark results"
    echo
    echo "Written by \`bench/run\`$([[ "$QUICK" == 1 ]] && echo ' (BENCH_QUICK=1: a smoke run, not for comparison)') on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git diff --quiet 2>/dev/null || echo ' (with local changes)'), in ${elapsed} s."
    echo "Reproduce with \`bench/run\` (see README, \"Benchmarks\"). Absolute numbers depend on the machine and what else runs on it;"
    echo "the ratios within one run are what to compare."
    echo
    echo "## Machine"
    echo
    echo "- CPU: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    echo "- memory: $(awk '/^MemTotal:/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo); kernel $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- JVM: $(java -version 2>&1 | sed -n 2p)"
    echo "- tools: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //'), $(pgbench --version)"
    echo "- load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "## Settings, and why"
    echo
    echo "- repetitions: $REPS per peer, ${SECONDS_PER_RUN} s each, after a ${WARMUP_SECONDS} s warm-up per peer; the order of the peers alternates between repetitions."
    echo "- wrk: $WRK_THREADS thread, $CONNECTIONS connections (proxy, read path), $WRITE_CONNECTIONS (write path, and as many pgbench clients). One load thread leaves the other core to what is measured."
    echo "- JVM flags of the mesh: $mesh_flags. Of the Java peers: \`$BENCH_JAVA_OPTS\`. C2 on everywhere. Serial GC: on 2 cores, parallel or concurrent GC threads take CPU from the event loops, and young collections of these small heaps of short-lived objects take about a millisecond."
    echo "- event loops: Vert.x's default pool (2 x cores) in every JVM; the gateway and each service deploy one verticle instance, so each serves on one event loop. The Vert.x peers deploy $PEER_EVENT_LOOPS instance(s) and nginx runs $PEER_EVENT_LOOPS worker(s) with keep-alive to the backend, so each side has the same number of request-serving threads."
    echo "- the mesh runs with its own var dir, cluster name \`$MESH_CLUSTER_NAME\`, cluster port $CLUSTER_PORT and gateway port $GATEWAY_PORT_BENCH."
    echo
  } >"$header"
  {
    echo "## Notes"
    echo
    cat "$NOTES"
    echo "- Why the ratios are where they are, with profiles and database counters: [FINDINGS.md](FINDINGS.md)."
    echo "- Start-up is timed by ./mesh up, which polls /ready once a second: the figures are accurate to about a second."
    echo "- Memory: rss_mb idle is sampled three times once the mesh is ready, before any load; under load once a second during the proxy, read and write runs."
    echo
    echo "## Exact commands"
    echo
    echo '```sh'
    cat "$COMMANDS"
    echo '```'
  } >"$footer"
  local previous=$ROOT/bench/RESULTS.md costs_section=$VAR/previous-costs.md
  # the section of `bench/run costs` is kept as it was
  sed -n '/^<!-- costs-[a-z-]*:begin -->$/,/^<!-- costs-[a-z-]*:end -->$/p' "$previous" >"$costs_section" 2>/dev/null || true
  log_command "$(bench_java) report results=$RESULTS_TSV previous=$previous header=$header footer=$footer out=$OUT"
  # shellcheck disable=SC2046
  $(bench_java) report results="$RESULTS_TSV" previous="$previous" header="$header" footer="$footer" out="$OUT"
  [[ -s "$costs_section" ]] && { echo; cat "$costs_section"; } >>"$OUT"
  return 0
}
