#!/usr/bin/env bash
# Starts a real S3 server for the tests: Ceph's S3 gateway (radosgw) over one
# monitor and one OSD that keeps its objects in memory (memstore, capped at
# 1 GiB), all on 127.0.0.1, cephx off inside the cluster and pools of size 1,
# in a fresh temporary folder. It installs nothing: the Debian packages
# ceph-mon, ceph-osd and radosgw must be there (.ci/run installs them). The
# gateway still checks S3 signatures: an S3 user with the printed keys is
# made, so wrong keys are refused as a real server refuses them. On success
# it prints KEY=VALUE lines (CASEVAULT_S3_ENDPOINT, CASEVAULT_S3_ACCESS_KEY_ID,
# CASEVAULT_S3_SECRET_ACCESS_KEY, CASEVAULT_S3_DIR) and exits 0, leaving the
# daemons running; `tests/s3/stop.sh DIR` stops them by their process ids.
# With `--watch PID`, a watchdog also stops them once process PID has gone,
# so a test run that is killed leaves no daemons behind.
set -euo pipefail

watch=""
if [ "${1:-}" = "--watch" ]; then watch="$2"; fi

for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
  command -v "$tool" >/dev/null || {
    echo "start.sh: $tool is not installed (apt-get install ceph-mon ceph-osd radosgw)" >&2
    exit 3
  }
done

here="$(cd "$(dirname "$0")" && pwd)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/casevault-s3.XXXXXX")"
mkdir -p "$dir/mon" "$dir/osd" "$dir/run" "$dir/log"
: >"$dir/pids"

if [ -n "$watch" ]; then
  # The watchdog, started first so that a start that fails or is killed part
  # way leaves nothing running either: a detached loop that outlives this
  # script, polls the watched process, and stops the daemons once it has gone.
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -d "$3" ]; do sleep 1; done; exec "$2" "$3"' watchdog "$watch" "$here/stop.sh" "$dir" \
    </dev/null >/dev/null 2>&1 &
fi

# On failure: the reason, then the end of the logs (a test cluster's, with no
# secrets), so that a failed run shows why without the folder at hand.
fail() {
  echo "start.sh: $1 (logs in $dir/log)" >&2
  for log in "$dir/log/setup.out" "$dir/log/daemons.out"; do
    [ -s "$log" ] && { echo "--- the end of $log:" >&2; tail -n 15 "$log" >&2; }
  done
  "$here/stop.sh" "$dir" --keep-logs >/dev/null 2>&1 || true
  exit 1
}

# A free port, chosen by the kernel (bound, then released), taken just before
# the daemon that binds it starts, so that little else can take it meanwhile.
free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => console.log(p)); });'
}
mon_port="$(free_port)"

fsid="$(cat /proc/sys/kernel/random/uuid)"
conf="$dir/ceph.conf"
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
mon data = $dir/mon
osd data = $dir/osd
osd objectstore = memstore
memstore device bytes = 1073741824
# The OSD's own crush updates at start race its first map (seen: 'wrong fsid', the OSD stuck); it is placed by hand below.
osd class update on start = false
osd crush update on start = false
osd max object name len = 460
osd max object namespace len = 64
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:@RGW_PORT@
rgw enable usage log = false
rgw thread pool size = 64
EOF

# Every daemon runs in the foreground of its own background job, so its pid
# is the daemon's and stop.sh can end exactly it.
start_daemon() {
  "$@" >>"$dir/log/daemons.out" 2>&1 &
  echo $! >>"$dir/pids"
}
# Whether the daemon started last still runs (one that exits, say on a port
# taken meanwhile, is reported at once rather than waited for).
last_alive() { kill -0 "$(tail -n 1 "$dir/pids")" 2>/dev/null; }

monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null || fail "monmaptool failed"
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" >>"$dir/log/setup.out" 2>&1 || fail "the monitor could not be made"
start_daemon ceph-mon -c "$conf" -f -i a

ceph_() { timeout 60 ceph -c "$conf" --connect-timeout 30 "$@"; }
ceph_ -s >>"$dir/log/setup.out" 2>&1 || fail "the monitor did not answer"

osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
osd_id="$(ceph_ osd new "$osd_uuid")" || fail "the OSD could not be registered"
ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/setup.out" 2>&1 || fail "the OSD could not be made"
ceph_ osd crush add "osd.$osd_id" 1.0 root=default host=casevault >>"$dir/log/setup.out" 2>&1 || fail "the OSD could not be placed"
start_daemon ceph-osd -c "$conf" -f -i "$osd_id"

# The OSD is up once the cluster counts it so ("1 osds: 1 up (since 1s), 1 in ...").
osd_up() {
  local out
  out="$(ceph_ osd stat 2>/dev/null || true)"
  [[ "$out" == *" 1 up"* ]]
}
for _ in $(seq 1 120); do
  osd_up && break
  last_alive || fail "the OSD exited"
  sleep 0.5
done
osd_up || fail "the OSD did not come up"

rgw_port="$(free_port)"
sed -i "s/@RGW_PORT@/$rgw_port/" "$conf"
start_daemon radosgw -c "$conf" -f -n client.rgw

access_key="casevault-test"
secret_key="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
endpoint="http://127.0.0.1:$rgw_port"
# The gateway is up once it answers HTTP (node, which the tests run on, rather than curl, which a bare machine may lack).
gateway_up() {
  timeout 5 node -e 'require("node:http").get(process.argv[1], () => process.exit(0)).on("error", () => process.exit(1))' "$endpoint/" 2>/dev/null
}
for _ in $(seq 1 240); do
  gateway_up && break
  last_alive || fail "the S3 gateway exited"
  sleep 0.5
done
gateway_up || fail "the S3 gateway did not answer"
timeout 60 radosgw-admin -c "$conf" user create --uid=casevault-test --display-name="Casevault tests" \
  --access-key="$access_key" --secret="$secret_key" >>"$dir/log/setup.out" 2>&1 || fail "the S3 user could not be made"

echo "CASEVAULT_S3_ENDPOINT=$endpoint"
echo "CASEVAULT_S3_ACCESS_KEY_ID=$access_key"
echo "CASEVAULT_S3_SECRET_ACCESS_KEY=$secret_key"
echo "CASEVAULT_S3_DIR=$dir"
