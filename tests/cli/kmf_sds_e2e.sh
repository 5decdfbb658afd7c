#!/usr/bin/env bash
# MC-hosted KMF end to end on loopback (seeds 001/002; docs/iwf.md "The KMF's network face"):
# `keybridge serve --role kmf` in mode sds registers with `--role mc-server` as
# sip:kmf@example.org; the test client kb_test_su (unit 1001 as sip:alice@example.org) gets a
# group rekey queued with `keybridge kmf rekey --config`, answers, and the campaign completes;
# then a Hello from the client starts a second campaign. Run once with carrier sds (MCData SDS)
# and once with carrier interworking-data (non-3GPP security message request). Then mode both
# (docs/kmf.md "Mode both"): one KMF reaches alice over the MC face and the emulated radio r1
# (`serve --role radio`, RSI 2001) over its UDP face, in one group rekey.
# Usage: kmf_sds_e2e.sh KEYBRIDGE VECTORS_DIR (kb_test_su is next to keybridge).
set -uo pipefail
kb=$(realpath "$1")
su="$(dirname "$kb")/kb_test_su"
dir=$(mktemp -d)
declare -A pid
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
# A port free for both UDP and TCP on 127.0.0.1.
free_port() {
  python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass'
}
# wait_log FILE PATTERN [SECONDS]: until FILE contains PATTERN (grep -E).
wait_log() {
  local n=$(( ${3:-20} * 10 ))
  for _ in $(seq "$n"); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
check_log() { wait_log "$1" "$2" "${4:-20}" && ok || bad "$3: '$2' not in $1: $(tail -5 "$1")"; }
# must_log: as check_log, but the rest of the test cannot run without it.
must_log() {
  wait_log "$1" "$2" 20 && { ok; return; }
  bad "$3: '$2' not in $1: $(tail -5 "$1")"; echo "iwf e2e: $passes passed, $fails failed"; exit 1
}
# wait_count FILE PATTERN N WHAT: until PATTERN occurs on at least N lines of FILE.
wait_count() {
  for _ in $(seq 200); do
    [ "$(grep -Ec -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && { ok; return; }
    sleep 0.1
  done
  bad "$4: fewer than $3 lines '$2' in $1"
}
start() {  # start ROLE: keybridge serve in the background, log in ROLE.log
  "$kb" serve --role "$1" --config keybridge.yaml >> "$1.log" 2>&1 & pid[$1]=$!
}
stop() {  # stop ROLE: SIGTERM, expect exit status 0
  kill -TERM "${pid[$1]}" 2>/dev/null; wait "${pid[$1]}"; local rc=$?; unset "pid[$1]"
  [ "$rc" = 0 ] && ok || bad "$1 exited with $rc on SIGTERM"
}

cd "$dir"
p_mc=$(free_port); p_sds=$(free_port); p_iw=$(free_port)
p_both=$(free_port); p_dli=$(free_port); p_r1=$(free_port); p_iwf=$(free_port)
mkdir -p data/secrets
for u in kmf alice; do echo "$u-password-$RANDOM$RANDOM" > "data/secrets/$u.password"; done
chmod 600 data/secrets/*
ukek=2a1938cd0b6b6bd0b7745692fe1914f03876612fc29d577789a62f65fa05ef83
tek=494002bf163132a421fbef117f985a0caaddc250a4c21947d593e6c067de402c
kmf_node() {  # kmf_node NAME PORT CARRIER
  cat <<YAML
  $1:
    mode: sds
    carrier: $3
    identity: sip:kmf@example.org
    password_file: secrets/kmf.password
    sip_listen: 127.0.0.1:$2
    mc_server: 127.0.0.1:$p_mc
    tick_ms: 100
    first_timeout_ms: 4000
    rsi_map:
      - {rsi: 1001, mc_service_id: "sip:alice@example.org", lmr_type: P25}
YAML
}
{
  cat <<YAML
data_dir: data
nodes:
  mc-server:
    listen: 127.0.0.1:$p_mc
    domain: example.org
    t1_ms: 100
    users:
      - {uri: "sip:alice@example.org", password_file: secrets/alice.password}
    lmr_security_entities:
      - {uri: "sip:kmf@example.org", kind: kmf, password_file: secrets/kmf.password}
YAML
  kmf_node kmf-sds "$p_sds" sds
  kmf_node kmf-iw "$p_iw" interworking-data
  kmf_node kmf-both "$p_both" sds | sed 's/mode: sds/mode: both/'
  cat <<YAML
    dli_listen: 127.0.0.1:$p_dli
    iwf: 127.0.0.1:$p_iwf          # no IWF runs in this test
    radios:
      - {rsi: 2001, address: 127.0.0.1:$p_r1}
  r1:
    role: radio
    rsi: 2001
    kmf_rsi: 9999999
    mnp: 1000
    dli_listen: 127.0.0.1:$p_r1
    kmf: 127.0.0.1:$p_dli
YAML
} > keybridge.yaml

start() {  # start NODE ROLE
  "$kb" serve --role "$2" --node "$1" --config keybridge.yaml >> "$1.log" 2>&1 & pid[$1]=$!
}
alice() { "$su" --identity sip:alice@example.org --password-file data/secrets/alice.password \
  --server 127.0.0.1:$p_mc --rsi 1001 --ukek $ukek --ukek-kid 20668 --fe sip:kmf@example.org "$@"; }

start mc-server mc-server
must_log mc-server.log "listening" "mc-server start"
for node in kmf-sds kmf-iw; do
  carrier=sds; [ $node = kmf-iw ] && carrier=interworking-data
  kmf() { "$kb" kmf "$@" --config keybridge.yaml --node $node >> kmf-cli.log 2>&1; }
  kmf init && kmf add-org --org police && ok || bad "$node init: $(cat kmf-cli.log)"
  kmf add-unit --org police --rsi 1001 --ukek $ukek --ukek-kid 20668 && ok || bad "$node add-unit"
  kmf add-key --org police --keyset 1 --sln 1 --kid 0x4983 --key $tek && ok || bad "$node add-key"
  kmf add-group --org police --name tac --member 1001 --sln 1 && ok || bad "$node add-group"
  start $node kmf
  must_log $node.log "KMF: registered as sip:kmf@example.org" "$node registration"
  alice --expect 1 --timeout 30 > alice-$node.log 2>&1 & pid[alice]=$!
  must_log alice-$node.log "registered as" "alice registration"
  "$kb" kmf rekey --config keybridge.yaml --node $node --org police --group tac > rekey.out 2>&1 \
    && ok || bad "$node rekey: $(cat rekey.out)"
  wait "${pid[alice]}" && ok || bad "$node: alice did not answer: $(cat alice-$node.log)"
  unset "pid[alice]"
  grep -q "received KMM 0x1e from sip:kmf@example.org ($carrier), status 0x00, 2 keys held" \
    alice-$node.log && ok || bad "$node: alice did not store the TEK: $(cat alice-$node.log)"
  check_log $node.log "campaign 1 \(rekey group tac\) complete: 1 done, 0 failed" "$node campaign"
  alice --hello --carrier $carrier --expect 1 --timeout 30 > hello-$node.log 2>&1 \
    && ok || bad "$node hello: $(cat hello-$node.log)"
  check_log $node.log "campaign 2 \(rekey request from unit 1001\) complete: 1 done" "$node hello campaign"
  stop $node
done
# Mode both: alice (1001, rsi_map) over the MC face, radio r1 (2001) over UDP, one campaign.
node=kmf-both
kmf() { "$kb" kmf "$@" --config keybridge.yaml --node $node >> kmf-cli.log 2>&1; }
kmf init && kmf add-org --org police && ok || bad "$node init: $(cat kmf-cli.log)"
kmf add-unit --org police --rsi 1001 --ukek $ukek --ukek-kid 20668 && ok || bad "$node add-unit 1001"
kmf add-unit --org police --rsi 2001 --ukek $ukek --ukek-kid 20668 && ok || bad "$node add-unit 2001"
kmf add-key --org police --keyset 1 --sln 1 --kid 0x4983 --key $tek && ok || bad "$node add-key"
kmf add-group --org police --name tac --member 1001 --member 2001 --sln 1 && ok || bad "$node add-group"
printf 'keybridge-key-fill 1\nrsi: 2001\nalgid: 0x84\nkid: 20668\nname: UKEK-R1\nkey: %s\n' $ukek > r1.keyfill
echo "check: $(sha256sum r1.keyfill | cut -c1-8)" >> r1.keyfill
"$kb" client import-root-key r1.keyfill --config keybridge.yaml --node r1 > import.out 2>&1 \
  && ok || bad "r1 key fill: $(cat import.out)"
start r1 radio
must_log r1.log "listening on udp://127.0.0.1:$p_r1" "radio start"
start $node kmf
must_log $node.log "KMF: registered as sip:kmf@example.org" "$node registration"
check_log $node.log "mode both: 1 RSIs over MC system" "$node routing"
alice --expect 1 --timeout 30 > alice-$node.log 2>&1 & pid[alice]=$!
must_log alice-$node.log "registered as" "alice registration"
"$kb" kmf rekey --config keybridge.yaml --node $node --org police --group tac > rekey.out 2>&1 \
  && ok || bad "$node rekey: $(cat rekey.out)"
wait "${pid[alice]}" && ok || bad "$node: alice did not answer: $(cat alice-$node.log)"
unset "pid[alice]"
grep -q "received KMM 0x1e from sip:kmf@example.org (sds), status 0x00" alice-$node.log \
  && ok || bad "$node: alice did not get the rekey over MC: $(cat alice-$node.log)"
check_log r1.log "-> radio r1 \(RSI 2001\): Rekey-Command \(0x1e\).*status 0x00" "$node: r1 over UDP"
check_log $node.log "campaign 1 \(rekey group tac\) complete: 2 done, 0 failed" "$node campaign"
stop $node
stop r1
stop mc-server
if grep -Eiq "$ukek|$tek" ./*.log; then bad "a key appears in a log"; else ok; fi
echo "kmf sds e2e: $passes passed, $fails failed"
[ "$fails" = 0 ]
