#!/usr/bin/env bash
# End-to-end test of `keybridge kms ...` and `keybridge mikey ...` (TS 33.180 Annexes D, E) as
# a user runs them: real processes, real files. Usage: mikey_cli.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
expect_ok() { local what=$1; shift; if "$@" > "$dir/out" 2> "$dir/err"; then ok; else bad "$what: $(cat "$dir/err")"; fi; }
# expect_fail WHAT PATTERN CMD...: the command must fail with one stderr line matching PATTERN.
expect_fail() {
  local what=$1 pattern=$2; shift 2
  if "$@" > "$dir/out" 2> "$dir/err"; then bad "$what: succeeded"; return; fi
  if [ "$(wc -l < "$dir/err")" -ne 1 ]; then bad "$what: not a one-line error: $(cat "$dir/err")"; return; fi
  grep -q -- "$pattern" "$dir/err" && ok || bad "$what: error '$(cat "$dir/err")' lacks '$pattern'"
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[int(k)] if isinstance(d, list) else d[k]
print(d)' "$1" "$2"; }

cd "$dir"
expect_ok "kms init" "$kb" kms init --kms-uri kms.example.org --out kms
cp out cert.xml
expect_fail "kms init twice" "already holds" "$kb" kms init --kms-uri kms.example.org --out kms
[ "$(stat -c %a kms/kms-secrets.sealed)" = 600 ] && ok || bad "secrets file mode"
grep -q 'urn:3gpp:ns:mcsecKMSInterface:1.0' cert.xml && ok || bad "certificate namespace"
for u in gms alice bob; do
  expect_ok "provision $u" "$kb" kms provision --state kms --user "sip:$u@example.org" --out "$u.xml"
done
expect_ok "provision as KmsResponse" "$kb" kms provision --state kms --user sip:carol@example.org --response --out carol.xml
grep -q '<KmsKeyProv' carol.xml && ok || bad "KmsResponse form"
[ "$(stat -c %a alice.xml)" = 600 ] && ok || bad "key set file mode"

# Every key type, created and opened, key equal at both ends.
for t in gmk pck csk; do
  expect_ok "create $t" "$kb" mikey create --type $t --kms-cert cert.xml --sender-keys gms.xml \
    --to sip:carol@example.org --key 00112233445566778899aabbccddeeff --format json
  field out message > $t.b64
  expect_ok "open $t" "$kb" mikey open --kms-cert cert.xml --keys carol.xml --expect $t $t.b64
  [ "$(field out key)" = 00112233445566778899aabbccddeeff ] && ok || bad "$t key"
  [ "$(field out verified)" = True ] && ok || bad "$t verified"
  [ "$(field out initiator)" = sip:gms@example.org ] && ok || bad "$t initiator"
done
[ "$(field out key_type)" = CSK ] && ok || bad "csk key type"

# decode accepts base64, hex and the SDP form.
expect_ok "decode base64" "$kb" mikey decode gmk.b64
[ "$(field out payloads.0.purpose_tag)" = GMK ] && ok || bad "decode purpose tag"
python3 -c 'import base64,sys; print(base64.b64decode(open(sys.argv[1]).read()).hex())' gmk.b64 > gmk.hex
expect_ok "decode hex" "$kb" mikey decode gmk.hex
echo "a=key-mgmt:mikey $(cat gmk.b64)" > gmk.sdp
expect_ok "decode sdp" "$kb" mikey decode gmk.sdp
expect_ok "decode stdin" bash -c "\"$kb\" mikey decode - < gmk.b64"

# The receiver's checks.
expect_fail "wrong recipient" "wrong recipient" "$kb" mikey open --kms-cert cert.xml --keys bob.xml gmk.b64
expect_fail "wrong key type" "" "$kb" mikey open --kms-cert cert.xml --keys carol.xml --expect pck gmk.b64
expect_fail "from the future" "expired" "$kb" mikey open --kms-cert cert.xml --keys carol.xml \
  --at "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" gmk.b64
expect_ok "recorded message checked with --at" "$kb" mikey open --kms-cert cert.xml --keys carol.xml \
  --at "$(date -u -d '+2 minutes' +%Y-%m-%dT%H:%M:%SZ)" gmk.b64
python3 - gmk.b64 <<'PY'
import base64, sys
raw = bytearray(base64.b64decode(open(sys.argv[1]).read()))
for name, pos in (("sig", len(raw) - 100), ("sakke", len(raw) - 300)):
    t = bytearray(raw); t[pos] ^= 0x04
    open(name + ".b64", "w").write(base64.b64encode(bytes(t)).decode())
open("trunc.b64", "w").write(base64.b64encode(bytes(raw[:400])).decode())
open("huge.b64", "w").write(base64.b64encode(bytes(raw) + bytes(9000)).decode())
PY
expect_fail "tampered signature" "crypto failure" "$kb" mikey open --kms-cert cert.xml --keys carol.xml sig.b64
expect_fail "tampered SAKKE data" "" "$kb" mikey open --kms-cert cert.xml --keys carol.xml sakke.b64
expect_fail "truncated" "offset" "$kb" mikey decode trunc.b64
expect_fail "oversized" "" "$kb" mikey decode huge.b64
echo "not a message!" > junk.txt
expect_fail "garbage input" "base64" "$kb" mikey decode junk.txt
expect_fail "missing file" "cannot read" "$kb" mikey decode /nonexistent
expect_fail "bad key size" "16 octets" "$kb" mikey create --kms-cert cert.xml --sender-keys gms.xml --to sip:bob@example.org --key 0011
# --rand: the copies of one GMK share the RAND (docs/calls.md "Group call media keys").
expect_ok "create with --rand" "$kb" mikey create --kms-cert cert.xml --sender-keys gms.xml --to sip:bob@example.org --rand 00112233445566778899aabbccddeeff --format json
grep -q '"rand": "00112233445566778899aabbccddeeff"' out && ok || bad "--rand not in the message: $(cat out)"
expect_fail "short --rand" "at least 16 octets" "$kb" mikey create --kms-cert cert.xml --sender-keys gms.xml --to sip:bob@example.org --rand 0011
echo '<KmsCertificate xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0"><KmsUri>x' > badcert.xml
expect_fail "bad certificate" "" "$kb" mikey open --kms-cert badcert.xml --keys carol.xml gmk.b64

# Identity hiding and SAKKE-to-self.
expect_ok "create hidden" "$kb" mikey create --type pck --kms-cert cert.xml --sender-keys alice.xml \
  --to sip:bob@example.org --hide-identities --to-self --format json
field out message > hidden.b64
expect_ok "open hidden" "$kb" mikey open --kms-cert cert.xml --keys bob.xml --initiator-uri sip:alice@example.org hidden.b64
expect_ok "open own copy" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --as-initiator hidden.b64
expect_fail "hidden, wrong initiator" "" "$kb" mikey open --kms-cert cert.xml --keys bob.xml --initiator-uri sip:gms@example.org hidden.b64

# No key material on the terminal unless asked: --no-key prints a fingerprint only.
expect_ok "open --no-key" "$kb" mikey open --kms-cert cert.xml --keys carol.xml --no-key gmk.b64
grep -q 00112233445566778899aabbccddeeff out && bad "--no-key printed the key" || ok
grep -q 00112233445566778899aabbccddeeff err && bad "key on stderr" || ok

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
