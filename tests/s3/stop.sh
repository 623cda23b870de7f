#!/usr/bin/env bash
# Stops the S3 server that tests/s3/start.sh started in DIR (its
# CASEVAULT_S3_DIR line): ends exactly the daemons whose process ids it
# recorded, the gateway first, and removes DIR (its logs stay with
# --keep-logs). Stopping twice, or a DIR already gone, is not an error.
set -uo pipefail

dir="${1:?usage: stop.sh DIR [--keep-logs]}"
[ -f "$dir/pids" ] || exit 0

# Newest first: the gateway, then the OSD, then the monitor.
pids="$(tac "$dir/pids")"
for pid in $pids; do kill "$pid" 2>/dev/null; done
for _ in $(seq 1 50); do
  alive=""
  for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
  [ -z "$alive" ] && break
  sleep 0.2
done
for pid in $alive; do kill -9 "$pid" 2>/dev/null; done

if [ "${2:-}" = "--keep-logs" ]; then
  rm -f "$dir/pids"
else
  rm -rf "$dir"
fi
