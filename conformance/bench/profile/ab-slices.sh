#!/bin/bash
# Two builds of Borealis side by side in short alternating slices, so that both see the same
# machine: on a virtual machine whose speed drifts by tens of percent within minutes, cells run
# one after the other (cpu-per-txn.sh, npm run bench) compare a build with a different machine.
# Both servers are started and prepared first (1 table x 10,000 rows unless told); then each
# slice runs the same sysbench test on each, the order alternating slice by slice; the report
# gives each slice's pair, the medians, and in how many slices B beat A (a sign test: with 10
# slices, 9 or more either way is unlikely by chance, p < 0.025).
#
#   bash conformance/bench/profile/ab-slices.sh ROOT_A ROOT_B TEST:THREADS [SLICES] [SECONDS]
#   e.g. bash conformance/bench/profile/ab-slices.sh /tmp/base . oltp_insert:8 10 3
#
# ROOT_A and ROOT_B are checkouts with a built dist (npm run build). Environment: WARM_SECONDS
# (5, the warm-up run on each server before the slices), TABLES (1) and TABLE_SIZE (10000, the
# tables sysbench prepares: a size past --buffer-pool-size makes reads miss it), PORT_A (3416),
# PORT_B (3417), SERVER_ARGS_A / SERVER_ARGS_B (to `start`, e.g. one flag's two settings on
# one build), NODE_FLAGS_A / NODE_FLAGS_B (to node, e.g. a V8 flag), ENV_A / ENV_B (NAME=VALUE
# words added to that server's environment, e.g. a switch patched into a copy of dist). Needs
# mysql and sysbench (conformance/setup installs them).
set -euo pipefail
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd); CELL=$3; SLICES=${4:-10}; SECS=${5:-3}
TEST=${CELL%%:*}; THR=${CELL##*:}
PORT_A=${PORT_A:-3416}; PORT_B=${PORT_B:-3417}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
sb() { echo "--mysql-host=127.0.0.1 --mysql-port=$1 --mysql-user=root --mysql-db=sbtest \
  --tables=${TABLES:-1} --table-size=${TABLE_SIZE:-10000} --mysql-ssl=off"; }
start() { # root port node-flags environment args...
  local root=$1 port=$2 flags=$3 environment=$4; shift 4
  mkdir -p "$WORK/$port"
  # shellcheck disable=SC2086
  env $environment node $flags "$root/dist/server/cli.js" start --port "$port" \
    --data-dir "$WORK/$port/data" "$@" > "$WORK/$port/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    mysql -h127.0.0.1 -P"$port" -uroot --skip-ssl -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
  done
  mysql -h127.0.0.1 -P"$port" -uroot --skip-ssl -e 'CREATE DATABASE sbtest'
  # shellcheck disable=SC2046
  sysbench oltp_insert $(sb "$port") prepare >/dev/null
  # Warm-up: the JIT compiles the hot paths in the first seconds of load.
  # shellcheck disable=SC2046
  sysbench "$TEST" $(sb "$port") --threads="$THR" --time="${WARM_SECONDS:-5}" run >/dev/null 2>&1 || true
}
tps() { # port
  # shellcheck disable=SC2046
  sysbench "$TEST" $(sb "$1") --threads="$THR" --time="$SECS" --report-interval=0 run 2>&1 |
    grep -oP 'transactions:\s+\d+\s+\(\K[0-9.]+'
}
# shellcheck disable=SC2086
start "$A" "$PORT_A" "${NODE_FLAGS_A:-}" "${ENV_A:-}" ${SERVER_ARGS_A:-}
# shellcheck disable=SC2086
start "$B" "$PORT_B" "${NODE_FLAGS_B:-}" "${ENV_B:-}" ${SERVER_ARGS_B:-}
echo "$TEST $THR threads, $SLICES slices of $SECS s:" \
  "A $A ${ENV_A:-} ${NODE_FLAGS_A:-} ${SERVER_ARGS_A:-}," \
  "B $B ${ENV_B:-} ${NODE_FLAGS_B:-} ${SERVER_ARGS_B:-}"
: > "$WORK/pairs"
for i in $(seq 1 "$SLICES"); do
  if [ $((i % 2)) = 1 ]; then a=$(tps "$PORT_A"); b=$(tps "$PORT_B")
  else b=$(tps "$PORT_B"); a=$(tps "$PORT_A"); fi
  echo "$a $b" >> "$WORK/pairs"
  echo "  slice $i: A $a, B $b TPS"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(awk '{ print $1 }' "$WORK/pairs" | median)
mb=$(awk '{ print $2 }' "$WORK/pairs" | median)
wins=$(awk '$2 > $1 { n++ } END { print n + 0 }' "$WORK/pairs")
awk -v a="$ma" -v b="$mb" -v w="$wins" -v n="$SLICES" 'BEGIN {
  printf "median A %.1f, B %.1f TPS (B/A %.3f); B ahead in %d of %d slices\n", a, b, b / a, w, n }'
