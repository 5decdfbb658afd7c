#!/usr/bin/env bash
# keybridge client (docs/client.md, docs/key-fill-file.md) without a network: a client node's
# sealed key store, `client import-root-key` from a key-fill file (and its refusals: bad
# checksum, another RSI, another node's store), `client keys` (fingerprints, never key values),
# and `client hello` refused clearly when the node is not running.
# Usage: client_cli.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
dir=$(mktemp -d)
cleanup() { rm -rf "$dir"; }
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
jq_() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# keyfill FILE RSI KID KEYHEX: writes a key-fill file with its checksum.
keyfill() {
  printf 'keybridge-key-fill 1\nrsi: %s\nalgid: 0x84\nkid: %s\nname: UKEK-%s\nkey: %s\n' "$2" "$3" "$3" "$4" > "$1"
  echo "check: $(sha256sum "$1" | cut -c1-8)" >> "$1"
}

cd "$dir"
echo "alice-password-1" > alice.password; chmod 600 alice.password
cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  alice:
    user: sip:alice@example.org
    password_file: ../alice.password
    rsi: 0x643BA8
    mc_server: 127.0.0.1:9
  bob:
    user: sip:bob@example.org
    password_file: ../alice.password
    rsi: 0x000B0B
YAML
key=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
keyfill alice.fill 0x643BA8 0x1234 $key
expected_fp=$(python3 -c "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest()[:16])" $key)

expect_ok "keys (empty store)" "$kb" client keys --config keybridge.yaml --node alice
[ "$(jq_ out 'd["key_count"]')" = 0 ] && ok || bad "empty store expected: $(cat out)"
[ "$(stat -c %a data/alice/su-state.sealed)" = 600 ] && ok || bad "state file mode"
[ "$(stat -c %a data/alice/client-storage.key)" = 600 ] && ok || bad "storage key mode"

expect_ok "import" "$kb" client import-root-key --config keybridge.yaml --node alice alice.fill
expect_ok "keys" "$kb" client keys --config keybridge.yaml --node alice
[ "$(jq_ out 'd["root_key"]["kid"]')" = 0x1234 ] && ok || bad "root key KID: $(cat out)"
[ "$(jq_ out 'd["root_key"]["source"]')" = key-fill ] && ok || bad "root key source"
[ "$(jq_ out 'd["root_key"]["fingerprint"]')" = "$expected_fp" ] && ok || bad "fingerprint: $(cat out)"
[ "$(jq_ out '[k for s in d["keysets"] if s["id"]==255 for k in s["keys"]][0]["kid"]')" = 0x1234 ] && ok || bad "KEK keyset"
grep -qi "$key" out && bad "the key value appears in the report" || ok
grep -qi "${key:0:16}" data/alice/su-state.sealed && bad "the key is in clear on disk" || ok

# Refusals: bad checksum, another RSI, a truncated file; the store is unchanged after each.
cp data/alice/su-state.sealed before.sealed
sed 's/^key: 10/key: 11/' alice.fill > typo.fill
expect_fail "typo" "checksum" "$kb" client import-root-key --config keybridge.yaml --node alice typo.fill
keyfill bob.fill 0x000B0B 0x0001 $key
expect_fail "another RSI" "wrong recipient" "$kb" client import-root-key --config keybridge.yaml --node alice bob.fill
head -n 3 alice.fill > short.fill
expect_fail "truncated" "missing" "$kb" client import-root-key --config keybridge.yaml --node alice short.fill
cmp -s before.sealed data/alice/su-state.sealed && ok || bad "a refused import changed the store"

# Another node's sealed store does not open as alice's (bound to the MC service ID).
expect_ok "bob import" "$kb" client import-root-key --config keybridge.yaml --node bob bob.fill
cp data/alice/client-storage.key alice.key
cp data/bob/su-state.sealed data/alice/su-state.sealed
cp data/bob/client-storage.key data/alice/client-storage.key
expect_fail "bob's store as alice's" "integrity\|authentic\|crypto" "$kb" client keys --config keybridge.yaml --node alice
cp before.sealed data/alice/su-state.sealed
cp alice.key data/alice/client-storage.key
expect_ok "alice again" "$kb" client keys --config keybridge.yaml --node alice

# Own requests need the running node.
expect_fail "hello offline" "not running" "$kb" client hello --config keybridge.yaml --node bob
expect_fail "unknown node" "no section" "$kb" client keys --config keybridge.yaml --node carol

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
