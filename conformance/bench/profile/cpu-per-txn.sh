#!/bin/bash
# Server CPU per sysbench transaction, in total and per thread, on a fresh Borealis server
# (1 table x 10,000 rows): what limits TPS when client and server share two cores.
#
#   bash conformance/bench/profile/cpu-per-txn.sh PORT TEST:THREADS ...
#   e.g. bash conformance/bench/profile/cpu-per-txn.sh 3410 oltp_point_select:8 oltp_insert:1
#
# Environment: SECONDS_PER_RUN (8), NODE_FLAGS (passed to node), SERVER_ARGS (to `start`),
# PER_THREAD=1 (also print each thread's CPU per transaction, from /proc/PID/task).
# Needs mysql and sysbench (conformance/setup installs them) and a built dist (npm run build).
set -euo pipefail
PORT=$1; shift
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
T=${SECONDS_PER_RUN:-8}
DATA=$(mktemp -d)
# shellcheck disable=SC2086
node ${NODE_FLAGS:-} "$ROOT/dist/server/cli.js" start --port "$PORT" --data-dir "$DATA" \
  ${SERVER_ARGS:-} > "$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
  mysql -h127.0.0.1 -P"$PORT" -uroot --skip-ssl -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done
mysql -h127.0.0.1 -P"$PORT" -uroot --skip-ssl -e 'CREATE DATABASE sbtest'
SB="--mysql-host=127.0.0.1 --mysql-port=$PORT --mysql-user=root --mysql-db=sbtest"
SB="$SB --tables=1 --table-size=10000 --mysql-ssl=off"
# shellcheck disable=SC2086
sysbench oltp_insert $SB prepare >/dev/null
ticks() { awk '{print $14 + $15}' "$1/stat"; }
threads() { for t in /proc/$PID/task/*; do echo "$(basename "$t") $(ticks "$t")"; done | sort; }
HZ=$(getconf CLK_TCK)
for cell in "$@"; do
  test=${cell%%:*}; thr=${cell##*:}
  before=$(ticks /proc/$PID); threads > "$DATA/a"
  # shellcheck disable=SC2086
  out=$(sysbench "$test" $SB --threads="$thr" --time="$T" --report-interval=0 run 2>&1)
  after=$(ticks /proc/$PID); threads > "$DATA/b"
  n=$(echo "$out" | grep -oP 'transactions:\s+\K\d+')
  tps=$(echo "$out" | grep -oP 'transactions:\s+\d+\s+\(\K[0-9.]+')
  p95=$(echo "$out" | grep -oP '95th percentile:\s+\K[0-9.]+')
  awk -v c=$((after - before)) -v n="$n" -v hz="$HZ" -v t="$test" -v th="$thr" -v tps="$tps" \
    -v p95="$p95" 'BEGIN { printf "%s %s: %s TPS, p95 %s ms, server CPU %.3f ms a transaction\n",
    t, th, tps, p95, c * 1000 / hz / n }'
  if [ "${PER_THREAD:-0}" = 1 ]; then
    join "$DATA/a" "$DATA/b" | awk -v n="$n" -v hz="$HZ" '{ d = $3 - $2; if (d > 0)
      printf "  thread %s: %.3f ms a transaction\n", $1, d * 1000 / hz / n }'
  fi
done
