#!/usr/bin/env bash
# End-to-end test of `keybridge kmm decode` on the TIA-102.AACA examples of the shared vectors:
# decode, MAC check with the right and the wrong key, decryption of the encrypted KMM, bad input.
# Usage: kmm_cli.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
vectors=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
check() { if eval "$2"; then passes=$((passes+1)); else echo "FAIL: $1"; fails=$((fails+1)); fi; }
v() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]+"/p25-kmm.json"))
for x in d["vectors"]:
  if x["name"]==sys.argv[2]:
    print({**x.get("inputs",{}),**x.get("outputs",{})}[sys.argv[3]])' "$vectors" "$1" "$2"; }
j() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[int(k)] if isinstance(d,list) else d[k]
print(d)' "$dir/out" "$1"; }

kmm=$(v rekey-command-cbc-mac kmm)
"$kb" kmm decode "$kmm" > "$dir/out" 2> "$dir/err"
check "decode exit" '[ $? -eq 0 ]'
check "message name" '[ "$(j message_name)" = "Rekey-Command" ]'
check "destination" '[ "$(j header.destination_rsi)" = 0x643ba8 ]'
check "kid" '[ "$(j body.keysets.0.keys.0.kid)" = 0x4983 ]'
check "mac kid" '[ "$(j mac.kid)" = 0x2f62 ]'
check "no key value printed" '! grep -q "$(v rekey-command-cbc-mac wrapped_key)" "$dir/out"'

mac_key=$(v cbc-mac mac_key)
"$kb" kmm decode --mac-key "$mac_key" "$kmm" > "$dir/out" 2> "$dir/err"
check "cbc-mac valid" '[ "$(j mac_valid)" = True ]'
"$kb" kmm decode --mac-key "$(v cmac mac_key)" "$(v rekey-command-cmac kmm)" > "$dir/out" 2> "$dir/err"
check "cmac valid" '[ "$(j mac_valid)" = True ]'
wrong=$(echo "$mac_key" | sed 's/^./f/')
"$kb" kmm decode --mac-key "$wrong" "$kmm" > "$dir/out" 2> "$dir/err"
check "wrong mac key fails" '[ $? -ne 0 ] && [ "$(j mac_valid)" = False ]'

echo "$kmm" > "$dir/kmm.hex"
"$kb" kmm decode "$dir/kmm.hex" > "$dir/out" 2> "$dir/err"
check "from a file" '[ "$(j message_name)" = "Rekey-Command" ]'
"$kb" kmm decode - < "$dir/kmm.hex" > "$dir/out" 2> "$dir/err"
check "from stdin" '[ "$(j message_name)" = "Rekey-Command" ]'

"$kb" kmm decode --key "$(v encrypted-kmm-aes-ofb key)" --mi "$(v encrypted-kmm-aes-ofb mi)" \
  "$(v encrypted-kmm-aes-ofb ciphertext)" > "$dir/out" 2> "$dir/err"
check "decrypted" '[ "$(j decrypted)" = True ] && [ -n "$(j message_name)" ]'

"$kb" kmm decode "${kmm:0:40}" > "$dir/out" 2> "$dir/err"
check "truncated: one-line error with offset" '[ $? -ne 0 ] && [ "$(wc -l < "$dir/err")" -eq 1 ] && grep -q offset "$dir/err"'
"$kb" kmm decode "zz" > "$dir/out" 2> "$dir/err"
check "not hex" '[ $? -ne 0 ] && grep -q "hex" "$dir/err"'

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
