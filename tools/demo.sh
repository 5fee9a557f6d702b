#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo: hashwatch-feedsim replays recorded Coinbase
# and mempool.space feeds on loopback, hashwatchd consumes them and serves /metrics.
#   tools/demo.sh                 run until Ctrl-C
#   tools/demo.sh --check         run, verify the served values, stop (used by the test suite)
#   --skip-build --build-dir DIR  use an existing build
# Environment: HASHWATCH_DEMO_PORT (default 9464) for the daemon's HTTP port.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
build=1
build_dir=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --skip-build) build=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    *) echo "demo: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ]; then
  tools/install-deps.sh
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" -j "$(nproc)" --target hashwatchd hashwatch hashwatch-feedsim
fi

port="${HASHWATCH_DEMO_PORT:-9464}"
work=$(mktemp -d /tmp/hashwatch-demo.XXXXXX)
sim_pid=""
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill -TERM "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$build_dir/tools/feedsim/hashwatch-feedsim" --loop --rate 4 >"$work/feedsim.out" 2>"$work/feedsim.log" &
sim_pid=$!
for _ in $(seq 100); do
  grep -q '^mempool ' "$work/feedsim.out" 2>/dev/null && break
  sleep 0.05
done
coinbase_url=$(awk '$1 == "coinbase" {print $2}' "$work/feedsim.out")
mempool_url=$(awk '$1 == "mempool" {print $2}' "$work/feedsim.out")
if [ -z "$coinbase_url" ] || [ -z "$mempool_url" ]; then
  echo "demo: feedsim did not start:" >&2
  cat "$work/feedsim.log" >&2
  exit 1
fi

cat >"$work/hashwatch.yaml" <<YAML
server: {listen: 127.0.0.1:$port}
state: {dir: state}
price: {min_sources: 1}
feeds:
  - {name: coinbase, kind: coinbase, url: "$coinbase_url", stale_after: 10s}
  - {name: mempool, kind: mempool, url: "$mempool_url", poll_interval: 5s}
rules: {files: ["$PWD/deploy/rules/hashwatch.yaml"]}
YAML

"$build_dir/daemon/hashwatchd" --config "$work/hashwatch.yaml" 2>"$work/hashwatchd.log" &
daemon_pid=$!

ready=0
for _ in $(seq 200); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 &&
     curl -fsS "http://127.0.0.1:$port/metrics" | grep -q '^hashwatch_hashprice_usd_per_ph_day '; then
    ready=1
    break
  fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.05
done
if [ "$ready" != 1 ]; then
  echo "demo: hashwatchd did not become ready:" >&2
  cat "$work/hashwatchd.log" >&2
  exit 1
fi

metrics=$(curl -fsS "http://127.0.0.1:$port/metrics")
value() { awk -v n="$1" '$1 == n {print $2}' <<<"$metrics"; }
btc=$(value hashwatch_btc_usd)
hp=$(value hashwatch_hashprice_usd_per_ph_day)
hp_btc=$(value hashwatch_hashprice_btc_per_ph_day)
rules=$(value hashwatch_rules_loaded)

cat <<MSG
hashwatch demo is running (feeds replayed by hashwatch-feedsim on loopback)
  feeds:     coinbase $coinbase_url
             mempool  $mempool_url
  metrics:   http://127.0.0.1:$port/metrics
  snapshot:  http://127.0.0.1:$port/api/v1/snapshot
  alerts:    http://127.0.0.1:$port/api/v1/alerts   (built-in rules: deploy/rules/hashwatch.yaml)
  readiness: http://127.0.0.1:$port/readyz
  config:    $work/hashwatch.yaml   log: $work/hashwatchd.log

  btc_usd                    $btc
  hashprice_btc_per_ph_day   $hp_btc
  hashprice_usd_per_ph_day   $hp
  rules loaded               $rules
MSG

if [ "$check" = 1 ]; then
  # Consistent with the simulated inputs: hashprice_usd = hashprice_btc x btc_usd, both non-zero.
  awk -v b="$btc" -v h="$hp" -v hb="$hp_btc" 'BEGIN {
    if (b <= 0 || h <= 0) { print "demo check: zero values"; exit 1 }
    rel = (h - hb * b) / h; if (rel < 0) rel = -rel
    if (rel > 1e-6) { print "demo check: hashprice_usd != hashprice_btc * btc_usd"; exit 1 }
    print "demo check: values OK" }' || exit 1
  # The built-in rules are running and the alerts API answers.
  [ "${rules:-0}" -gt 0 ] || { echo "demo check: no rules loaded"; exit 1; }
  curl -fsS "http://127.0.0.1:$port/api/v1/alerts" | grep -q '^{"alerts":\[' || { echo "demo check: /api/v1/alerts"; exit 1; }
  echo "demo check: OK"
  exit 0
fi

echo "Press Ctrl-C to stop."
wait "$daemon_pid"
