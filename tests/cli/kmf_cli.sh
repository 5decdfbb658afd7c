#!/usr/bin/env bash
# keybridge kmf ...: administer a KMF state directory; never print key values.
# Usage: kmf_cli.sh KEYBRIDGE VECTORS_DIR
set -euo pipefail
kb="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
state="$dir/kmf"
ukek=2a1938cd0b6b6bd0b7745692fe1914f03876612fc29d577789a62f65fa05ef83
tek=494002bf163132a421fbef117f985a0caaddc250a4c21947d593e6c067de402c
fail() { echo "FAIL: $*" >&2; exit 1; }

"$kb" kmf init --state "$state" > "$dir/out"
[ "$(stat -c %a "$state/storage.key")" = 600 ] || fail "storage key mode"
"$kb" kmf init --state "$state" 2>/dev/null && fail "init twice"
"$kb" kmf add-org --state "$state" --org police --name "Police" >> "$dir/out"
"$kb" kmf add-org --state "$state" --org fire >> "$dir/out"
"$kb" kmf add-unit --state "$state" --org police --rsi 1001 --ukek "$ukek" --ukek-kid 0x50BC >> "$dir/out"
"$kb" kmf add-unit --state "$state" --org police --rsi 1002 --generate --ukek-out "$dir/1002.ukek" >> "$dir/out"
[ "$(stat -c %a "$dir/1002.ukek")" = 600 ] || fail "generated UKEK file mode"
[ "$(tr -d '\n' < "$dir/1002.ukek" | wc -c)" = 64 ] || fail "generated UKEK length"
"$kb" kmf add-unit --state "$state" --org fire --rsi 2001 --generate --ukek-out "$dir/2001.ukek" >> "$dir/out"
"$kb" kmf add-unit --state "$state" --org police --rsi 2001 --ukek "$ukek" 2>/dev/null && fail "RSI takeover"
"$kb" kmf add-key --state "$state" --org police --keyset 1 --sln 1 --kid 0x4983 --key "$tek" >> "$dir/out"
"$kb" kmf add-key --state "$state" --org police --keyset 2 --sln 1 --kid 0x4984 --generate >> "$dir/out"
"$kb" kmf add-group --state "$state" --org police --name tac --member 1001 --member 1002 --sln 1 >> "$dir/out"
"$kb" kmf add-group --state "$state" --org police --name mixed --member 2001 --sln 1 2>/dev/null && fail "foreign member"
"$kb" kmf rekey --state "$state" --org police --group tac >> "$dir/out"
grep -q "campaign 1: rekey group tac, 2 units queued" "$dir/out" || fail "rekey output"
"$kb" kmf rekey --state "$state" --org police --unit 2001 2>/dev/null && fail "foreign rekey"
"$kb" kmf status --state "$state" --org police --campaign 1 >> "$dir/out"
grep -q "unit 1002: queued" "$dir/out" || fail "status output"
"$kb" kmf status --state "$state" --org fire --campaign 1 2>/dev/null && fail "foreign status"
"$kb" kmf status --state "$state" --org police >> "$dir/out"
# kmf expected: the TEKs each unit should hold, by fingerprint (first 8 octets of SHA-256).
fp() { printf '%s' "$1" | xxd -r -p | sha256sum | cut -c1-16; }
"$kb" kmf expected --state "$state" --org police --json > "$dir/expected.json"
python3 - "$dir/expected.json" "$(fp "$tek")" "$(fp "$ukek")" <<'PY' || fail "expected --json"
import json, sys
units = json.load(open(sys.argv[1]))
assert [u["rsi"] for u in units] == [1001, 1002], units
u = units[0]
assert u["org"] == "police" and u["state"] == "active", u
assert u["root_key"] == {"kid": "0x50BC", "algid": "0x84", "fingerprint": sys.argv[3]}, u
keys = {(k["keyset"], k["sln"], k["kid"], k["algid"]): k["fingerprint"] for k in u["keys"]}
assert set(keys) == {(1, 1, "0x4983", "0x84"), (2, 1, "0x4984", "0x84")}, keys
assert keys[(1, 1, "0x4983", "0x84")] == sys.argv[2], keys
PY
"$kb" kmf expected --state "$state" --json | python3 -c '
import json, sys
assert sorted(u["org"] + str(u["rsi"]) for u in json.load(sys.stdin)) == ["fire2001", "police1001", "police1002"]
' || fail "expected for every organisation"
"$kb" kmf expected --state "$state" --org police > "$dir/expected.txt"
grep -q "police.*1001  active.*0x50BC $(fp "$ukek")" "$dir/expected.txt" || fail "expected table"
grep -q "1/1 0x4983 0x84 $(fp "$tek")" "$dir/expected.txt" || fail "expected table key"
cat "$dir/expected.json" "$dir/expected.txt" >> "$dir/out"
# kmf export-root-keys: the UKEKs of the units the IWF's rsi_map names, in the key file format
# of `iwf distribute-root-keys --key-file`, through --config (the kmf node's state directory).
cat > "$dir/kb.yaml" <<YAML
data_dir: data
nodes:
  kmf: {role: kmf, state: $state}
  iwf:
    role: iwf
    rsi_map:
      - {rsi: 1001, mc_service_id: "sip:alice@example.org", lmr_type: P25}
      - {rsi: 2001, mc_service_id: "sip:carol@example.org"}
YAML
"$kb" kmf export-root-keys --config "$dir/kb.yaml" --org police --iwf-node iwf --serial 3 \
  --out "$dir/root-keys.txt" > "$dir/export.out" 2> "$dir/export.err" || fail "export-root-keys"
[ "$(stat -c %a "$dir/root-keys.txt")" = 600 ] || fail "key file mode"
grep -q "1 root keys of police exported" "$dir/export.out" || fail "export output"
grep -q "skipped RSI 1002: not in the IWF's rsi_map" "$dir/export.err" || fail "export skipped"
[ "$(grep -vc '^#' "$dir/root-keys.txt")" = 1 ] || fail "key file lines"
grep -qx "sip:alice@example.org p25 0x84 0x50BC 3 $ukek police-1001-UKEK" "$dir/root-keys.txt" \
  || fail "key file line"
grep -q carol "$dir/root-keys.txt" && fail "another organisation's unit exported"
"$kb" kmf export-root-keys --config "$dir/kb.yaml" --org police --iwf-node nope --out "$dir/x" \
  2>/dev/null && fail "export with an unknown IWF node"
cat "$dir/export.out" "$dir/export.err" >> "$dir/out"
# No key value ever reaches the output, the database or its journal.
gen=$(tr -d '\n' < "$dir/1002.ukek")
for secret in "$ukek" "$tek" "$gen"; do
  grep -qi "$secret" "$dir/out" && fail "key printed"
  for f in "$state"/kmf.db*; do
    od -An -v -tx1 "$f" | tr -d " \n" | grep -qi "$secret" && fail "key in the clear in $f"
  done
done
echo "kmf cli: ok"
