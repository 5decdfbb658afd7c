#!/usr/bin/env bash
# Calls through the MC service server with real processes on loopback (docs/calls.md "Calls
# through the MC service server", docs/mc-server.md "Calls through the server"):
#  1. Group call: alice (calls.via: mc-server) registers with `serve --role mc-server` and sends
#     her INVITE for fire there; the server (interworked_groups: fire -> the IWF) checks that the
#     From is alice's registered flow and opens its own INVITE to the IWF's registered contact;
#     200/ACK/BYE pass through it. The radio's LMR-encrypted codewords reach alice bit-exact.
#  2. Refusals by the server: a spoofed From (403), an unknown group (404), a group whose IWF is
#     not registered (480), each with its reason phrase.
#  3. Private call LMR radio -> alice (requirement a): `keybridge radio call` asks the IWF over
#     its LMR control port; the IWF creates the PCK (signed as sip:iwf@example.org), INVITEs
#     alice through the server; `keybridge call answer` opens the PCK (signer = From), answers,
#     and recovers the radio's codewords bit-exact; a PCK signed by another identity: 403.
# Usage: call_route_e2e.sh KEYBRIDGE VECTORS_DIR
E2E_NAME="call route e2e"
source "$(dirname "$0")/lib/e2e.bash" "$@"

cd "$dir"
p_mc=$(free_port); p_iwf=$(free_port); p_dli=$(free_port); p_kmf=$(free_port)
p_fire=$(free_port); p_police=$(free_port)
mkdir -p data/secrets data/keys
echo "iwf-password-$RANDOM$RANDOM" > data/secrets/iwf.password; chmod 600 data/secrets/*

cd "$dir"
p_mc=$(free_port); p_iwf=$(free_port); p_dli=$(free_port); p_kmf=$(free_port); p_fire=$(free_port)
p_ctl=$(free_port)
mkdir -p data/secrets data/keys
for u in iwf iwf2 alice bob; do echo "$u-password-$RANDOM$RANDOM" > "data/secrets/$u.password"; done
chmod 600 data/secrets/*

run "kms init" "$kb" kms init --kms-uri kms.example.org --out kms
cp out data/keys/cert.xml
for u in gms alice bob iwf; do
  run "provision $u" "$kb" kms provision --state kms --user "sip:$u@example.org" --out "data/keys/$u.xml"
done
gms=(--store gms.sqlite --kms-cert data/keys/cert.xml --keys data/keys/gms.xml --iwf sip:iwf@example.org --out data/gmk)
run "gms fire" "$kb" gms create-group "${gms[@]}" --group sip:fire@example.org --member sip:alice@example.org --member sip:bob@example.org --interworking
fire_tek=$("$py" -c 'import os;print(os.urandom(32).hex())')
keyfill() {  # keyfill FILE KID KEY
  printf 'keybridge-key-fill 1\nrsi: 0x000001\nalgid: 0x84\nkid: %s\nkeyset: 1\nsln: 1\nkey: %s\n' "$2" "$3" > "$1"
  echo "check: $(sha256sum "$1" | cut -c1-8)" >> "$1"; chmod 600 "$1"
}
keyfill data/secrets/fire.tek 0x0101 "$fire_tek"

cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  mc-server:
    listen: 127.0.0.1:$p_mc
    users:
      - {uri: sip:alice@example.org, password_file: secrets/alice.password}
      - {uri: sip:bob@example.org, password_file: secrets/bob.password}
    lmr_security_entities:
      - {uri: sip:iwf@example.org, kind: iwf, password_file: secrets/iwf.password}
      - {uri: sip:iwf2@example.org, kind: iwf, password_file: secrets/iwf2.password}
    interworked_groups:
      - {group: sip:fire@example.org, iwf: sip:iwf@example.org}
      - {group: sip:water@example.org, iwf: sip:iwf2@example.org}
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
      groups:
        - {group: "sip:fire@example.org", mode: e2ee, algid: 0x84, lmr_port: $p_fire,
           gmk: gmk/fire@example.org/iwf@example.org.mikey}
      private_calls:
        control_listen: 127.0.0.1:$p_ctl
        test_signers:                    # test only: a PCK signed by someone else than the From
          - {uri: sip:gms@example.org, keys: keys/gms.xml}
  alice:
    user: sip:alice@example.org
    password_file: secrets/alice.password
    mc_server: 127.0.0.1:$p_mc
    sip_listen: 127.0.0.1:0
    calls:
      via: mc-server
      kms_cert: keys/cert.xml
      keys: keys/alice.xml
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/alice@example.org.mikey,
           tek_file: secrets/fire.tek}
        - {group: "sip:water@example.org", gmk: gmk/fire@example.org/alice@example.org.mikey,
           tek_file: secrets/fire.tek}
        - {group: "sip:nowhere@example.org", gmk: gmk/fire@example.org/alice@example.org.mikey,
           tek_file: secrets/fire.tek}
  bob:
    user: sip:bob@example.org
    password_file: secrets/bob.password
    mc_server: 127.0.0.1:$p_mc
    sip_listen: 127.0.0.1:0
    calls:
      via: mc-server
      kms_cert: keys/cert.xml
      keys: keys/bob.xml
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/bob@example.org.mikey,
           tek_file: secrets/fire.tek}
YAML

"$kb" serve --role mc-server --config keybridge.yaml > mc.log 2>&1 & pid[mc]=$!
must_log mc.log "mc-server: listening" "mc-server up"
"$kb" serve --role iwf --config keybridge.yaml > iwf.log 2>&1 & pid[iwf]=$!
must_log iwf.log "IWF: registered as sip:iwf@example.org" "iwf registered"

# 1. Group call through the server, LMR E2EE.
"$kb" call join --config keybridge.yaml --node alice --group sip:fire@example.org --seconds 15 \
  --ldus 12 --frames-out alice.frames > alice.json 2> alice.log & pid[alice]=$!
must_log alice.log "joined sip:fire@example.org via mc-server .*P25-IMBE, LMR E2EE ALGID 0x84" "alice joined via the server"
must_log mc.log "INVITE sip:alice@example.org -> sip:fire@example.org \(group call\) sent to sip:iwf@example.org" "server routed to the IWF"
must_log mc.log "call sip:alice@example.org -> sip:fire@example.org connected" "server connected the call"
must_log iwf.log "sip:alice@example.org joined sip:fire@example.org \(P25-IMBE, LMR E2EE ALGID 0x84 relayed" "iwf relays"
run "radio talks on fire" "$kb" radio talk --config keybridge.yaml --group sip:fire@example.org \
  --tek-file data/secrets/fire.tek --ldus 12 --interval-ms 60 --seed 7 --frames-out radio.frames
wait "${pid[alice]}"; rc=$?; unset "pid[alice]"
[ "$rc" = 0 ] && ok || bad "alice exited $rc: $(tail -3 alice.log)"
[ "$(field alice.json frames)" = 108 ] && ok || bad "alice frames: $(cat alice.json)"
cmp -s radio.frames alice.frames && ok || bad "alice's recovered codewords differ from the radio's"
[ "$(field alice.json srtp_rejected)" = 0 ] && ok || bad "SRTP rejections: $(cat alice.json)"
must_log mc.log "ended \(BYE\); BYE to the other leg" "server passed the BYE on"
must_log iwf.log "sip:alice@example.org left sip:fire@example.org \(BYE\)" "alice's BYE reached the IWF"

# 2. Refusals by the server.
"$kb" call join --config keybridge.yaml --node bob --group sip:fire@example.org --seconds 1 \
  --spoof-from sip:alice@example.org > r1.out 2> r1.err \
  && bad "spoofed From accepted" || { grep -q "403 Forbidden: caller sip:alice@example.org is not registered from this address" r1.err && ok || bad "403 for a spoofed From: $(cat r1.err)"; }
"$kb" call join --config keybridge.yaml --node alice --group sip:nowhere@example.org --seconds 1 > r2.out 2> r2.err \
  && bad "unknown group joined" || { grep -q "404 Not Found: sip:nowhere@example.org is neither" r2.err && ok || bad "404: $(cat r2.err)"; }
"$kb" call join --config keybridge.yaml --node alice --group sip:water@example.org --seconds 1 > r3.out 2> r3.err \
  && bad "group of an absent IWF joined" || { grep -q "480 Temporarily Unavailable: the IWF sip:iwf2@example.org" r3.err && ok || bad "480: $(cat r3.err)"; }

# 3. Private call LMR radio -> alice with the IWF's PCK.
"$kb" call answer --config keybridge.yaml --node alice --seconds 20 --tek-file data/secrets/fire.tek \
  --frames-out pc.frames > pc.json 2> pc.log & pid[pc]=$!
must_log pc.log "waiting for a private call" "alice waits for a call"
run "radio calls alice" "$kb" radio call --config keybridge.yaml --to sip:alice@example.org \
  --tek-file data/secrets/fire.tek --ldus 10 --interval-ms 60 --seed 11 --frames-out pc-radio.frames
wait "${pid[pc]}"; rc=$?; unset "pid[pc]"
[ "$rc" = 0 ] && ok || bad "alice (answer) exited $rc: $(tail -3 pc.log)"
must_log iwf.log "IWF private call [0-9a-f]+: LMR radio -> sip:alice@example.org: PCK-ID [0-9a-f]{8} signed as sip:iwf@example.org" "IWF made the PCK"
must_log mc.log "INVITE sip:iwf@example.org -> sip:alice@example.org \(private call\) sent to sip:alice@example.org" "server routed the private call"
must_log pc.log "private call from sip:iwf@example.org answered \(P25-IMBE, LMR E2EE ALGID 0x84\), PCK-ID [0-9a-f]{8} signed by sip:iwf@example.org" "alice opened the PCK"
[ "$(field pc.json frames)" = 90 ] && ok || bad "private call frames: $(cat pc.json)"
cmp -s pc-radio.frames pc.frames && ok || bad "alice's private call codewords differ from the radio's"
[ "$(field pc.json srtp_rejected)" = 0 ] && ok || bad "private call SRTP rejections: $(cat pc.json)"
[ "$(field pc.json pck_signer)" = sip:iwf@example.org ] && ok || bad "PCK signer: $(cat pc.json)"
[ "$(field pc.json bye_received)" = True ] && ok || bad "no BYE reached alice: $(cat pc.json)"
[ "$(field pc.json pck_id)" = "$(grep -oE 'PCK-ID [0-9a-f]{8} signed as sip:iwf' iwf.log | head -1 | cut -d' ' -f2)" ] && ok || bad "PCK-ID differs"

# A PCK signed by another identity (the test signer sip:gms@example.org) than the From: 403.
"$kb" call answer --config keybridge.yaml --node alice --seconds 20 --tek-file data/secrets/fire.tek \
  > pc2.json 2> pc2.log & pid[pc2]=$!
must_log pc2.log "waiting for a private call" "alice waits again"
"$kb" radio call --config keybridge.yaml --to sip:alice@example.org --tek-file data/secrets/fire.tek \
  --ldus 1 --sign-as sip:gms@example.org > r4.out 2> r4.err \
  && bad "a PCK signed by another identity was accepted" || { grep -q "403 Forbidden: the PCK" r4.err && ok || bad "403 for the wrong signer: $(cat r4.err)"; }
wait "${pid[pc2]}"; unset "pid[pc2]"
[ "$(field pc2.json status)" = 403 ] && ok || bad "alice's refusal: $(cat pc2.json)"
# bob is not registered: 480 from the server.
"$kb" radio call --config keybridge.yaml --to sip:bob@example.org --tek-file data/secrets/fire.tek \
  --ldus 1 > r5.out 2> r5.err \
  && bad "a call to an unregistered user connected" || { grep -q "480 Temporarily Unavailable: MC service user sip:bob@example.org is not registered" r5.err && ok || bad "480: $(cat r5.err)"; }

for n in mc iwf; do
  kill -TERM "${pid[$n]}"; wait "${pid[$n]}"; rc=$?; unset "pid[$n]"
  [ "$rc" = 0 ] && ok || bad "$n exit status $rc"
done
grep -lE "AddressSanitizer|LeakSanitizer|runtime error:" *.log *.err 2>/dev/null && bad "sanitizer reports" || ok
finish
