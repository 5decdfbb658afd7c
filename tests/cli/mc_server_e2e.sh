#!/usr/bin/env bash
# TS 23.283 10.12 end to end: `keybridge serve --role mc-server` on loopback driven by
# `keybridge mc send|listen` processes: routing both ways, several clients of one user, store and
# forward in order, SDS carrier, SIGKILL + restart (stored messages and registrations survive), and
# the refusals (docs/mc-server.md).
set -euo pipefail
KB=$1
T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n "${SERVER:-}" ]] && kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- server log" >&2; tail -40 "$T/server.log" >&2 || true
  exit 1
}

PORT=$((20000 + RANDOM % 20000))
SRV=tcp:127.0.0.1:$PORT
mkdir -p "$T/data/secrets"
for u in alice bob carol iwf kmf; do echo "$u-secret" >"$T/data/secrets/$u.password"; done
cat >"$T/kb.yaml" <<YAML
data_dir: data
nodes:
  mc-server:
    listen: 127.0.0.1:$PORT
    domain: example.org
    realm: example.org
    max_payload: 4096
    t1_ms: 50
    redelivery_ms: 200
    users:
      - {uri: sip:alice@example.org, password_file: secrets/alice.password}
      - {uri: sip:bob@example.org, password_file: secrets/bob.password}
      - {uri: sip:carol@example.org, password_file: secrets/carol.password}
    lmr_security_entities:
      - {uri: sip:iwf@example.org, kind: iwf, password_file: secrets/iwf.password}
      - {uri: sip:kmf@example.org, kind: kmf, password_file: secrets/kmf.password}
YAML

start_server() {  # waits for this start's "listening" line (the log is appended to)
  local n
  n=$(grep -c "mc-server: listening" "$T/server.log" 2>/dev/null || true)
  "$KB" serve --role mc-server --config "$T/kb.yaml" >>"$T/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do
    [[ $(grep -c "mc-server: listening" "$T/server.log" 2>/dev/null || true) -gt ${n:-0} ]] && return 0
    sleep 0.05
  done
  fail "server did not start"
}
pw() { echo "$T/data/secrets/$1.password"; }
# send AS TO [args...]: prints the JSON lines; exit status of keybridge in $?
send() {
  local who=$1 to=$2
  shift 2
  "$KB" mc send --identity "sip:$who@example.org" --password-file "$(pw "$who")" --server "$SRV" \
    --t1-ms 50 --to "$to" "$@"
}
listen() {  # listen WHO OUTFILE [args...] (background)
  local who=$1 out=$2
  shift 2
  "$KB" mc listen --identity "sip:$who@example.org" --password-file "$(pw "$who")" \
    --server "$SRV" --t1-ms 50 "$@" >"$out" 2>>"$T/listen.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    grep -q '"registered"' "$out" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "listener $who did not register"
}
wait_lines() {  # wait_lines FILE PATTERN N
  for _ in $(seq 1 100); do
    [[ $(grep -c "$2" "$1" 2>/dev/null || true) -ge $3 ]] && return 0
    sleep 0.05
  done
  fail "$1: expected $3 lines matching $2, got: $(cat "$1")"
}
expect_status() {  # expect_status CODE OUTPUT
  echo "$2" | grep -q "\"status\":$1" || fail "expected $1, got: $2"
}

start_server
IWF_TO_CAROL=(--mc-service-id sip:carol@example.org --fe-uri sip:iwf@example.org)

# 1. An offline client: three requests stored, delivered in order when it registers.
out=$(send iwf sip:carol@example.org "${IWF_TO_CAROL[@]}" --payload a0b001 --count 3) ||
  fail "store for offline carol: $out"
[[ $(echo "$out" | grep -c '"status":202') -eq 3 ]] || fail "expected three 202: $out"
listen carol "$T/carol.out" --count 3
wait_lines "$T/carol.out" '"kind":"request"' 3
grep '"kind":"request"' "$T/carol.out" | grep -o '"payload":"[0-9a-f]*"' | tr '\n' ' ' |
  grep -q '"payload":"a0b001" "payload":"a0b002" "payload":"a0b003"' ||
  fail "out of order: $(cat "$T/carol.out")"

# 2. IWF -> every client of alice (two clients), each answers with the 10.12 response, which
#    travels back to the IWF; a client request reaches the IWF.
listen iwf "$T/iwf.out"
listen alice "$T/alice1.out" --respond
listen alice "$T/alice2.out" --respond
id=00112233445566778899aabbccddeeff
out=$(send iwf sip:alice@example.org --mc-service-id sip:alice@example.org \
  --fe-uri sip:iwf@example.org --payload 0d0e0f --message-id $id) || fail "iwf -> alice: $out"
expect_status 200 "$out"
wait_lines "$T/alice1.out" "\"message_id\":\"$id\"" 1
wait_lines "$T/alice2.out" "\"message_id\":\"$id\"" 1
wait_lines "$T/iwf.out" "\"kind\":\"response\".*\"message_id\":\"$id\"" 1
# Online targets get the message cut through (200 = a client has it). The same message ID
# again is answered 200 by the clients and not dispatched again.
out=$(send iwf sip:alice@example.org --mc-service-id sip:alice@example.org \
  --fe-uri sip:iwf@example.org --payload 0d0e0f --message-id $id) || fail "duplicate: $out"
expect_status 200 "$out"
sleep 0.2
[[ $(grep -c "\"message_id\":\"$id\"" "$T/alice1.out") -eq 1 ]] || fail "duplicate dispatched"
out=$(send bob sip:iwf@example.org --payload 0102) || fail "bob -> iwf: $out"
expect_status 200 "$out"
wait_lines "$T/iwf.out" '"from":"sip:bob@example.org".*"kind":"request"' 1

# 3. SDS carrier: KMF -> bob as an MCData SDS, bob's response comes back to the KMF.
listen kmf "$T/kmf.out"
listen bob "$T/bob.out" --respond
out=$(send kmf sip:bob@example.org --sds --payload 1234) || fail "kmf sds -> bob: $out"
expect_status 200 "$out"
wait_lines "$T/bob.out" '"kind":"sds-request".*"payload":"1234"' 1
wait_lines "$T/kmf.out" '"kind":"sds-response"' 1

# 4. Refusals, each with its code; the server keeps serving.
out=$(send iwf sip:nobody@example.org --mc-service-id sip:nobody@example.org \
  --fe-uri sip:iwf@example.org --payload 01) && fail "unknown target accepted"
expect_status 404 "$out"
out=$(send bob sip:iwf@example.org --mc-service-id sip:alice@example.org --payload 01) &&
  fail "spoofed MC service ID accepted"
expect_status 403 "$out"
out=$(send bob sip:iwf@example.org --spoof-from sip:alice@example.org --payload 01) &&
  fail "spoofed From accepted"
expect_status 403 "$out"
out=$(send bob sip:alice@example.org --mc-service-id sip:bob@example.org --payload 01) &&
  fail "client to client accepted"
expect_status 403 "$out"
out=$(send bob sip:iwf@example.org --no-register --payload 01) && fail "unregistered accepted"
expect_status 403 "$out"
big=$(head -c 5000 /dev/zero | od -An -v -tx1 | tr -d ' \n')
out=$(send bob sip:iwf@example.org --payload "$big") && fail "oversized payload accepted"
expect_status 413 "$out"
out=$(send bob sip:iwf@example.org --payload 01 --raw-container 01ff0001) &&
  fail "malformed body accepted"
expect_status 400 "$out"
# Malformed SIP over UDP and TCP: answered or dropped, nothing else disturbed.
printf 'MESSAGE sip:iwf@example.org SIP/2.0\r\nVia: garbage\r\n\r\n' >/dev/udp/127.0.0.1/$PORT
printf 'NOT SIP AT ALL\r\n\r\n' >/dev/tcp/127.0.0.1/$PORT || true
out=$(send bob sip:iwf@example.org --payload 0103) || fail "after the refusals: $out"
expect_status 200 "$out"
wait_lines "$T/iwf.out" '"payload":"0103"' 1
[[ $(grep -c '"kind":"request"' "$T/iwf.out") -eq 2 ]] || fail "refused messages reached the IWF"

# 5. SIGKILL with messages stored for an offline client; the restart delivers them.
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
wait "${PIDS[@]}" 2>/dev/null || true
PIDS=()
out=$(send iwf sip:carol@example.org "${IWF_TO_CAROL[@]}" --payload c0ffe1 --count 2) ||
  fail "store before the kill: $out"
kill -9 "$SERVER"
wait "$SERVER" 2>/dev/null || true
start_server
listen carol "$T/carol2.out" --count 2
wait_lines "$T/carol2.out" '"kind":"request"' 2
grep -o '"payload":"[0-9a-f]*"' "$T/carol2.out" | tr '\n' ' ' |
  grep -q '"payload":"c0ffe1" "payload":"c0ffe2"' || fail "lost across SIGKILL: $(cat "$T/carol2.out")"

# 6. Registrations survive a SIGKILL (data/mc-registrations.sqlite): carol, registered with the
#    old server, gets a message from the restarted one at once (200, cut through), without
#    registering again.
listen carol "$T/carol3.out" --count 1
kill -9 "$SERVER"
wait "$SERVER" 2>/dev/null || true
before=$(grep -c 'registrar: sip:carol@example.org registered ' "$T/server.log")
start_server
grep -q 'registered contacts loaded from the store' "$T/server.log" ||
  fail "registrations not loaded after the restart"
out=$(send iwf sip:carol@example.org "${IWF_TO_CAROL[@]}" --payload c0ffe9) ||
  fail "send after the restart: $out"
expect_status 200 "$out"
wait_lines "$T/carol3.out" '"payload":"c0ffe9"' 1
[[ $(grep -c 'registrar: sip:carol@example.org registered ' "$T/server.log") -eq $before ]] ||
  fail "carol had to register again"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
SERVER=
grep -q 'refused_spoofed_sender' "$T/server.log" || fail "refusals not counted"
echo "mc_server_e2e: ok"
