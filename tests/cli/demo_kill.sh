#!/usr/bin/env bash
# Issue 6 section 4: the story (short form) with every kind of node SIGKILLed during step 3 (the
# rekey campaigns) and started again, one after the other: the MC service server, the IWF, the
# KMF, the clients alice (IWF path) and bob (MCData SDS path), the radio r1, and the IdMS, KMS and
# CMS (whose clients must carry on after them: tokens, key sets, profile subscriptions). The story
# must still complete with every key right (`keybridge demo check` / the key reports), each
# campaign's unit done exactly once, and no KMM applied twice: per unit, the Rekey-Commands
# applied (status 0x00) never outnumber the ones the KMF sent (a redelivered copy carries a used
# message number and is refused by the unit's MN window), and each unit's last MN is one the KMF
# used for it.
# Usage: demo_kill.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
kb=$(realpath "$1")
story=$(dirname "$(realpath "$0")")/../../scripts/demo-story
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
d=$dir/story

victims="mc-server iwf kmf alice bob r1 idms kms cms"
# A short first timeout: a command lost with a killed node is sent again (new MN) by the KMF.
if env DEMO_DIR="$d" DEMO_SHORT=1 DEMO_QUIET=1 DEMO_KMF_TIMEOUT_MS=8000 \
    DEMO_KILL="$victims" bash "$story" "$kb" > "$dir/out" 2>&1; then ok
else bad "the story failed after the kills: $(tail -25 "$dir/out")"; fi
for n in $victims; do
  grep -q "$n SIGKILLed" "$dir/out" && grep -q "$n restarted" "$dir/out" && ok || bad "$n not killed and restarted"
done
if "$kb" kmf expected --help 2>/dev/null | grep -q "^Usage: .* kmf expected"; then
  "$kb" demo check --config "$d/demo.yaml" > "$dir/check.out" 2>&1 && ok || bad "demo check: $(cat "$dir/check.out")"
fi

# Each campaign's unit done once per KMF process (its log is appended across the restart, and a
# restarted KMF first reports the tasks it finds done in its state).
dups=$(awk '/KMF state in/ { run++ } match($0, /campaign [0-9]+: unit [0-9]+ done/) { print run, substr($0, RSTART, RLENGTH) }' "$d/kmf.log" | sort | uniq -d)
[ -z "$dups" ] && ok || bad "a unit completed twice: $dups"
# Applied vs sent per unit.
python3 - "$d" <<'PY' > "$dir/applied" 2>&1
import re, sys, json, subprocess, collections
d = sys.argv[1]
kmf = open(f"{d}/kmf.log").read()
sent = collections.Counter(int(r) for r in re.findall(r"KMF -> RSI (\d+): KMM 0x1e", kmf))
units = {"alice": 1001, "bob": 1002, "carol": 1003, "dave": 1101, "r1": 2001, "r2": 2002}
bad = []
for node, rsi in units.items():
    log = open(f"{d}/{node}.log").read()
    applied = len(re.findall(r"Rekey-Command.{0,80}status 0x00", log))
    if applied > sent[rsi]:
        bad.append(f"{node}: {applied} Rekey-Commands applied, the KMF sent {sent[rsi]}")
print("\n".join(bad) or f"applied <= sent for every unit; sent {dict(sent)}")
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && ok || bad "$(cat "$dir/applied")"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
