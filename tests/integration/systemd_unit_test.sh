#!/usr/bin/env bash
# Checks deploy/systemd/hashwatch.service offline: `systemd-analyze verify` must print nothing (it
# exits 0 even on unknown keys, so any output is a failure) and the sandboxing exposure score must
# stay at or below 2.0 (the threshold is in tenths). ExecStart is pointed at the built daemon, as verify requires it to exist.
set -euo pipefail
src="$1"
daemon="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/hashwatchd|$daemon|" "$src/deploy/systemd/hashwatch.service" >"$work/hashwatch.service"

out=$(systemd-analyze verify --man=no "$work/hashwatch.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
  echo "systemd-analyze verify reported:"
  echo "$out"
  exit 1
fi
systemd-analyze security --offline=yes --threshold=20 "$work/hashwatch.service" >"$work/security.txt" 2>&1 || {
  tail -5 "$work/security.txt"
  exit 1
}
tail -1 "$work/security.txt"
echo "systemd unit: verify clean, exposure within 2.0"
