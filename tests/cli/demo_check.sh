#!/usr/bin/env bash
# keybridge demo check (src/app/cmd_demo.cpp, demo_check.cpp) and client keys --json: a stopped
# client node's sealed store (a TEK loaded by key fill) against an expectation file in the format
# of `kmf expected --json`: equal -> exit 0 and "yes"; another fingerprint, a missing key, an
# extra key -> exit 1 and "NO" with the reason; a malformed expectation -> exit 2. No key value
# appears in any output.
# Usage: demo_check.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
cd "$dir"
mkdir -p data/secrets
echo "alice-password" > data/secrets/alice.password
cat > kb.yaml <<YAML
data_dir: data
nodes:
  alice:
    role: client
    user: sip:alice@example.org
    password_file: secrets/alice.password
    rsi: 1001
    mc_server: 127.0.0.1:9
  kmf:
    mode: udp
YAML
TEK=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
fill() {  # fill FILE KEYSET KID KEY
  printf 'keybridge-key-fill 1\nrsi: 1001\nalgid: 0x84\nkeyset: %s\nsln: 1\nkid: %s\nkey: %s\n' "$2" "$3" "$4" > "$1"
  echo "check: $(sha256sum "$1" | cut -c1-8)" >> "$1"
}
fill tek.fill 1 0x4001 $TEK
"$kb" client import-root-key tek.fill --config kb.yaml --node alice > /dev/null 2>&1 && ok || bad "TEK import"
UKEK=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
fill ukek.fill 0xFF 0x2001 $UKEK
"$kb" client import-root-key ukek.fill --config kb.yaml --node alice > /dev/null 2>&1 && ok || bad "UKEK import"
fpof() { python3 -c "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest()[:16])" "$1"; }
fp=$(fpof $TEK); ukfp=$(fpof $UKEK)

"$kb" client keys --json --config kb.yaml --node alice > keys.json 2> err && ok || bad "keys --json: $(cat err)"
[ "$(wc -l < keys.json)" = 1 ] && ok || bad "keys --json is not one line"
python3 -c "import json; d=json.load(open('keys.json')); assert d['key_count'] == 2 and d['rsi'] == '0x0003E9'" && ok || bad "report: $(cat keys.json)"
grep -qi "$TEK\|$UKEK" keys.json && bad "a key value in the report" || ok

expect() {  # expect FILE FINGERPRINT KID: one police unit 1001 holding one key
  printf '[{"org":"police","rsi":1001,"state":"active","keys":[{"keyset":1,"sln":1,"kid":"%s","algid":"0x84","fingerprint":"%s"}]},\n {"org":"fire","rsi":1101,"state":"active","keys":[]}]\n' "$3" "$2" > "$1"
}
check() { "$kb" demo check --config kb.yaml --expected "$1" > out 2> err; echo $?; }

expect same.json "$fp" 0x4001
[ "$(check same.json)" = 0 ] && ok || bad "equal keys: $(cat out err)"
grep -Eq '^alice +client +police +1001 +active .*0x4001 ks1/sln1 .* yes$' out && ok || bad "row: $(cat out)"
grep -q "without a node here, not checked: fire RSI 1101" out && ok || bad "unit without node: $(cat out)"
grep -qi "$TEK" out && bad "a key value in the table" || ok
"$kb" demo check --config kb.yaml --expected same.json --json > out.json && ok || bad "--json"
python3 -c "import json; d=json.load(open('out.json')); assert d['all_match'] and d['rows'][0]['match']" && ok || bad "json: $(cat out.json)"

expect otherfp.json 0011223344556677 0x4001
[ "$(check otherfp.json)" = 1 ] && ok || bad "another fingerprint accepted: $(cat out)"
grep -q " NO$" out && grep -q "missing or different: 0x4001" out && grep -q "unexpected: 0x4001" out && ok || bad "mismatch row: $(cat out)"
grep -q "^MISMATCH" out && ok || bad "no MISMATCH line: $(cat out)"

expect otherkid.json "$fp" 0x4002
[ "$(check otherkid.json)" = 1 ] && ok || bad "another KID accepted"

echo '[{"org":"police","rsi":1001,"state":"zeroized","keys":[]}]' > zeroized.json
[ "$(check zeroized.json)" = 1 ] && ok || bad "a key held after a zeroize accepted: $(cat out)"
grep -q "unexpected: 0x4001" out && ok || bad "extra key not named: $(cat out)"

echo '[]' > unknown.json  # a node the KMF does not know must hold no TEK
[ "$(check unknown.json)" = 1 ] && ok || bad "unknown unit with a key accepted"

echo '[{"org":"police","keys":[]}]' > malformed.json
[ "$(check malformed.json)" = 2 ] && ok || bad "malformed expectation: $(cat out err)"
grep -q "no 'rsi'" err && ok || bad "malformed: $(cat err)"

# The unit's UKEK as the KMF names it (kmf expected "root_key"): same -> yes; another -> NO.
rk() { printf '[{"org":"police","rsi":1001,"state":"%s","root_key":{"kid":"%s","algid":"0x84","fingerprint":"%s"},"keys":[%s]}]\n' "$@"; }
key="{\"keyset\":1,\"sln\":1,\"kid\":16385,\"algid\":132,\"fingerprint\":\"$fp\"}"
rk active 0x2001 "$ukfp" "$key" > rk-same.json
[ "$(check rk-same.json)" = 0 ] && ok || bad "same root key: $(cat out err)"
grep -Eq '^alice .* same .* yes$' out && ok || bad "root key column: $(cat out)"
rk active 0x2001 0011223344556677 "$key" > rk-other.json
[ "$(check rk-other.json)" = 1 ] && ok || bad "another root key accepted: $(cat out)"
grep -q "root key KID 0x2001 fp $ukfp but the KMF's UKEK is KID 0x2001 fp 0011223344556677" out && ok || bad "root key note: $(cat out)"
rk zeroized 0x2001 "$ukfp" "" > rk-zeroized.json
[ "$(check rk-zeroized.json)" = 1 ] && ok || bad "root key after zeroize accepted: $(cat out)"
grep -q "holds a root key after a confirmed zeroize" out && ok || bad "zeroize note: $(cat out)"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
