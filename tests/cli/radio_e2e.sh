#!/usr/bin/env bash
# Emulated P25 radio end to end on loopback (docs/radio.md): `keybridge serve --role radio`
# (unit 2001, the SU engine on UDP with the 14-octet DLI preamble) reached directly by the KMF's
# UDP face through its `radios:` list, no IWF. The radio's root key (UKEK) is loaded by key fill
# (`client import-root-key`, stopped and running), `kmf rekey` of a group with the radio
# completes, and `client keys --node r1` shows the TEK with the fingerprint the KMF expects
# (first 8 octets of SHA-256 over the TEK). Also: rekey request from the radio, a foreign
# datagram dropped by the KMF, status.json, SIGTERM, no key in any log.
# Usage: radio_e2e.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
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
wait_log() {
  local n=$(( ${3:-20} * 10 ))
  for _ in $(seq "$n"); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
check_log() { wait_log "$1" "$2" "${4:-20}" && ok || bad "$3: '$2' not in $1: $(tail -5 "$1")"; }
must_log() {
  wait_log "$1" "$2" 20 && { ok; return; }
  bad "$3: '$2' not in $1: $(tail -5 "$1")"; echo "radio e2e: $passes passed, $fails failed"; exit 1
}
start() {  # start NODE ROLE (both nodes append to one capture file, docs/capture.md)
  "$kb" serve --role "$2" --node "$1" --config keybridge.yaml --capture capture.pcap \
    >> "$1.log" 2>&1 & pid[$1]=$!
}
stop() {  # stop NODE: SIGTERM, expect exit status 0
  kill -TERM "${pid[$1]}" 2>/dev/null; wait "${pid[$1]}"; local rc=$?; unset "pid[$1]"
  [ "$rc" = 0 ] && ok || bad "$1 exited with $rc on SIGTERM"
}
jq_() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
keyfill() {  # keyfill FILE RSI KID KEYHEX
  printf 'keybridge-key-fill 1\nrsi: %s\nalgid: 0x84\nkid: %s\nname: UKEK-%s\nkey: %s\n' "$2" "$3" "$3" "$4" > "$1"
  echo "check: $(sha256sum "$1" | cut -c1-8)" >> "$1"
}

cd "$dir"
p_kmf=$(free_port); p_r1=$(free_port); p_iwf=$(free_port)
ukek=2a1938cd0b6b6bd0b7745692fe1914f03876612fc29d577789a62f65fa05ef83
tek=494002bf163132a421fbef117f985a0caaddc250a4c21947d593e6c067de402c
fp=$(python3 -c "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest()[:16])" $tek)
cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  kmf:
    mode: udp
    dli_listen: 127.0.0.1:$p_kmf
    iwf: 127.0.0.1:$p_iwf          # no IWF runs in this test
    tick_ms: 100
    first_timeout_ms: 4000
    radios:
      - {rsi: 2001, address: 127.0.0.1:$p_r1}
  r1:
    role: radio
    rsi: 2001
    kmf_rsi: 9999999
    mnp: 1000
    dli_listen: 127.0.0.1:$p_r1
    kmf: 127.0.0.1:$p_kmf
YAML

kmf() { "$kb" kmf "$@" --config keybridge.yaml >> kmf-cli.log 2>&1; }
kmf init && kmf add-org --org police && ok || bad "kmf init: $(cat kmf-cli.log)"
kmf add-unit --org police --rsi 2001 --ukek $ukek --ukek-kid 20668 && ok || bad "add-unit 2001"
kmf add-key --org police --keyset 1 --sln 1 --kid 0x4983 --key $tek && ok || bad "add-key"
kmf add-group --org police --name tac --member 2001 --sln 1 && ok || bad "add-group"

# 1. Key fill on the stopped radio (its sealed store), then a wrong RSI refused.
keyfill r1.keyfill 2001 20668 $ukek
"$kb" client import-root-key r1.keyfill --config keybridge.yaml --node r1 > import.out 2>&1 \
  && grep -q '"running": false' import.out && ok || bad "import (stopped): $(cat import.out)"
keyfill other.keyfill 2002 20668 $ukek
"$kb" client import-root-key other.keyfill --config keybridge.yaml --node r1 > other.out 2>&1 \
  && bad "a key fill for RSI 2002 was accepted by radio 2001" || ok
[ -f data/r1/su-state.sealed ] && ! grep -qi "$ukek" data/r1/su-state.sealed && ok \
  || bad "sealed store missing or in clear"

# 2. Start both; the radio's status.json; the running radio takes the key fill again.
start r1 radio
must_log r1.log "radio r1 \(RSI 2001\): listening on udp://127.0.0.1:$p_r1" "radio start"
start kmf kmf
must_log kmf.log "KMF serving on UDP DLI .*radio 2001 127.0.0.1:$p_r1" "kmf start"
"$kb" client import-root-key r1.keyfill --config keybridge.yaml --node r1 > import2.out 2>&1 \
  && grep -q '"ok": true' import2.out && ! grep -q '"running": false' import2.out && ok \
  || bad "import (running): $(cat import2.out)"
check_log r1.log "root key imported from a key-fill file: ALGID 0x84 KID 0x50BC" "import log"
for _ in $(seq 30); do [ -f data/r1/status.json ] && break; sleep 0.1; done
[ "$(jq_ data/r1/status.json 'd["role"]')" = radio ] && ok || bad "status.json: $(cat data/r1/status.json)"

# 3. Group rekey: the KMF sends straight to the radio; the campaign completes.
"$kb" kmf rekey --config keybridge.yaml --org police --group tac > rekey.out 2>&1 \
  && ok || bad "rekey: $(cat rekey.out)"
check_log r1.log "127.0.0.1:$p_kmf -> radio r1 \(RSI 2001\): Rekey-Command \(0x1e\) from RSI 9999999 to RSI 2001: status 0x00" "radio got the rekey"
check_log r1.log "radio r1 \(RSI 2001\) -> KMF 127.0.0.1:$p_kmf: Rekey-Acknowledgment \(0x1d\)" "radio acked"
check_log kmf.log "campaign 1 \(rekey group tac\) complete: 1 done, 0 failed" "campaign 1 complete"
"$kb" client keys --config keybridge.yaml --node r1 > keys.json 2>&1 && ok || bad "keys: $(cat keys.json)"
got=$(jq_ keys.json '[k["fingerprint"] for s in d["keysets"] if not s["kek"] for k in s["keys"] if k["kid"] in ("0x4983", 18819)]' 2>&1)
[ "$got" = "['$fp']" ] && ok || bad "radio TEK fingerprint: $got, expected $fp ($(cat keys.json))"
if "$kb" kmf --help 2>/dev/null | grep -Eq "^ +expected"; then  # helper K's command, when merged
  "$kb" kmf expected --config keybridge.yaml --org police --json > expected.json 2>&1
  grep -q "$fp" expected.json && ok || bad "kmf expected: $(cat expected.json)"
fi

# 4. The radio's own rekey request reaches the KMF, which answers it with a campaign.
"$kb" client rekey-request --config keybridge.yaml --node r1 > hello.out 2>&1 \
  && ok || bad "rekey-request: $(cat hello.out)"
check_log kmf.log "campaign 2 \(rekey request from unit 2001\) complete: 1 done" "rekey request campaign"

# 5. A datagram from neither the IWF nor a radio is dropped.
python3 -c "
import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(bytes(14)+b'\x1e\x00\x07',('127.0.0.1',int(sys.argv[1])))" $p_kmf
check_log kmf.log "datagram dropped: neither the IWF nor a radio" "foreign datagram"

# 6. The capture as a ladder diagram (docs/ladder.md), named by node from the configuration.
"$kb" ladder capture.pcap --config keybridge.yaml > ladder.out 2>&1 && ok || bad "ladder: $(cat ladder.out)"
grep -Eq "kmf +-> r1 +DLI Rekey-Command 9999999->2001 MN [0-9]+ MAC 0x84/0x50BC: wrapped under KEK 0x84/0x50BC; keyset 1 ALGID 0x84 SLN 1 KID 0x4983" ladder.out \
  && ok || bad "ladder rekey line: $(cat ladder.out)"
grep -Eq "r1 +-> kmf +DLI Rekey-Acknowledgment 2001->9999999 .*KID 0x4983 status 0x00" ladder.out \
  && ok || bad "ladder ack line: $(cat ladder.out)"
grep -Eq "r1 +-> kmf +DLI Hello 2001->9999999 .*rekey request" ladder.out && ok || bad "ladder hello: $(cat ladder.out)"
n=$("$kb" ladder capture.pcap --count)
[ "$n" -ge 5 ] && ok || bad "ladder --count: $n"
"$kb" ladder capture.pcap --from-packet 2 --json > ladder.json 2>&1 && ok || bad "ladder --json"
python3 -c "
import json,sys
rows=[json.loads(l) for l in open('ladder.json')]
assert len(rows)==int(sys.argv[1])-2, len(rows)
assert all(r['packet']>2 and r['kind']=='dli' for r in rows), rows
assert any(r.get('kmm',{}).get('name')=='Rekey-Acknowledgment' for r in rows), rows
" "$n" && ok || bad "ladder json: $(head -3 ladder.json)"

# 7. Clean stop; the key survives a restart (sealed store).
stop kmf
stop r1
"$kb" client keys --config keybridge.yaml --node r1 > keys2.json 2>&1 && grep -q "$fp" keys2.json \
  && grep -q '"running": false' keys2.json && ok || bad "keys after stop: $(cat keys2.json)"
if grep -Eiq "$ukek|$tek" ./*.log ./*.out ./*.json capture.pcap; then bad "a key appears in a log"; else ok; fi
echo "radio e2e: $passes passed, $fails failed"
[ "$fails" = 0 ]
