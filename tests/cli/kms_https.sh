#!/usr/bin/env bash
# End-to-end test of the HTTPS services (TS 33.180 Annex B token, Annex D KMS): real processes
# `keybridge serve --role idms` and `--role kms` on 127.0.0.1, `keybridge kms fetch` for a user
# and a service identity, then a MIKEY-SAKKE message made and opened with the fetched keys.
# Usage: kms_https.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
expect_ok() { local what=$1; shift; if "$@" > "$dir/out" 2> "$dir/err"; then ok; else bad "$what: $(cat "$dir/err")"; fi; }
expect_fail() {
  local what=$1 pattern=$2; shift 2
  if "$@" > "$dir/out" 2> "$dir/err"; then bad "$what: succeeded"; return; fi
  grep -q -- "$pattern" "$dir/err" && ok || bad "$what: error '$(cat "$dir/err")' lacks '$pattern'"
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_for LOG: until the server logs that it listens (or 20 s pass).
wait_for() { for _ in $(seq 200); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

cd "$dir"
p_idms=$(free_port); p_kms=$(free_port)
echo "alice-password-1" > alice.password
echo "gms-password-123" > gms.password
chmod 600 alice.password gms.password
cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  idms:
    listen: 127.0.0.1:$p_idms
    issuer: https://idms.example.org
    audience: [kms]
    password_cost: 10
    users:
      - {username: "sip:alice@example.org", password_file: ../alice.password}
      - {username: "sip:gms@example.org", password_file: ../gms.password, service: true}
  kms:
    listen: 127.0.0.1:$p_kms
    kms_uri: kms.example.org
    key_period: 86400
    idms: {issuer: "https://idms.example.org", audience: kms, public_key_file: idms/idms-public-key.pem}
YAML

"$kb" serve --role idms --config keybridge.yaml > idms.log 2>&1 & pids+=($!)
wait_for idms.log && ok || bad "idms did not start: $(cat idms.log)"
"$kb" serve --role kms --config keybridge.yaml > kms.log 2>&1 & pids+=($!)
wait_for kms.log && ok || bad "kms did not start: $(cat kms.log)"
[ "$(stat -c %a data/idms/idms-signing-key.pem)" = 600 ] && ok || bad "signing key mode"
[ "$(stat -c %a data/kms/community/kms-secrets.sealed)" = 600 ] && ok || bad "sealed secrets mode"
[ "$(stat -c %a data/kms/tls-key.pem)" = 600 ] && ok || bad "TLS key mode"

fetch() { "$kb" kms fetch --idms "https://127.0.0.1:$p_idms" --kms "https://127.0.0.1:$p_kms" \
  --ca data/idms/tls-cert.pem --kms-ca data/kms/tls-cert.pem "$@"; }
expect_ok "fetch alice" fetch --user sip:alice@example.org --password-file alice.password --out alice.xml --cert-out cert.xml
grep -q "2 key set" err && ok || bad "alice: two key sets expected: $(cat err)"
[ "$(stat -c %a alice.xml)" = 600 ] && ok || bad "key file mode"
[ "$(grep -c '<KmsKeySet' alice.xml)" = 2 ] && ok || bad "two KmsKeySet elements"
expect_ok "fetch gms" fetch --user sip:gms@example.org --password-file gms.password --out gms.xml
expect_fail "wrong password" "invalid_grant" fetch --user sip:alice@example.org --password-file gms.password --out x.xml
expect_fail "untrusted KMS" "TLS handshake" "$kb" kms fetch --idms "https://127.0.0.1:$p_idms" \
  --kms "https://127.0.0.1:$p_kms" --ca data/idms/tls-cert.pem --user sip:alice@example.org \
  --password-file alice.password --out x.xml

# The whole path: GMS -> alice, a GMK under MIKEY-SAKKE with the fetched keys.
expect_ok "mikey create" "$kb" mikey create --type gmk --kms-cert cert.xml --sender-keys gms.xml \
  --to sip:alice@example.org --key 00112233445566778899aabbccddeeff --format json
field out message > gmk.b64
expect_ok "mikey open" "$kb" mikey open --kms-cert cert.xml --keys alice.xml --expect gmk gmk.b64
[ "$(field out key)" = 00112233445566778899aabbccddeeff ] && ok || bad "GMK differs"
[ "$(field out initiator)" = sip:gms@example.org ] && ok || bad "initiator"
expect_fail "gms cannot open alice's message" "" "$kb" mikey open --kms-cert cert.xml --keys gms.xml gmk.b64

# Clean stop on SIGTERM, and a restart keeps the community (same certificate).
for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do wait "$p"; [ $? -eq 0 ] && ok || bad "exit status after SIGTERM"; done
pids=()
"$kb" serve --role idms --config keybridge.yaml > idms2.log 2>&1 & pids+=($!)
"$kb" serve --role kms --config keybridge.yaml > kms2.log 2>&1 & pids+=($!)
wait_for idms2.log && wait_for kms2.log && ok || bad "restart: $(cat idms2.log kms2.log)"
expect_ok "fetch after restart" fetch --user sip:alice@example.org --password-file alice.password --out alice2.xml --cert-out cert2.xml
cmp -s cert.xml cert2.xml && ok || bad "certificate changed across a restart"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
