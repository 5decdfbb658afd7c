#!/usr/bin/env bash
# End-to-end test of `keybridge gms ...` (TS 33.180 5.7 / 7.3): a GMS store, GMK distribution to
# members and the IWF, members opening their copy with `keybridge mikey open`, rekey on
# membership change, temporary groups. Usage: gms_cli.sh KEYBRIDGE VECTORS_DIR
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
expect_ok "kms init" "$kb" kms init --kms-uri kms.example.org --out kms
cp out cert.xml
for u in gms alice bob carol iwf; do
  expect_ok "provision $u" "$kb" kms provision --state kms --user "sip:$u@example.org" --out "$u.xml"
done
id=(--kms-cert cert.xml --keys gms.xml --iwf sip:iwf@example.org --out keys)

expect_ok "create-group" "$kb" gms create-group "${id[@]}" --group sip:fire@example.org \
  --member sip:alice@example.org --member sip:bob@example.org --iwf-terminates
cp out created.json
[ "$(field created.json interworking)" = True ] && ok || bad "iwf-terminates implies interworking"
[ "$(python3 -c 'import json;print(len(json.load(open("created.json"))["deliveries"]))')" = 3 ] && ok || bad "three recipients"
gmk_id=$(field created.json gmk_id)
for u in alice bob iwf; do
  expect_ok "open $u" "$kb" mikey open --kms-cert cert.xml --keys $u.xml --expect gmk "keys/fire@example.org/$u@example.org.mikey"
  cp out $u.json
  [ "$(field $u.json key_id)" = "$gmk_id" ] && ok || bad "$u GMK-ID $(field $u.json key_id) != $gmk_id"
  grep -q 'sip:fire@example.org' $u.json && ok || bad "$u key parameters group ID"
  grep -qi 'security.gateway' $u.json && ok || bad "$u status bit"
done
[ "$(field alice.json key)" = "$(field iwf.json key)" ] && ok || bad "alice and the IWF share the GMK"
expect_fail "bob cannot open alice's copy" "wrong recipient" "$kb" mikey open --kms-cert cert.xml --keys bob.xml "keys/fire@example.org/alice@example.org.mikey"

expect_ok "add-member" "$kb" gms add-member "${id[@]}" --group sip:fire@example.org --member sip:carol@example.org
[ "$(field out gmk_id)" != "$gmk_id" ] && ok || bad "rekey on add"
expect_ok "carol opens" "$kb" mikey open --kms-cert cert.xml --keys carol.xml --expect gmk "keys/fire@example.org/carol@example.org.mikey"
expect_ok "remove-member" "$kb" gms remove-member "${id[@]}" --group sip:fire@example.org --member sip:bob@example.org
expect_ok "show" "$kb" gms show --group sip:fire@example.org
grep -q 'sip:bob@example.org' out && bad "bob still a recipient" || ok
expect_fail "remove twice" "not a member" "$kb" gms remove-member "${id[@]}" --group sip:fire@example.org --member sip:bob@example.org

expect_ok "second group" "$kb" gms create-group "${id[@]}" --group sip:police@example.org --member sip:bob@example.org
expect_ok "form-temporary" "$kb" gms form-temporary "${id[@]}" --group sip:tg1@example.org \
  --from-group sip:fire@example.org --from-group sip:police@example.org
[ "$(field out temporary)" = True ] && ok || bad "temporary"
expect_ok "bob opens the temporary GMK" "$kb" mikey open --kms-cert cert.xml --keys bob.xml --expect gmk "keys/tg1@example.org/bob@example.org.mikey"
expect_fail "dissolve a permanent group" "not a temporary group" "$kb" gms dissolve --group sip:police@example.org
expect_ok "dissolve" "$kb" gms dissolve --group sip:tg1@example.org
expect_fail "show dissolved" "no group" "$kb" gms show --group sip:tg1@example.org
expect_fail "unknown group" "no group" "$kb" gms add-member "${id[@]}" --group sip:none@example.org --member sip:bob@example.org

echo "gms_cli: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
