#!/usr/bin/env bash
# keybridge up / keybridge status (docs/operations.md): the idms and kms nodes of one YAML file
# started in order as processes (then as threads with --single-process), reported healthy with
# their counters, a node of an unknown role skipped, SIGTERM stopping all in reverse order; and,
# when KB_TEST_POSTGRES_URL is set, the same nodes keeping their databases in PostgreSQL, and then
# every role (idms, mc-server, cms, gms, kmf, iwf) under one top-level `storage: postgresql`.
# Usage: up_status.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
up_pid=
cleanup() {
  [ -n "$up_pid" ] && kill "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
# jstr FILE KEY: a top-level value of a status.json (written with 2-space indents).
jstr() { sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$1"; }
port_of() { grep -o 'https://127.0.0.1:[0-9]*' "$1" | head -1 | sed 's/.*://'; }
cd "$dir"
echo "alice-password-1" > alice.password

write_config() {  # write_config FILE [KMS_EXTRA_YAML] [IDMS_EXTRA_YAML]
  cat > "$1" <<YAML
data_dir: data-$1
nodes:
  kms:                      # listed first: up still starts idms before it
    role: kms
    ${2:-}
    listen: 127.0.0.1:0     # an ephemeral port: status.json tells which
    kms_uri: kms.example.org
    idms: {issuer: "https://idms.example.org", audience: kms, public_key_file: idms/idms-public-key.pem}
  future:
    role: no-such-role
  idms:
    ${3:-}
    listen: 127.0.0.1:0
    password_cost: 10
    users:
      - {username: "sip:alice@example.org", password_file: ../alice.password}
YAML
}

# wait_healthy CONFIG: until `keybridge status` exits 0 (or 60 s pass).
wait_healthy() {
  for _ in $(seq 300); do
    "$kb" status --config "$1" > status.out 2>&1 && return 0
    [ -n "$up_pid" ] && ! kill -0 "$up_pid" 2>/dev/null && return 1
    sleep 0.2
  done
  return 1
}

run_case() {  # run_case NAME CONFIG [up flags...]
  local name=$1 cfg=$2; shift 2
  "$kb" up --config "$cfg" "$@" > "up-$name.log" 2>&1 & up_pid=$!
  if ! wait_healthy "$cfg"; then
    bad "$name: not healthy: $(cat status.out) $(cat up-$name.log)"
    return 1
  fi
  ok
  grep -Eq '^idms +idms +[0-9]+ +https://127.0.0.1:[0-9]+ +healthy' status.out && ok || bad "$name: idms row: $(cat status.out)"
  grep -Eq '^kms +kms +[0-9]+ +https://127.0.0.1:[0-9]+ +healthy .*requests=' status.out && ok || bad "$name: kms row: $(cat status.out)"
  grep -Eq '^future +no-such-role .*skipped' status.out && ok || bad "$name: unknown role row: $(cat status.out)"
  grep -q "skipping node future: role 'no-such-role'" "up-$name.log" && ok || bad "$name: no skip message"
  # idms was started (and healthy) before kms although kms comes first in the file.
  [ "$(grep -n 'is healthy' "up-$name.log" | head -1 | grep -c idms)" = 1 ] && ok || bad "$name: start order: $(cat up-$name.log)"
  local st=data-$cfg/idms/status.json
  [ "$(jstr "$st" role)" = idms ] && ok || bad "$name: status.json role: $(cat "$st")"
  grep -q '^    "accounts": 1,' "$st" && ok || bad "$name: accounts counter: $(cat "$st")"
  # The KMS serves: a fetch goes through both nodes and shows up in the counters.
  local p_idms p_kms
  p_idms=$(port_of "$st")
  p_kms=$(port_of "data-$cfg/kms/status.json")
  if "$kb" kms fetch --idms "https://127.0.0.1:$p_idms" --kms "https://127.0.0.1:$p_kms" \
      --ca "data-$cfg/idms/tls-cert.pem" --kms-ca "data-$cfg/kms/tls-cert.pem" \
      --user sip:alice@example.org --password-file alice.password --out alice.xml > fetch.out 2>&1; then ok
  else bad "$name: fetch: $(cat fetch.out)"; fi
  sleep 1.2
  "$kb" status --config "$cfg" --json > status.json 2>&1
  grep -Eq '^ +"responses_2xx": [1-9]' "data-$cfg/kms/status.json" && ok || bad "$name: kms counters: $(cat "data-$cfg/kms/status.json")"
  grep -q '"healthy": true' status.json && ok || bad "$name: status --json: $(cat status.json)"
  local pids
  pids="$(jstr "$st" pid) $(jstr "data-$cfg/kms/status.json" pid)"
  kill -TERM "$up_pid"
  wait "$up_pid"; local rc=$?
  up_pid=
  [ "$rc" = 0 ] && ok || bad "$name: up exit $rc: $(cat up-$name.log)"
  for p in $pids; do kill -0 "$p" 2>/dev/null && bad "$name: process $p still runs" || ok; done
  # Stopped in reverse order: kms before idms.
  [ "$(grep -o 'stopped [a-z]*' "up-$name.log" | tr '\n' ' ')" = "stopped kms stopped idms " ] && ok || bad "$name: stop order: $(cat up-$name.log)"
  "$kb" status --config "$cfg" > status.out 2>&1 && bad "$name: status after stop exits 0" || ok
  grep -Eq '^idms .*down' status.out && ok || bad "$name: idms not down: $(cat status.out)"
}

write_config a.yaml
run_case processes a.yaml
# The nodes are separate processes: two distinct pids, neither being up's.
write_config b.yaml
run_case threads b.yaml --single-process

# A node that cannot start (its port is taken) fails `up`, which stops the ones already started.
write_config c.yaml "" "tls_names: 5          # the wrong type: idms fails to start"
"$kb" up --config c.yaml --start-timeout 20 > up-c.log 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "broken node: up exit $rc: $(cat up-c.log)"
grep -q "node idms did not become healthy" up-c.log && ok || bad "broken node: $(cat up-c.log)"
grep -q "starting kms" up-c.log && bad "kms started after idms failed" || ok

if [ -n "${KB_TEST_POSTGRES_URL:-}" ]; then
  schema_tag="up_$$"
  # Each node's tables go to a schema of its own (named per run to keep runs apart).
  write_config pg.yaml \
    "storage: {backend: postgresql, url: '$KB_TEST_POSTGRES_URL', schema: ${schema_tag}_kms}" \
    "storage: {backend: postgresql, url: '$KB_TEST_POSTGRES_URL', schema: ${schema_tag}_idms}"
  run_case postgresql pg.yaml
  [ ! -e data-pg.yaml/idms/idms.sqlite ] && ok || bad "postgresql: idms made an SQLite file"
  n=$(psql "$KB_TEST_POSTGRES_URL" -Atc "SELECT count(*) FROM ${schema_tag}_idms.account" 2>&1)
  [ "$n" = 1 ] && ok || bad "postgresql: idms accounts in PostgreSQL: $n"
  n=$(psql "$KB_TEST_POSTGRES_URL" -Atc "SELECT count(*) FROM ${schema_tag}_kms.issue" 2>&1)
  [ "$n" -ge 1 ] 2>/dev/null && ok || bad "postgresql: kms issue log in PostgreSQL: $n"
  psql "$KB_TEST_POSTGRES_URL" -qc "DROP SCHEMA ${schema_tag}_idms CASCADE; DROP SCHEMA ${schema_tag}_kms CASCADE" >/dev/null 2>&1

  # Every role on PostgreSQL through the top-level storage: section (docs/storage.md): a database
  # of its own for this run, the default schema per node. The mc-server, iwf, cms and gms
  # tables must land there (no SQLite file); kmf and gms report their counters.
  db="up_all_$$"
  pg_all_url=$(printf '%s' "$KB_TEST_POSTGRES_URL" | sed "s#/keybridge_test?#/$db?#")
  psql "$KB_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null 2>&1
  "$kb" kms init --kms-uri kms.example.org --out kmsoffline > kms-cert.xml 2>kms-init.err ||
    bad "kms init: $(cat kms-init.err)"
  for u in gms alice bob; do
    "$kb" kms provision --state kmsoffline --user "sip:$u@example.org" --out "$u-keys.xml" \
      >/dev/null 2>&1 || bad "kms provision $u"
  done
  echo "iwf-password-1" > iwf.password
  rnd=$((20000 + RANDOM % 30000))
  p_mc=$rnd; p_cms_sip=$((rnd + 1)); p_gms=$((rnd + 2)); p_iwf=$((rnd + 3)); p_dli=$((rnd + 4))
  p_kmf=$((rnd + 5))
  cat > all.yaml <<YAML
data_dir: data-all
storage: {backend: postgresql, url: '$pg_all_url'}
nodes:
  idms:
    listen: 127.0.0.1:0
    password_cost: 10
    users:
      - {username: "sip:alice@example.org", password_file: ../alice.password}
  mc-server:
    listen: 127.0.0.1:$p_mc
    users:
      - {uri: sip:alice@example.org, password_file: ../alice.password}
    lmr_security_entities:
      - {uri: sip:iwf@example.org, kind: iwf, password_file: ../iwf.password}
  cms:
    listen: 127.0.0.1:0
    sip: {listen: 127.0.0.1:$p_cms_sip}
    idms: {issuer: "https://idms.example.org", audience: cms, public_key_file: idms/idms-public-key.pem}
  gms:
    uri: sip:gms@example.org
    kms_cert: ../kms-cert.xml
    keys: ../gms-keys.xml
    listen: 127.0.0.1:$p_gms
    mc_server: 127.0.0.1:$p_mc
    groups:
      - {id: sip:fire@example.org, members: [sip:alice@example.org, sip:bob@example.org]}
  kmf:
    dli_listen: 127.0.0.1:$p_kmf
    iwf: 127.0.0.1:$p_dli
  iwf:
    password_file: ../iwf.password
    sip_listen: 127.0.0.1:$p_iwf
    mc_server: 127.0.0.1:$p_mc
    dli_listen: 127.0.0.1:$p_dli
    kmf: 127.0.0.1:$p_kmf
    rsi_map:
      - {rsi: 1001, mc_service_id: "sip:alice@example.org", lmr_type: P25}
YAML
  "$kb" up --config all.yaml > up-all.log 2>&1 & up_pid=$!
  if wait_healthy all.yaml; then ok; else bad "all roles on postgresql: not healthy: $(cat status.out) $(tail -20 up-all.log)"; fi
  sleep 1.2
  "$kb" status --config all.yaml > status.out 2>&1
  grep -Eq '^kmf +kmf .*healthy .*campaigns_active=0 .*kmms_sent=' status.out && ok || bad "kmf status row: $(cat status.out)"
  grep -Eq '^gms +gms .*healthy .*deliveries=2 .*groups=1' status.out && ok || bad "gms status row: $(cat status.out)"
  grep -Eq '^cms +cms .*healthy .*subscriptions=0' status.out && ok || bad "cms status row: $(cat status.out)"
  tables=$(psql "$pg_all_url" -Atc "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema <> 'information_schema' AND table_schema NOT LIKE 'pg_%' ORDER BY 1" 2>&1 | tr '\n' ' ')
  for t in idms.account mc_server.mc_messages mc_server.mc_registration iwf.iwf_outbox \
           cms.cms_document cms.cms_subscription gms.gms_group gms.gms_delivery kmf.org kmf.tek; do
    case " $tables " in *" $t "*) ok ;; *) bad "postgresql: table $t missing: $tables" ;; esac
  done
  n=$(psql "$pg_all_url" -Atc "SELECT count(*) FROM gms.gms_delivery" 2>&1)
  [ "$n" = 2 ] && ok || bad "postgresql: gms deliveries: $n"
  # The IWF registered with the MC service server: its binding is in PostgreSQL.
  n=$(psql "$pg_all_url" -Atc "SELECT count(*) FROM mc_server.mc_registration WHERE aor = 'sip:iwf@example.org'" 2>&1)
  [ "$n" = 1 ] && ok || bad "postgresql: iwf registration: $n"
  sqlite_files=$(find data-all -name '*.sqlite' -o -name '*.db' | tr '\n' ' ')
  [ -z "$sqlite_files" ] && ok || bad "postgresql: SQLite files made: $sqlite_files"
  kill -TERM "$up_pid"; wait "$up_pid"; up_pid=
  psql "$KB_TEST_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null 2>&1
else
  echo "note: KB_TEST_POSTGRES_URL is not set: the PostgreSQL case is skipped (make test sets it)"
fi

echo "up_status: $passes passed, $fails failed"
[ "$fails" = 0 ]
