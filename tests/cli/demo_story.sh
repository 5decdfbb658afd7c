#!/usr/bin/env bash
# The story of `keybridge demo` (scripts/demo-story, docs/stories/) in its short form, every node
# a real process on loopback; asserts the end state: the table of `keybridge demo check` and, independently, each node's key report: which TEK KIDs it
# holds, the same fingerprint at every member of a group, the root key installed at every client.
# Every step's messages must be in the capture's ladder. When KB_TEST_POSTGRES_URL is set, the
# story runs a second time with the databases of idms, kms, cms, mc-server, iwf and kmf in
# PostgreSQL.
# Usage: demo_story.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
story=$(dirname "$(realpath "$0")")/../../scripts/demo-story
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

run_story() {  # run_story NAME [ENV...]
  local name=$1; shift
  local d=$dir/$name
  if env DEMO_DIR="$d" DEMO_SHORT=1 DEMO_QUIET=1 "$@" bash "$story" "$kb" > "$dir/$name.out" 2>&1; then ok
  else bad "$name: the story failed: $(tail -25 "$dir/$name.out")"; return; fi
  grep -Eq "every client and radio holds exactly the keys the KMF expects" "$dir/$name.out" && ok ||
    bad "$name: table: $(grep -A12 'End state' "$dir/$name.out")"
  "$kb" demo check --config "$d/demo.yaml" > "$dir/check.out" 2>&1 && ok || bad "$name: demo check: $(cat "$dir/check.out")"
  [ "$(grep -Ec ' yes$' "$dir/check.out")" = 6 ] && ok || bad "$name: rows: $(cat "$dir/check.out")"
  # Each node's key report, independently of the KMF's view.
  python3 - "$kb" "$d/demo.yaml" zeroize > "$dir/$name.keys" 2>&1 <<'PY'
import json, subprocess, sys
kb, cfg, zeroize = sys.argv[1], sys.argv[2], sys.argv[3] == "zeroize"
want = {  # node -> TEK KIDs (docs/stories/README.md "Population")
    "alice": {"0x4001", "0x4003"}, "carol": {"0x4001"}, "bob": {"0x4002"},
    "r1": {"0x4001", "0x4002"}, "r2": set() if zeroize else {"0x4003"}, "dave": {"0x5001"}}
fps, bad = {}, []
for node, kids in want.items():
    d = json.loads(subprocess.run([kb, "client", "keys", "--json", "--config", cfg, "--node", node],
                                  check=True, capture_output=True, text=True).stdout)
    held = {k["kid"]: k["fingerprint"] for s in d["keysets"] if not s["kek"] for k in s["keys"]}
    if set(held) != kids: bad.append(f"{node} holds {sorted(held)}, expected {sorted(kids)}")
    for kid, fp in held.items():
        if fps.setdefault(kid, fp) != fp: bad.append(f"{node}: {kid} differs from another member's")
    if node in ("alice", "bob", "carol", "dave"):
        rk = d["root_key"] or {}
        if rk.get("source") != "cms" or not rk.get("fingerprint"):
            bad.append(f"{node}: root key not from the CMS: {rk}")
    if node == "r2" and zeroize and d["key_count"] != 0: bad.append("r2 holds keys after the zeroize")
print("\n".join(bad) if bad else "keys ok")
sys.exit(1 if bad else 0)
PY
  [ $? -eq 0 ] && ok || bad "$name: key reports: $(cat "$dir/$name.keys")"
  grep -q "exit 1: keybridge kmf: .*not found" "$dir/$name.out" && ok || bad "$name: cross-organisation refusal: $(grep -A4 '^.*6\. ' "$dir/$name.out")"
  [ -s "$d/signalling.pcap" ] && ok || bad "$name: no capture"
  # The capture holds every story's messages: each is found in its ladder.
  "$kb" ladder "$d/signalling.pcap" --config "$d/demo.yaml" > "$dir/$name.ladder" 2>&1 && ok || bad "$name: ladder failed"
  for want in "POST /keymanagement/identity/v1/keyprov" "PUT /xcap-root/.*lmr-root-key" \
      "cms +-> alice +NOTIFY .*xcap-diff" "kmf +-> iwf +DLI Rekey-Command" "iwf +-> mc-server +MESSAGE .*Rekey-Command" \
      "kmf +-> mc-server +MESSAGE .*SDS .*Rekey-Command" "kmf +-> r1 +DLI Rekey-Command" "Rekey-Acknowledgment" \
      "Delete-Key-Command" "Zeroize-Command" "mc-server +-> carol +MESSAGE"; do
    grep -Eq -- "$want" "$dir/$name.ladder" && ok || bad "$name: '$want' not in the ladder of the capture"
  done
  # Step 8: bob's WAV (through the security gateway) is non-silent and the radio's 440 Hz tone
  # dominates; the spectrogram is a PNG (signature, IHDR of the announced size).
  grep -q "bit-exact with the radio's" "$dir/$name.out" && ok || bad "$name: step 8 E2EE: $(grep -A6 '8\. A group call' "$dir/$name.out")"
  python3 - "$d/call-bob.wav" "$d/call-radio.wav" "$d/call-spectrogram.png" > "$dir/$name.call" 2>&1 <<'PY'
import math, struct, sys, wave
def tone_ok(path):
    w = wave.open(path); rate = w.getframerate(); n = w.getnframes()
    s = struct.unpack("<%dh" % n, w.readframes(n))[n // 4:]
    rms = math.sqrt(sum(x * x for x in s) / len(s))
    assert w.getnchannels() == 1 and rms > 500, (path, rms)
    def power(f):
        k = 2 * math.cos(2 * math.pi * f / rate); a = b = 0.0
        for x in s: a, b = x + k * a - b, a
        return a * a + b * b - k * a * b
    p = power(440); others = max(power(f) for f in (1000, 2000, 3000))
    assert p > 20 * others, (path, p, others)
    return rate, n
assert tone_ok(sys.argv[1])[0] == 16000
assert tone_ok(sys.argv[2])[0] == 8000
png = open(sys.argv[3], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", png[:16]
w, h = struct.unpack(">II", png[16:24])
assert w >= 200 and h == 2 * (16 + 256 + 4), (w, h)
print("call ok")
PY
  [ $? -eq 0 ] && ok || bad "$name: step 8 WAV/PNG: $(cat "$dir/$name.call")"
  grep -Eiq '[0-9a-f]{64}' "$dir/$name.out" && bad "$name: a 256-bit hex value in the output" || ok
}

run_story sqlite
if [ -n "${KB_TEST_POSTGRES_URL:-}" ]; then
  run_story postgresql DEMO_BACKEND=postgresql DEMO_PG_URL="$KB_TEST_POSTGRES_URL"
  # The database nodes wrote no SQLite file: their tables are in PostgreSQL.
  sq=$(ls "$dir"/postgresql/data/{idms,kms,cms,mc-server,iwf}/*.sqlite* 2>/dev/null)
  [ -z "$sq" ] && ok || bad "postgresql: SQLite files written: $sq"
else
  echo "demo_story: KB_TEST_POSTGRES_URL not set: the PostgreSQL run is skipped"
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
