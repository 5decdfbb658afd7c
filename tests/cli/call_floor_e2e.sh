#!/usr/bin/env bash
# Floor control, MC -> LMR talk and a mid-call rekey in live group calls through the IWF, with
# real processes on loopback (docs/calls.md "Floor control in group calls", "Talking to the LMR
# side", "Mid-call rekey"):
#  A. fire (LMR E2EE): the radio talks -> alice (listening) gets Floor Taken by the LMR side;
#     bob's Floor Request meanwhile is denied; after the radio's silence Floor Idle; bob asks
#     again, is granted, talks a tone as TEK-encrypted stand-in LDUs and releases (Idle to all);
#     `radio listen` on fire's LMR side recovers bob's codewords bit for bit.
#  B. police (security gateway): bob (AMR-WB) talks a 440 Hz tone; the IWF removes SRTP,
#     transcodes to the Codec2 stand-in and encrypts with police's TEK; the radio's WAV has
#     440 Hz dominant.
#  C. Rekey in mid-call: while the radio talks 60 LDUs on fire, `gms add-member` issues a new GMK;
#     the IWF and alice pick the file up, the IWF switches its send key; alice gets all 60 LDUs
#     (bit-exact, no SRTP rejection) under both MKIs.
# Usage: call_floor_e2e.sh KEYBRIDGE VECTORS_DIR
E2E_NAME="call floor e2e"
source "$(dirname "$0")/lib/e2e.bash" "$@"

cd "$dir"
p_mc=$(free_port); p_iwf=$(free_port); p_dli=$(free_port); p_kmf=$(free_port)
p_fire=$(free_port); p_police=$(free_port); p_fire_radio=$(free_port); p_police_radio=$(free_port)
mkdir -p data/secrets data/keys
echo "iwf-password-$RANDOM$RANDOM" > data/secrets/iwf.password; chmod 600 data/secrets/*

run "kms init" "$kb" kms init --kms-uri kms.example.org --out kms
cp out data/keys/cert.xml
for u in gms alice bob carol iwf; do
  run "provision $u" "$kb" kms provision --state kms --user "sip:$u@example.org" --out "data/keys/$u.xml"
done
gms=(--store gms.sqlite --kms-cert data/keys/cert.xml --keys data/keys/gms.xml --iwf sip:iwf@example.org --out data/gmk)
run "gms fire" "$kb" gms create-group "${gms[@]}" --group sip:fire@example.org --member sip:alice@example.org --member sip:bob@example.org --interworking
run "gms police" "$kb" gms create-group "${gms[@]}" --group sip:police@example.org --member sip:alice@example.org --member sip:bob@example.org --iwf-terminates

fire_tek=$("$py" -c 'import os;print(os.urandom(32).hex())')
police_tek=$("$py" -c 'import os;print(os.urandom(32).hex())')
keyfill() {  # keyfill FILE KID KEY
  printf 'keybridge-key-fill 1\nrsi: 0x000001\nalgid: 0x84\nkid: %s\nkeyset: 1\nsln: 1\nkey: %s\n' "$2" "$3" > "$1"
  echo "check: $(sha256sum "$1" | cut -c1-8)" >> "$1"; chmod 600 "$1"
}
keyfill data/secrets/fire.tek 0x0101 "$fire_tek"
keyfill data/secrets/police.tek 0x0202 "$police_tek"

cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  iwf:
    identity: sip:iwf@example.org
    password_file: secrets/iwf.password
    sip_listen: 127.0.0.1:$p_iwf
    mc_server: 127.0.0.1:$p_mc
    dli_listen: 127.0.0.1:$p_dli
    kmf: 127.0.0.1:$p_kmf
    calls:
      kms_cert: keys/cert.xml
      keys: keys/iwf.xml
      floor_hang_ms: 500
      rekey_switch_ms: 800
      groups:
        - {group: "sip:fire@example.org", mode: e2ee, algid: 0x84, lmr_port: $p_fire,
           lmr_remote: "127.0.0.1:$p_fire_radio", gmk: gmk/fire@example.org/iwf@example.org.mikey}
        - {group: "sip:police@example.org", mode: gateway, lmr_port: $p_police,
           lmr_remote: "127.0.0.1:$p_police_radio",
           gmk: gmk/police@example.org/iwf@example.org.mikey, tek_file: secrets/police.tek}
  alice:
    user: sip:alice@example.org
    calls: &calls
      iwf: 127.0.0.1:$p_iwf
      kms_cert: keys/cert.xml
      keys: keys/alice.xml
      rekey_switch_ms: 800
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/alice@example.org.mikey,
           tek_file: secrets/fire.tek}
  bob:
    user: sip:bob@example.org
    calls:
      iwf: 127.0.0.1:$p_iwf
      kms_cert: keys/cert.xml
      keys: keys/bob.xml
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/bob@example.org.mikey,
           tek_file: secrets/fire.tek}
        - {group: "sip:police@example.org", gmk: gmk/police@example.org/bob@example.org.mikey}
YAML

"$kb" serve --role iwf --config keybridge.yaml > iwf.log 2>&1 & pid[iwf]=$!
must_log iwf.log "IWF calls: group sip:police@example.org .*floor 127.0.0.1:[0-9]+" "iwf calls up"
must_log iwf.log "IWF sip:iwf@example.org up" "iwf up"
fire_floor_log() { grep -E "IWF floor sip:fire@example.org: -> sip:alice@example.org" iwf.log | sed 's/.*-> sip:alice@example.org: //'; }

# A. Floor control on fire, and bob's E2EE talk to the radio.
"$kb" radio listen --config keybridge.yaml --group sip:fire@example.org --tek-file data/secrets/fire.tek \
  --ldus 10 --seconds 40 --frames-out radio_heard.frames > listen_fire.json 2> listen_fire.log & pid[lf]=$!
must_log listen_fire.log "radio: listening on sip:fire@example.org" "radio listens on fire"
"$kb" call join --config keybridge.yaml --node alice --group sip:fire@example.org --seconds 60 \
  > alice_a.json 2> alice_a.log & pid[alice]=$!
must_log iwf.log "sip:alice@example.org joined sip:fire@example.org" "alice joined fire"
"$kb" radio talk --config keybridge.yaml --group sip:fire@example.org --tek-file data/secrets/fire.tek \
  --ldus 40 --interval-ms 100 --seed 3 > talk_a.json 2> talk_a.log & pid[talk]=$!
must_log iwf.log "-> sip:alice@example.org: taken by lmr:sip:fire@example.org" "floor taken by the radio"
run "bob asks while the radio talks" "$kb" call join --config keybridge.yaml --node bob \
  --group sip:fire@example.org --talk-tone 500 --talk-seconds 1.8
cp out bob_denied.json
grep -q '"result":"denied"' bob_denied.json \
  && ok || bad "bob's request during the radio's talk: $(cat bob_denied.json)"
grep -q "IWF floor sip:fire@example.org: -> sip:bob@example.org: deny" iwf.log && ok || bad "no Floor Deny in the IWF log"
wait "${pid[talk]}"; unset "pid[talk]"
must_log iwf.log "-> sip:alice@example.org: idle" "floor idle after the radio"
run "bob talks on fire" "$kb" call join --config keybridge.yaml --node bob --group sip:fire@example.org \
  --talk-tone 500 --talk-seconds 1.8 --talk-frames-out bob.frames
cp out bob_talk.json
"$py" - bob_talk.json > bt.out 2>&1 <<'PY' && ok || bad "bob's talk: $(cat bt.out)"
import json, sys
j = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
t = j["talk"]
assert t["result"] == "granted" and t["ldus_sent"] == 10 and t["packets_sent"] == 10, t
assert t["released"] and t["send_errors"] == 0, t
assert j["floor"][0] == "granted" and j["floor"][-1] == "idle", j["floor"]
print("ok", t)
PY
wait "${pid[lf]}"; rc=$?; unset "pid[lf]"
[ "$rc" = 0 ] && ok || bad "radio listen exited $rc: $(tail -3 listen_fire.log)"
[ "$(field listen_fire.json ldus)" = 10 ] && ok || bad "radio heard: $(cat listen_fire.json)"
[ "$(stat -c %s bob.frames)" = 990 ] && ok || bad "bob's frames file size"
cmp -s bob.frames radio_heard.frames && ok || bad "the radio's codewords differ from bob's"
must_log iwf.log "-> sip:alice@example.org: taken by sip:bob@example.org" "alice told bob talks"
sleep 0.3
seq_a=$(fire_floor_log | tr '\n' '|')
[ "$seq_a" = "taken by lmr:sip:fire@example.org|idle|taken by sip:bob@example.org|idle|" ] && ok \
  || bad "alice's floor sequence: $seq_a"
grep -q "floor sip:fire@example.org: taken by sip:bob@example.org" alice_a.log && ok || bad "alice did not receive Floor Taken: $(tail -3 alice_a.log)"
kill "${pid[alice]}"; wait "${pid[alice]}" 2>/dev/null; unset "pid[alice]"

# B. Security gateway: bob (AMR-WB) talks 440 Hz to police's radio.
"$kb" radio listen --config keybridge.yaml --group sip:police@example.org --tek-file data/secrets/police.tek \
  --ldus 10 --seconds 30 --record radio.wav > listen_police.json 2> listen_police.log & pid[lp]=$!
must_log listen_police.log "radio: listening on sip:police@example.org" "radio listens on police"
run "bob talks on police" "$kb" call join --config keybridge.yaml --node bob --group sip:police@example.org \
  --talk-tone 440 --talk-seconds 1.8
cp out bob_police.json
grep -q '"frames_sent":90' bob_police.json && ok || bad "bob's AMR-WB frames: $(cat bob_police.json)"
wait "${pid[lp]}"; rc=$?; unset "pid[lp]"
[ "$rc" = 0 ] && ok || bad "radio listen exited $rc: $(tail -3 listen_police.log)"
[ "$(field listen_police.json ldus)" = 10 ] && ok || bad "radio heard: $(cat listen_police.json)"
[ "$(field listen_police.json errors)" = 0 ] && ok || bad "radio errors: $(cat listen_police.json)"
"$py" - radio.wav > wav.out 2>&1 <<'PY' && ok || bad "the radio's WAV: $(cat wav.out)"
import math, struct, sys, wave
w = wave.open(sys.argv[1]); rate = w.getframerate(); n = w.getnframes()
s = struct.unpack("<%dh" % n, w.readframes(n))
assert rate == 8000 and w.getnchannels() == 1, (rate, w.getnchannels())
assert n == 10 * 9 * 160, n
body = s[len(s) // 4:]
rms = math.sqrt(sum(x * x for x in body) / len(body))
assert rms > 500, rms
def power(f):
    k = 2 * math.cos(2 * math.pi * f / rate); a = b = 0.0
    for x in body: a, b = x + k * a - b, a
    return a * a + b * b - k * a * b
p440 = power(440); others = max(power(f) for f in (1000, 2000, 3000))
assert p440 > 20 * others, (p440, others)
print("ok", n, rms, p440 / others)
PY
grep -q "IWF calls: group sip:fire@example.org mode e2ee .*no TEK" iwf.log && ok || bad "fire must stay without TEK"

# C. A new GMK for fire in mid-call: no LDU lost, both MKIs seen by alice.
"$kb" call join --config keybridge.yaml --node alice --group sip:fire@example.org --seconds 40 \
  --ldus 60 --frames-out alice_rk.frames > alice_rk.json 2> alice_rk.log & pid[alice]=$!
must_log alice_rk.log "joined sip:fire@example.org" "alice joined again"
sleep 0.3
"$kb" radio talk --config keybridge.yaml --group sip:fire@example.org --tek-file data/secrets/fire.tek \
  --ldus 60 --interval-ms 100 --seed 9 --frames-out radio_rk.frames > talk_rk.json 2> talk_rk.log & pid[talk]=$!
sleep 0.8
run "gms rekeys fire" "$kb" gms add-member "${gms[@]}" --group sip:fire@example.org --member sip:carol@example.org
must_log iwf.log "IWF calls: group sip:fire@example.org rekeyed" "the IWF picked up the new GMK"
must_log iwf.log "IWF calls: group sip:fire@example.org sends with MKI" "the IWF switched its send key"
wait "${pid[talk]}"; unset "pid[talk]"
wait "${pid[alice]}"; rc=$?; unset "pid[alice]"
[ "$rc" = 0 ] && ok || bad "alice exited $rc: $(tail -3 alice_rk.log)"
grep -q "new GMK-ID" alice_rk.log && ok || bad "alice did not pick up the new GMK: $(tail -3 alice_rk.log)"
"$py" - alice_rk.json > rk.out 2>&1 <<'PY' && ok || bad "rekey: $(cat rk.out)"
import json, sys
j = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert j["ldus"] == 60 and j["frames"] == 540, j
assert j["srtp_rejected"] == 0, j
m = j["mki_packets"]
assert len(m) == 2 and all(v > 0 for v in m.values()) and sum(m.values()) == 60, m
old = j["gmk_id"]; new = j["gmk_id_now"]
assert old != new and any(k.startswith(new) for k in m) and any(k.startswith(old) for k in m), (old, new, m)
print("ok", m)
PY
cmp -s radio_rk.frames alice_rk.frames && ok || bad "codewords across the rekey differ"

kill -TERM "${pid[iwf]}"; wait "${pid[iwf]}"; rc=$?; unset "pid[iwf]"
[ "$rc" = 0 ] && ok || bad "iwf exit status $rc"
grep -lE "AddressSanitizer|LeakSanitizer|runtime error:" *.log 2>/dev/null && bad "sanitizer reports" || ok
finish
