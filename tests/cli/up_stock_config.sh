#!/usr/bin/env bash
# keybridge up on the example configuration (docs/operations.md "First start"): config/keybridge.yaml
# exactly as shipped, except that every loopback port is moved to a free one (tests run in
# parallel). The password files do not exist: up creates them (mode 0600, never printed), every
# node becomes healthy, and a file that already existed is left unchanged.
# Usage: up_stock_config.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
up_pid=
cleanup() {
  [ -n "$up_pid" ] && kill "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
cd "$dir"
# Every 127.0.0.1:PORT of the example gets its own free port, consistently across nodes.
python3 - "$src/config/keybridge.yaml" keybridge.yaml <<'PY'
import re, socket, sys
text = open(sys.argv[1]).read()
ports = {}
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def sub(m):
    old = m.group(1)
    if old not in ports: ports[old] = str(free())
    return "127.0.0.1:" + ports[old]
open(sys.argv[2], "w").write(re.sub(r"127\.0\.0\.1:(\d+)", sub, text))
PY
mkdir -p data/secrets
echo "chosen-by-the-operator" > data/secrets/admin.password
"$kb" up --config keybridge.yaml > up.log 2>&1 & up_pid=$!
healthy=0
for _ in $(seq 600); do
  if "$kb" status --config keybridge.yaml > status.out 2>&1; then healthy=1; break; fi
  kill -0 "$up_pid" 2>/dev/null || break
  sleep 0.2
done
[ $healthy = 1 ] || bad "the example configuration did not come up: $(cat status.out) $(tail -20 up.log)"
for f in alice bob iwf gms kmf; do
  p=data/secrets/$f.password
  [ -f "$p" ] || { bad "$p was not created"; continue; }
  [ "$(stat -c %a "$p")" = 600 ] || bad "$p has mode $(stat -c %a "$p")"
  [ "$(head -1 "$p" | tr -d '\n' | wc -c)" = 24 ] || bad "$p is not a 24-character password"
  grep -qF "$(head -1 "$p")" up.log data/*/*.log 2>/dev/null && bad "the password of $f appears in a log"
done
[ "$(cat data/secrets/admin.password)" = "chosen-by-the-operator" ] || bad "an existing password file was changed"
grep -q "created .*admin.password" up.log && bad "up claims to have created the existing admin.password"
for n in idms kms cms gms mc-server kmf iwf alice; do
  grep -Eq "^$n +.* healthy" status.out || bad "node $n is not healthy: $(grep "^$n " status.out)"
done
kill "$up_pid"; wait "$up_pid"; rc=$?; up_pid=
[ $rc = 0 ] || bad "up exited $rc on SIGTERM"
[ $fails = 0 ] && echo "PASS: the example configuration comes up as shipped" && exit 0
exit 1
