#!/bin/bash
# Server CPU per sysbench transaction, in total and per thread, on a fresh Borealis server
# (1 table x 10,000 rows unless TABLES/TABLE_SIZE say otherwise): what limits TPS when client
# and server share two cores. With SERVER=mariadb, the same figures for a fresh MariaDB
# (durable, as `npm run bench` runs it), to compare CPU per transaction where TPS alone mixes in
# the machine's drift. Each cell also prints the server's user and system time and the machine's
# busy time per transaction.
#
#   bash conformance/bench/profile/cpu-per-txn.sh PORT TEST:THREADS ...
#   e.g. bash conformance/bench/profile/cpu-per-txn.sh 3410 oltp_point_select:8 oltp_insert:1
#
# Environment: SECONDS_PER_RUN (8), WARM_SECONDS (5: an unmeasured run of the cell first),
# TABLES (1) and TABLE_SIZE (10000: the sysbench tables prepared),
# NODE_FLAGS (passed to node), SERVER_ARGS (to `start`), PER_THREAD=1 (also print each thread's
# CPU per transaction, from /proc/PID/task), SERVER=mariadb. Needs mysql, sysbench and MariaDB
# (conformance/setup installs them) and a built dist (npm run build).
set -euo pipefail
PORT=$1; shift
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
T=${SECONDS_PER_RUN:-8}
DATA=$(mktemp -d)
if [ "${SERVER:-borealis}" = mariadb ]; then
  asroot=(); [ "$(id -u)" = 0 ] && asroot=(--user=root)
  mariadb-install-db --no-defaults --datadir="$DATA/db" --auth-root-authentication-method=normal \
    --skip-test-db "${asroot[@]}" > "$DATA/install.log" 2>&1
  echo "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" > "$DATA/init.sql"
  mariadbd --no-defaults "${asroot[@]}" --datadir="$DATA/db" --socket="$DATA/mariadb.sock" \
    --pid-file="$DATA/mariadb.pid" --log-error="$DATA/server.log" --init-file="$DATA/init.sql" \
    --port="$PORT" --bind-address=127.0.0.1 --skip-name-resolve --skip-log-bin \
    --performance-schema=OFF --innodb-buffer-pool-size=256M \
    --innodb-flush-log-at-trx-commit=1 --max-connections=300 &
else
  # shellcheck disable=SC2086
  node ${NODE_FLAGS:-} "$ROOT/dist/server/cli.js" start --port "$PORT" --data-dir "$DATA" \
    ${SERVER_ARGS:-} > "$DATA/server.log" 2>&1 &
fi
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
  mysql -h127.0.0.1 -P"$PORT" -uroot --skip-ssl -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done
mysql -h127.0.0.1 -P"$PORT" -uroot --skip-ssl -e 'CREATE DATABASE sbtest'
SB="--mysql-host=127.0.0.1 --mysql-port=$PORT --mysql-user=root --mysql-db=sbtest"
SB="$SB --tables=${TABLES:-1} --table-size=${TABLE_SIZE:-10000} --mysql-ssl=off"
# shellcheck disable=SC2086
sysbench oltp_insert $SB prepare >/dev/null
ticks() { awk '{print $14 + $15}' "$1/stat"; }
user_sys() { awk '{print $14, $15}' "/proc/$PID/stat"; }
machine() { head -1 /proc/stat; } # cpu user nice system idle iowait irq softirq ...
threads() { for t in /proc/$PID/task/*; do echo "$(basename "$t") $(ticks "$t")"; done | sort; }
HZ=$(getconf CLK_TCK)
for cell in "$@"; do
  test=${cell%%:*}; thr=${cell##*:}
  # Warm-up: the JIT compiles the hot paths in the first seconds of load.
  # shellcheck disable=SC2086
  sysbench "$test" $SB --threads="$thr" --time="${WARM_SECONDS:-5}" run >/dev/null 2>&1 || true
  before=$(ticks /proc/$PID); threads > "$DATA/a"; us0=$(user_sys); m0=$(machine)
  # shellcheck disable=SC2086
  out=$(sysbench "$test" $SB --threads="$thr" --time="$T" --report-interval=0 run 2>&1)
  after=$(ticks /proc/$PID); threads > "$DATA/b"; us1=$(user_sys); m1=$(machine)
  n=$(echo "$out" | grep -oP 'transactions:\s+\K\d+')
  tps=$(echo "$out" | grep -oP 'transactions:\s+\d+\s+\(\K[0-9.]+')
  p95=$(echo "$out" | grep -oP '95th percentile:\s+\K[0-9.]+')
  awk -v c=$((after - before)) -v n="$n" -v hz="$HZ" -v t="$test" -v th="$thr" -v tps="$tps" \
    -v p95="$p95" 'BEGIN { printf "%s %s: %s TPS, p95 %s ms, server CPU %.3f ms a transaction\n",
    t, th, tps, p95, c * 1000 / hz / n }'
  echo "$us0 $us1 $m0 $m1" | awk -v n="$n" -v hz="$HZ" '{ ms = 1000 / hz / n
    total = 0; for (i = 6; i <= 12; i++) total += $(i + 11) - $i
    idle = $20 - $9
    printf "  user %.3f, system %.3f ms a transaction; machine busy %.3f ms a transaction, " \
      "idle %.1f%%\n", ($3 - $1) * ms, ($4 - $2) * ms, (total - idle) * ms, idle * 100 / total }'
  if [ "${PER_THREAD:-0}" = 1 ]; then
    join "$DATA/a" "$DATA/b" | awk -v n="$n" -v hz="$HZ" '{ d = $3 - $2; if (d > 0)
      printf "  thread %s: %.3f ms a transaction\n", $1, d * 1000 / hz / n }'
  fi
done
