#!/usr/bin/env bash
# End to end (keybridge extension for the seed pCR of TS 23.283 root key distribution): real
# processes `keybridge serve --role idms|kms|cms` on 127.0.0.1; an administrator PUTs profiles
# over XCAP (RFC 4825); `keybridge iwf distribute-root-keys --all-lmr-aware` puts a root key
# I_MESSAGE into each LMR-aware profile; each user GETs its profile element and `keybridge mikey
# open` opens it; rerun (idempotent), --rotate, and the refusals of the CMS rules.
# Usage: cms_root_keys.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
expect_ok() { local what=$1; shift; if "$@" > "$dir/out" 2> "$dir/err"; then ok; else bad "$what: $(cat "$dir/err" "$dir/out")"; fi; }
# A scalar field of a flat JSON document (no python: it is slow to start on a loaded machine).
field() { grep -o "\"$2\": *[^,}]*" "$1" | head -1 | sed 's/^[^:]*: *//; s/"//g; s/ *$//'; }
wait_for() { for _ in $(seq 300); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

cd "$dir"
read -r p_idms p_kms p_cms p_sip < <(python3 -c '
import socket
t = [socket.socket() for _ in range(3)]; u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for s in t + [u]: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in t + [u]])')
for u in admin alice bob carol iwf; do echo "$u-password-123" > $u.password; chmod 600 $u.password; done
cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  idms:
    listen: 127.0.0.1:$p_idms
    audience: [kms, cms]
    password_cost: 10
    users:
      - {username: admin, password_file: ../admin.password, scopes: [keybridge:admin], service: true}
      - {username: "sip:alice@example.org", password_file: ../alice.password}
      - {username: "sip:bob@example.org", password_file: ../bob.password}
      - {username: "sip:carol@example.org", password_file: ../carol.password}
      - {username: "sip:iwf@example.org", password_file: ../iwf.password, service: true}
  kms:
    listen: 127.0.0.1:$p_kms
    kms_uri: kms.example.org
    key_period: 86400
    idms: {audience: kms, public_key_file: idms/idms-public-key.pem}
  cms:
    listen: 127.0.0.1:$p_cms
    iwf_identities: ["sip:iwf@example.org"]
    administrators: [admin]
    idms: {audience: cms, public_key_file: idms/idms-public-key.pem}
    sip: {listen: "127.0.0.1:$p_sip"}
YAML

"$kb" serve --role idms --config keybridge.yaml > idms.log 2>&1 & pids+=($!)
wait_for idms.log && ok || bad "idms did not start: $(cat idms.log)"
"$kb" serve --role kms --config keybridge.yaml > kms.log 2>&1 & pids+=($!)
"$kb" serve --role cms --config keybridge.yaml > cms.log 2>&1 & pids+=($!)
wait_for kms.log && ok || bad "kms did not start: $(cat kms.log)"
wait_for cms.log && ok || bad "cms did not start: $(cat cms.log)"

token() {
  curl -s --cacert data/idms/tls-cert.pem "https://127.0.0.1:$p_idms/idms/token" \
    -d grant_type=password --data-urlencode "username=$1" --data-urlencode "password=$(cat $2)" |
    sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p'
}
xcap() {  # METHOD TOKEN PATH [BODY-FILE] -> prints the HTTP status, body in $dir/body
  local m=$1 t=$2 p=$3 f=${4:-}
  curl -s -o body -w '%{http_code}' --cacert data/cms/tls-cert.pem -X "$m" \
    -H "Authorization: Bearer $t" ${f:+--data-binary @$f} "https://127.0.0.1:$p_cms/xcap-root/$p"
}
doc() { echo "org.3gpp.mcptt.user-profile/users/sip:$1@example.org/user-profile-1.xml"; }
element='/~~/mcptt-user-profile/lrk:lmr-root-key%5B@lmr-type=%22P25%22%5D?xmlns(lrk=urn:keybridge:ns:lmr-root-key:1.0)'
profile() {  # USER LMR-AWARE
  local kmf=""
  [ "$2" = yes ] && kmf="<LMRKeyManagementURI><uri-entry>sip:kmf@lmr.example.org</uri-entry></LMRKeyManagementURI>"
  cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<mcptt-user-profile xmlns="urn:3gpp:mcptt:user-profile:1.0" XUI-URI="sip:$1@example.org" user-profile-index="1">
  <Common><MCPTTUserID><uri-entry>sip:$1@example.org</uri-entry></MCPTTUserID>$kmf</Common>
</mcptt-user-profile>
XML
}

admin=$(token admin admin.password)
[ -n "$admin" ] && ok || bad "admin token"
for u in alice bob carol; do
  aware=yes; [ $u = carol ] && aware=no
  profile $u $aware > $u-profile.xml
  [ "$(xcap PUT "$admin" "$(doc $u)" $u-profile.xml)" = 201 ] && ok || bad "PUT $u profile: $(cat body)"
done

# The users' keys (to open their root key messages later) and the KMS certificate.
fetch() { "$kb" kms fetch --idms "https://127.0.0.1:$p_idms" --kms "https://127.0.0.1:$p_kms" \
  --ca data/idms/tls-cert.pem --kms-ca data/kms/tls-cert.pem "$@"; }
expect_ok "fetch alice" fetch --user sip:alice@example.org --password-file alice.password --out alice.xml --cert-out cert.xml
expect_ok "fetch bob" fetch --user sip:bob@example.org --password-file bob.password --out bob.xml

distribute() { "$kb" iwf distribute-root-keys --idms "https://127.0.0.1:$p_idms" \
  --ca data/idms/tls-cert.pem --password-file iwf.password --cms "https://127.0.0.1:$p_cms" \
  --cms-ca data/cms/tls-cert.pem --kms "https://127.0.0.1:$p_kms" --kms-ca data/kms/tls-cert.pem \
  --data-dir iwf-data "$@"; }
expect_ok "distribute" distribute --all-lmr-aware
grep -q "2 users: 2 distributed" out && ok || bad "distribute: $(cat out err)"
grep -q "progress 2/2" err && ok || bad "plain progress lines: $(cat err)"
[ "$(stat -c %a iwf-data/root-keys.sealed)" = 600 ] && ok || bad "vault mode"
[ "$(stat -c %a iwf-data/iwf-storage.key)" = 600 ] && ok || bad "storage key mode"

# Each user reads its own element and opens it.
open_for() {  # USER SERIAL -> the root key in USER-key.txt
  local t; t=$(token "sip:$1@example.org" $1.password); : > $1-key.txt
  [ "$(xcap GET "$t" "$(doc $1)$element")" = 200 ] || { bad "GET $1 element: $(cat body)"; return; }
  tr -d '\n' < body | sed -n 's/.*<lrk:i-message>\([^<]*\)<.*/\1/p' > $1-rk.b64
  if "$kb" mikey open --kms-cert cert.xml --keys $1.xml --iwf sip:iwf@example.org $1-rk.b64 > $1-open.json 2> err; then
    [ "$(field $1-open.json rotation_serial)" = "$2" ] && ok || bad "$1: serial $(field $1-open.json rotation_serial), expected $2"
    [ "$(field $1-open.json algid)" = 0x84 ] && ok || bad "$1: algid"
    field $1-open.json root_key > $1-key.txt
  else
    bad "mikey open for $1: $(cat err)"
  fi
}
open_for alice 1; open_for bob 1; alice1=$(cat alice-key.txt); bob1=$(cat bob-key.txt)
[ ${#alice1} = 64 ] && [ "$alice1" != "$bob1" ] && ok || bad "root keys: '$alice1' '$bob1'"
"$kb" mikey open --kms-cert cert.xml --keys bob.xml --iwf sip:iwf@example.org alice-rk.b64 > /dev/null 2>&1 \
  && bad "bob opened alice's root key" || ok
carol=$(token sip:carol@example.org carol.password)
[ "$(xcap GET "$carol" "$(doc carol)$element")" = 404 ] && ok || bad "carol (not LMR-aware) has a root key"

# Idempotent rerun; then a rotation.
expect_ok "rerun" distribute --user sip:alice@example.org --user sip:bob@example.org
grep -q "0 distributed, 2 already current" out && ok || bad "rerun: $(cat out)"
expect_ok "rotate" distribute --all-lmr-aware --rotate
grep -q "2 distributed" out && ok || bad "rotate: $(cat out)"
open_for alice 2; alice2=$(cat alice-key.txt)
[ ${#alice2} = 64 ] && [ "$alice2" != "$alice1" ] && ok || bad "rotation kept the key"

# The rules: alice may not read bob's profile nor write a root key; no token: 401.
alice=$(token sip:alice@example.org alice.password)
[ "$(xcap GET "$alice" "$(doc bob)")" = 403 ] && ok || bad "alice read bob's profile"
xcap GET "$alice" "$(doc alice)$element" > /dev/null; cp body el.xml
[ "$(xcap PUT "$alice" "$(doc alice)$element" el.xml)" = 403 ] && ok || bad "alice wrote a root key"
[ "$(xcap PUT "$admin" "$(doc alice)$element" el.xml)" = 403 ] && ok || bad "admin wrote a root key"
[ "$(xcap GET "" "$(doc alice)")" = 401 ] && ok || bad "no token"
open_for alice 2; [ "$(cat alice-key.txt)" = "$alice2" ] && ok || bad "alice's key changed"

for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do wait "$p"; [ $? -eq 0 ] && ok || bad "exit status after SIGTERM"; done
pids=()
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
