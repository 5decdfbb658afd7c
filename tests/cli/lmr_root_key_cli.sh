#!/usr/bin/env bash
# End-to-end test of the keybridge LMR root key extension (NOT TS 33.180; docs/lmr-root-key.md):
# `keybridge mikey create --type lmr-root-key`, `mikey decode`, `mikey open --iwf`.
# Usage: lmr_root_key_cli.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
expect_ok() { local what=$1; shift; if "$@" > "$dir/out" 2> "$dir/err"; then ok; else bad "$what: $(cat "$dir/err")"; fi; }
expect_fail() {
  local what=$1 pattern=$2; shift 2
  if "$@" > "$dir/out" 2> "$dir/err"; then bad "$what: succeeded"; return; fi
  grep -q -- "$pattern" "$dir/err" && ok || bad "$what: error '$(cat "$dir/err")' lacks '$pattern'"
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[int(k)] if isinstance(d, list) else d[k]
print(d)' "$1" "$2"; }

cd "$dir"
"$kb" kms init --kms-uri kms.example.org --out kms > cert.xml 2>/dev/null || bad "kms init"
for u in iwf alice bob mallory; do
  "$kb" kms provision --state kms --user "sip:$u@example.org" --out "$u.xml" 2>/dev/null || bad "provision $u"
done
root=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
create() { "$kb" mikey create --type lmr-root-key --kms-cert cert.xml --root-key "$root" --algid 0x84 \
  --kid 0x1234 --key-name ALICE-UKEK-1 --lmr-type p25 --rotation-serial 7 "$@"; }

expect_ok "create" create --sender-keys iwf.xml --to sip:alice@example.org
cp out rk.b64
grep -q "$root" rk.b64 && bad "root key in clear in the message" || ok
expect_ok "decode" "$kb" mikey decode rk.b64
grep -q "$root" out && bad "decode prints the root key" || ok
[ "$(field out payloads.0.purpose_tag)" = "LMR root key (keybridge extension)" ] && ok || bad "decode tag"
[ "$(field out payloads.8.type)" = 241 ] && ok || bad "decode extension type"
[ "$(field out payloads.8.lmr_root_key.kid)" = 0x1234 ] && ok || bad "decode KID"
[ "$(field out payloads.8.lmr_root_key.key_name)" = ALICE-UKEK-1 ] && ok || bad "decode name"

expect_ok "open" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --iwf sip:other@example.org \
  --iwf sip:iwf@example.org rk.b64
[ "$(field out root_key)" = "$root" ] && ok || bad "root key"
[ "$(field out algid)" = 0x84 ] && ok || bad "algid"
[ "$(field out lmr_type)" = P25 ] && ok || bad "lmr type"
[ "$(field out rotation_serial)" = 7 ] && ok || bad "serial"
expect_ok "open --no-key" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --iwf sip:iwf@example.org --no-key rk.b64
grep -q "$root" out && bad "--no-key prints the root key" || ok
grep -q root_key_fingerprint out && ok || bad "fingerprint"

expect_fail "no authorised IWF" "unauthorised" "$kb" mikey open --kms-cert cert.xml --keys alice.xml rk.b64
expect_fail "wrong recipient" "wrong recipient" "$kb" mikey open --kms-cert cert.xml --keys bob.xml --iwf sip:iwf@example.org rk.b64
expect_fail "rollback" "rotation serial" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --iwf sip:iwf@example.org --min-rotation-serial 8 rk.b64
expect_ok "create by mallory" create --sender-keys mallory.xml --to sip:alice@example.org
cp out mallory.b64
expect_fail "sender not an IWF" "authorised IWF" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --iwf sip:iwf@example.org mallory.b64
expect_fail "standard open path" "purpose tag 15" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --expect pck rk.b64
python3 - rk.b64 <<'PY'
import base64, sys
raw = bytearray(base64.b64decode(open(sys.argv[1]).read()))
raw[len(raw) - 140] ^= 1  # inside the wrapped key
open("tampered.b64", "w").write(base64.b64encode(bytes(raw)).decode())
PY
expect_fail "tampered" "crypto failure" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --iwf sip:iwf@example.org tampered.b64
base=("$kb" mikey create --type lmr-root-key --kms-cert cert.xml --sender-keys iwf.xml --to sip:alice@example.org)
expect_fail "bad ALGID length" "ALGID 0x84" "${base[@]}" --root-key 00112233445566778899aabbccddeeff --algid 0x84 --kid 1
expect_fail "bad lmr type" "p25 or tetra" "${base[@]}" --root-key "$root" --kid 1 --lmr-type dmr
expect_fail "bad kid" "--kid" "${base[@]}" --root-key "$root" --kid 0x12345
expect_fail "missing root key" "--root-key" "${base[@]}" --kid 1
expect_ok "tetra 128-bit" "$kb" mikey create --type lmr-root-key --kms-cert cert.xml --sender-keys iwf.xml \
  --to sip:alice@example.org --root-key 00112233445566778899aabbccddeeff --algid 2 --kid 7 --lmr-type tetra --key-name "KEK é"
cp out tetra.b64
expect_ok "open tetra" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --iwf sip:iwf@example.org tetra.b64
[ "$(field out key_kind)" = "TETRA KEK" ] && ok || bad "tetra kind"
[ "$(field out key_name)" = "KEK é" ] && ok || bad "utf-8 name"

echo "lmr_root_key_cli: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
