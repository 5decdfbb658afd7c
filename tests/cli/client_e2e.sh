#!/usr/bin/env bash
# TS 23.283 10.12.2 end to end with real processes on loopback (docs/client.md): the MC service
# server (`serve --role mc-server`), an LMR-aware client (`serve --role client`) whose UKEK came
# from a key-fill file, and an IWF played by `keybridge mc send|listen`. A Rekey-Command under
# the UKEK reaches the client, is applied (TEK stored) and acknowledged (10.12 response and a
# MAC'd Rekey-Acknowledgment back to the IWF); a client that is offline gets the next one when
# it comes back; its own rekey request reaches the IWF; a replayed KMM is NAK'd and changes
# nothing; a TETRA payload is refused and counted; SIGTERM stops the client cleanly.
# Usage: client_e2e.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
KB=$(realpath "$1")
T=$(mktemp -d)
PIDS=()
SERVER=
CLIENT=
cleanup() {
  for p in "${PIDS[@]}" $SERVER $CLIENT; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- client log" >&2; tail -30 "$T/alice.log" >&2 || true
  echo "--- server log" >&2; tail -20 "$T/server.log" >&2 || true
  exit 1
}
py() { python3 -c "$@"; }

PORT=$((20000 + RANDOM % 20000))
SRV=tcp:127.0.0.1:$PORT
mkdir -p "$T/data/secrets"
for u in alice iwf; do echo "$u-secret" >"$T/data/secrets/$u.password"; chmod 600 "$T/data/secrets/$u.password"; done
cat >"$T/kb.yaml" <<YAML
data_dir: data
nodes:
  mc-server:
    listen: 127.0.0.1:$PORT
    domain: example.org
    realm: example.org
    t1_ms: 50
    redelivery_ms: 200
    users:
      - {uri: sip:alice@example.org, password_file: secrets/alice.password}
    lmr_security_entities:
      - {uri: sip:iwf@example.org, kind: iwf, password_file: secrets/iwf.password}
  alice:
    user: sip:alice@example.org
    password_file: secrets/alice.password
    rsi: 0x643BA8
    mnp: 100
    mc_server: 127.0.0.1:$PORT
    transport: tcp
    lmr_security_fe: sip:iwf@example.org
YAML
cd "$T"

UKEK=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
TEK1=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
TEK2=c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf
printf 'keybridge-key-fill 1\nrsi: 0x643BA8\nalgid: 0x84\nkid: 0x1234\nname: ALICE-UKEK\nkey: %s\n' $UKEK >alice.fill
echo "check: $(sha256sum alice.fill | cut -c1-8)" >>alice.fill
fp() { py "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest()[:16])" "$1"; }
keys() { "$KB" client keys --config kb.yaml --node alice 2>>cli.err; }

"$KB" client import-root-key --config kb.yaml --node alice alice.fill >/dev/null || fail "import"

start_server() {
  "$KB" serve --role mc-server --config kb.yaml >>server.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 200); do
    grep -q "mc-server: listening" server.log 2>/dev/null && return 0
    sleep 0.05
  done
  fail "server did not start"
}
start_client() {
  : >alice.log
  "$KB" serve --role client --node alice --config kb.yaml >>alice.log 2>&1 &
  CLIENT=$!
  for _ in $(seq 1 200); do
    grep -q "registered" alice.log 2>/dev/null && grep -q "control socket" alice.log && return 0
    sleep 0.05
  done
  fail "client did not register"
}
send_iwf() {  # send_iwf ARGS...: IWF -> alice
  "$KB" mc send --identity sip:iwf@example.org --password-file data/secrets/iwf.password \
    --server "$SRV" --t1-ms 50 --to sip:alice@example.org --mc-service-id sip:alice@example.org \
    --fe-uri sip:iwf@example.org "$@"
}
wait_lines() {  # wait_lines FILE PATTERN N
  for _ in $(seq 1 200); do
    [[ $(grep -c "$2" "$1" 2>/dev/null || true) -ge $3 ]] && return 0
    sleep 0.05
  done
  fail "$1: expected $3 lines matching $2, got: $(cat "$1")"
}
# The payload of the Nth request from alice that the IWF received.
nth_payload() {
  grep '"from":"sip:alice@example.org"' iwf.out | grep '"kind":"request"' | sed -n "${1}p" |
    py "import json,sys; print(json.loads(sys.stdin.read())['payload'])"
}
decode() { "$KB" kmm decode --mac-key $UKEK "$1"; }
field() { py "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

start_server
start_client
"$KB" mc listen --identity sip:iwf@example.org --password-file data/secrets/iwf.password \
  --server "$SRV" --t1-ms 50 --respond >iwf.out 2>iwf.err &
PIDS+=($!)
wait_lines iwf.out '"registered"' 1

# 1. Rekey-Command under the UKEK: applied, 10.12 response and Rekey-Acknowledgment back.
kmm1=$("$KB" client make-rekey --key-fill alice.fill --tek $TEK1 --tek-kid 0x0042 --mn 1) ||
  fail "make-rekey"
out=$(send_iwf --lmr-type p25 --payload "$kmm1") || fail "iwf -> alice: $out"
echo "$out" | grep -q '"status":20[02]' || fail "not accepted: $out"
wait_lines iwf.out '"kind":"response"' 1
wait_lines iwf.out '"from":"sip:alice@example.org".*"kind":"request"' 1
ack=$(decode "$(nth_payload 1)") || fail "the answer's MAC does not verify under the UKEK: $ack"
[[ $(echo "$ack" | field 'd["message_name"]') == Rekey-Acknowledgment ]] || fail "not a Rekey-Ack: $ack"
[[ $(echo "$ack" | field 'd["header"]["destination_rsi"]') == 0x98967f ]] || fail "ack addressing: $ack"
k=$(keys) || fail "keys"
echo "$k" | grep -q "$(fp $TEK1)" || fail "TEK1 not stored: $k"
echo "$k" | grep -qi "$TEK1\|$UKEK" && fail "a key value in the report"

# 2. The same KMM replayed under a new message ID: NAK'd (MN outside the window), nothing stored.
out=$(send_iwf --lmr-type p25 --payload "$kmm1") || fail "replay send: $out"
wait_lines iwf.out '"from":"sip:alice@example.org".*"kind":"request"' 2
nak=$(decode "$(nth_payload 2)") || true
[[ $(echo "$nak" | field 'd["message_name"]') == Negative-Acknowledgment ]] || fail "replay not NAK'd: $nak"

# 3. TETRA: refused by the client, counted; the IWF gets no answer for it.
out=$(send_iwf --lmr-type tetra --payload 0102) || true
refused=
for _ in $(seq 1 50); do
  refused=$(keys | field 'd["counters"]["tetra_refused"]')
  [[ $refused == 1 ]] && break
  sleep 0.1
done
[[ $refused == 1 ]] || fail "TETRA not counted: $(keys)"

# 4. Own rekey request: a Hello with the rekey flag, MAC'd under the UKEK, reaches the IWF.
"$KB" client rekey-request --config kb.yaml --node alice >/dev/null 2>cli.err || fail "rekey-request: $(cat cli.err)"
wait_lines iwf.out '"from":"sip:alice@example.org".*"kind":"request"' 3
hello=$(decode "$(nth_payload 3)") || fail "Hello MAC: $hello"
[[ $(echo "$hello" | field 'd["message_name"]') == Hello ]] || fail "not a Hello: $hello"
[[ $(echo "$hello" | field 'd["body"]["flag"]') == 0x01 ]] || fail "not a rekey request: $hello"

# 5. Offline: the client stops (SIGTERM, exit 0); a rekey sent meanwhile is stored by the server
#    and applied when the client registers again.
kill -TERM $CLIENT
wait $CLIENT; rc=$?
CLIENT=
[[ $rc -eq 0 ]] || fail "client exit status $rc after SIGTERM"
kmm2=$("$KB" client make-rekey --key-fill alice.fill --tek $TEK2 --tek-kid 0x0043 --mn 2)
out=$(send_iwf --lmr-type p25 --payload "$kmm2") || fail "iwf -> offline alice: $out"
echo "$out" | grep -q '"status":202' || fail "not stored: $out"
keys | grep -q "$(fp $TEK2)" && fail "TEK2 before the client came back"
start_client
wait_lines iwf.out '"from":"sip:alice@example.org".*"kind":"request"' 4
ack2=$(decode "$(nth_payload 4)") || fail "second ack MAC: $ack2"
[[ $(echo "$ack2" | field 'd["message_name"]') == Rekey-Acknowledgment ]] || fail "second ack: $ack2"
k=$(keys)
echo "$k" | grep -q "$(fp $TEK2)" || fail "TEK2 not stored after coming back: $k"
echo "$k" | grep -q "$(fp $TEK1)" || fail "TEK1 lost across the restart: $k"

kill -TERM $CLIENT
wait $CLIENT || fail "client exit status after SIGTERM"
CLIENT=
echo "client_e2e: ok"
