# Shared start of the call end-to-end scripts (tests/cli/call_*e2e.sh): a fresh directory, the
# process table and its cleanup, pass/fail counting, free loopback ports and log waits.
# Usage: E2E_NAME="call e2e"; source "$(dirname "$0")/lib/e2e.bash" "$@"   (sets kb, dir, py)
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
declare -A pid
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
# The system interpreter: a pyenv shim costs seconds per start on a loaded machine.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
finish() { echo "$E2E_NAME: $passes passed, $fails failed"; [ "$fails" = 0 ]; exit $?; }
free_port() {
  "$py" -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass'
}
wait_log() {
  local n=$(( ${3:-20} * 10 ))
  for _ in $(seq "$n"); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
must_log() {
  wait_log "$1" "$2" 20 && { ok; return; }
  bad "$3: '$2' not in $1: $(tail -5 "$1")"; finish
}
field() { "$py" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])' "$1" "$2"; }
run() { local what=$1; shift; if "$@" > "$dir/out" 2> "$dir/err"; then ok; else bad "$what: $(cat "$dir/err")"; fi; }
