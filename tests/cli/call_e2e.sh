#!/usr/bin/env bash
# Group calls through the IWF with real processes on loopback (docs/calls.md "Group calls
# through the IWF"; TS 33.180 Annex K.2 and L.5):
#  1. LMR E2EE: `keybridge radio talk` (emulated P25 radio) sends LDUs encrypted with fire's
#     AES-256 TEK to the IWF's LMR leg; `keybridge serve --role iwf` relays them (no TEK) as
#     SRTP-GCM keyed from its copy of fire's GMK to alice, who joined with INVITE/200/ACK
#     (P25-IMBE, kb-lmr-encryption-mode:e2ee); `keybridge call join` strips SRTP, then the LMR
#     encryption: the codewords must equal the radio's bit for bit.
#  2. Security gateway: police is terminated by the IWF (it holds police's TEK); bob (not
#     LMR-aware, AMR-WB only) hears a 440 Hz tone the radio sends through the Codec2 stand-in;
#     his WAV must be non-silent, 440 Hz and as long as what the radio sent.
#  3. The IWF's memory (/proc/PID/mem over its writable mappings) and data directory: fire's TEK
#     is nowhere; police's TEK is in memory (so the scan can find a key), not on disk.
#  Refusals: an AMR-WB-only join of the E2EE group (488), a join with the wrong ALGID (488), an
#  unknown group (404), a client whose GMK copy is not its own (fails before the INVITE).
# Usage: call_e2e.sh KEYBRIDGE VECTORS_DIR
E2E_NAME="call e2e"
source "$(dirname "$0")/lib/e2e.bash" "$@"

cd "$dir"
p_mc=$(free_port); p_iwf=$(free_port); p_dli=$(free_port); p_kmf=$(free_port)
p_fire=$(free_port); p_police=$(free_port)
mkdir -p data/secrets data/keys
echo "iwf-password-$RANDOM$RANDOM" > data/secrets/iwf.password; chmod 600 data/secrets/*

# KMS, users, and the GMS's GMKs (one I_MESSAGE per recipient; the IWF gets one for both groups,
# with the security-gateway bit for police).
run "kms init" "$kb" kms init --kms-uri kms.example.org --out kms
cp out data/keys/cert.xml
for u in gms alice bob iwf; do
  run "provision $u" "$kb" kms provision --state kms --user "sip:$u@example.org" --out "data/keys/$u.xml"
done
gms=(--store gms.sqlite --kms-cert data/keys/cert.xml --keys data/keys/gms.xml --iwf sip:iwf@example.org --out data/gmk)
run "gms fire" "$kb" gms create-group "${gms[@]}" --group sip:fire@example.org --member sip:alice@example.org --member sip:bob@example.org --interworking
run "gms police" "$kb" gms create-group "${gms[@]}" --group sip:police@example.org --member sip:alice@example.org --member sip:bob@example.org --iwf-terminates

# The groups' TEKs (key-fill files, keyset 1): fire's only for the radio and alice.
fire_tek=$("$py" -c 'import os;print(os.urandom(32).hex())')
police_tek=$("$py" -c 'import os;print(os.urandom(32).hex())')
keyfill() {  # keyfill FILE KID KEY
  printf 'keybridge-key-fill 1\nrsi: 0x000001\nalgid: 0x84\nkid: %s\nkeyset: 1\nsln: 1\nkey: %s\n' "$2" "$3" > "$1"
  echo "check: $(sha256sum "$1" | cut -c1-8)" >> "$1"; chmod 600 "$1"
}
keyfill data/secrets/fire.tek 0x0101 "$fire_tek"
keyfill data/secrets/police.tek 0x0202 "$police_tek"
keyfill data/secrets/fire-wrong-algid.tek 0x0101 "$fire_tek"
sed -i 's/^algid: 0x84/algid: 0x81/; s/^key: .*/key: 0123456789abcdef/; /^check/d' data/secrets/fire-wrong-algid.tek
echo "check: $(sha256sum data/secrets/fire-wrong-algid.tek | cut -c1-8)" >> data/secrets/fire-wrong-algid.tek

cat > keybridge.yaml <<YAML
data_dir: data
nodes:
  iwf:
    identity: sip:iwf@example.org
    password_file: secrets/iwf.password
    sip_listen: 127.0.0.1:$p_iwf
    mc_server: 127.0.0.1:$p_mc          # nothing listens there: registration is not needed
    dli_listen: 127.0.0.1:$p_dli
    kmf: 127.0.0.1:$p_kmf
    calls:
      kms_cert: keys/cert.xml
      keys: keys/iwf.xml
      groups:
        - {group: "sip:fire@example.org", mode: e2ee, algid: 0x84, lmr_port: $p_fire,
           gmk: gmk/fire@example.org/iwf@example.org.mikey}
        - {group: "sip:police@example.org", mode: gateway, lmr_port: $p_police,
           gmk: gmk/police@example.org/iwf@example.org.mikey, tek_file: secrets/police.tek}
  alice:
    user: sip:alice@example.org
    calls:
      iwf: 127.0.0.1:$p_iwf
      kms_cert: keys/cert.xml
      keys: keys/alice.xml
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/alice@example.org.mikey,
           tek_file: secrets/fire.tek}
  bob:
    user: sip:bob@example.org
    calls:
      iwf: 127.0.0.1:$p_iwf
      kms_cert: keys/cert.xml
      keys: keys/bob.xml
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/bob@example.org.mikey}
        - {group: "sip:police@example.org", gmk: gmk/police@example.org/bob@example.org.mikey}
  mallory:                               # bob's key set with alice's GMK copy
    user: sip:bob@example.org
    calls:
      iwf: 127.0.0.1:$p_iwf
      kms_cert: keys/cert.xml
      keys: keys/bob.xml
      groups:
        - {group: "sip:fire@example.org", gmk: gmk/fire@example.org/alice@example.org.mikey}
YAML

"$kb" serve --role iwf --config keybridge.yaml > iwf.log 2>&1 & pid[iwf]=$!
must_log iwf.log "IWF calls: group sip:police@example.org" "iwf calls up"
grep -q "group sip:fire@example.org mode e2ee .*no TEK" iwf.log && ok || bad "fire relayed without TEK: $(grep 'IWF calls' iwf.log)"
must_log iwf.log "IWF sip:iwf@example.org up" "iwf up"

# 1. LMR E2EE through the IWF.
"$kb" call join --config keybridge.yaml --node alice --group sip:fire@example.org --seconds 15 \
  --ldus 12 --frames-out alice.frames > alice.json 2> alice.log & pid[alice]=$!
must_log alice.log "joined sip:fire@example.org .*P25-IMBE, LMR E2EE ALGID 0x84" "alice joined with E2EE"
must_log iwf.log "sip:alice@example.org joined sip:fire@example.org \(P25-IMBE, LMR E2EE ALGID 0x84 relayed, IWF holds no TEK\)" "iwf relays"
run "radio talks on fire" "$kb" radio talk --config keybridge.yaml --group sip:fire@example.org \
  --tek-file data/secrets/fire.tek --ldus 12 --interval-ms 60 --seed 7 --frames-out radio.frames
wait "${pid[alice]}"; rc=$?; unset "pid[alice]"
[ "$rc" = 0 ] && ok || bad "alice exited $rc: $(tail -3 alice.log)"
[ "$(field alice.json ldus)" = 12 ] && ok || bad "alice LDUs: $(cat alice.json)"
[ "$(field alice.json frames)" = 108 ] && ok || bad "alice frames: $(cat alice.json)"
[ "$(stat -c %s radio.frames)" = 1188 ] && ok || bad "radio frames file size"
cmp -s radio.frames alice.frames && ok || bad "alice's recovered codewords differ from the radio's"
[ "$(field alice.json srtp_rejected)" = 0 ] && ok || bad "SRTP rejections: $(cat alice.json)"
must_log iwf.log "sip:alice@example.org left sip:fire@example.org \(BYE\)" "alice's BYE"

# The relay really carried ciphertext: a listener with the wrong TEK recovers nothing equal.
keyfill data/secrets/other.tek 0x0101 "$police_tek"
"$kb" call join --config keybridge.yaml --node alice --group sip:fire@example.org --seconds 15 \
  --ldus 3 --tek-file data/secrets/other.tek --frames-out other.frames > other.json 2> other.log & pid[other]=$!
must_log other.log "joined sip:fire@example.org" "alice joined with the wrong TEK"
run "radio talks again" "$kb" radio talk --config keybridge.yaml --group sip:fire@example.org \
  --tek-file data/secrets/fire.tek --ldus 3 --interval-ms 60 --seed 7
wait "${pid[other]}"; unset "pid[other]"
[ "$(field other.json ldus)" = 3 ] && ok || bad "wrong-TEK listener LDUs: $(cat other.json)"
cmp -s <(head -c 297 radio.frames) other.frames && bad "a wrong TEK recovered the codewords" || ok

# 2. Security gateway: bob (AMR-WB only) on police; the radio sends a 440 Hz tone.
"$kb" call join --config keybridge.yaml --node bob --group sip:police@example.org --seconds 15 \
  --ldus 10 --record bob.wav > bob.json 2> bob.log & pid[bob]=$!
must_log bob.log "joined sip:police@example.org .*AMR-WB" "bob joined"
must_log iwf.log "sip:bob@example.org joined sip:police@example.org \(AMR-WB, security gateway\).*STAND-IN" "gateway call"
run "radio talks on police" "$kb" radio talk --config keybridge.yaml --group sip:police@example.org \
  --tek-file data/secrets/police.tek --ldus 10 --interval-ms 100 --tone 440
wait "${pid[bob]}"; rc=$?; unset "pid[bob]"
[ "$rc" = 0 ] && ok || bad "bob exited $rc: $(tail -3 bob.log)"
[ "$(field bob.json frames)" = 90 ] && ok || bad "bob frames: $(cat bob.json)"
"$py" - bob.wav > wav.out 2>&1 <<'PY' && ok || bad "bob's WAV: $(cat wav.out)"
import math, struct, sys, wave
w = wave.open(sys.argv[1]); rate = w.getframerate(); n = w.getnframes()
s = struct.unpack("<%dh" % n, w.readframes(n))
assert rate == 16000 and w.getnchannels() == 1, (rate, w.getnchannels())
assert n == 10 * 9 * 320, n                      # 10 LDUs = 1.8 s
body = s[len(s) // 4:]                           # after the codecs' start-up
rms = math.sqrt(sum(x * x for x in body) / len(body))
assert rms > 500, rms
def power(f):                                    # Goertzel
    k = 2 * math.cos(2 * math.pi * f / rate); a = b = 0.0
    for x in body: a, b = x + k * a - b, a
    return a * a + b * b - k * a * b
p440 = power(440); others = max(power(f) for f in (1000, 2000, 3000))
assert p440 > 20 * others, (p440, others)
print("ok", n, rms)
PY

# Refusals.
"$kb" call join --config keybridge.yaml --node bob --group sip:fire@example.org --seconds 1 > r1.out 2> r1.err \
  && bad "bob (no TEK) joined the E2EE group" || { grep -q "488" r1.err && ok || bad "488 for AMR-WB on fire: $(cat r1.err)"; }
"$kb" call join --config keybridge.yaml --node alice --group sip:fire@example.org --seconds 1 \
  --tek-file data/secrets/fire-wrong-algid.tek > r2.out 2> r2.err \
  && bad "ALGID 0x81 accepted" || { grep -q "488.*0x81" r2.err && ok || bad "488 for ALGID 0x81: $(cat r2.err)"; }
sed 's/sip:fire@example.org", gmk/sip:water@example.org", gmk/' keybridge.yaml > other.yaml
"$kb" call join --config other.yaml --node alice --group sip:water@example.org --seconds 1 > r3.out 2> r3.err \
  && bad "unknown group joined" || { grep -q "404" r3.err && ok || bad "404 for an unknown group: $(cat r3.err)"; }
"$kb" call join --config keybridge.yaml --node mallory --group sip:fire@example.org --seconds 1 > r4.out 2> r4.err \
  && bad "mallory opened alice's GMK" || { grep -qi "recipient" r4.err && ok || bad "wrong recipient: $(cat r4.err)"; }

# 3. TEKs in the IWF's memory and data directory.
"$py" - "${pid[iwf]}" "$fire_tek" "$police_tek" data/iwf > scan.out 2>&1 <<'PY' && ok || bad "TEK scan: $(cat scan.out)"
import os, re, sys
pid, fire, police, data_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def patterns(hexkey):
    raw = bytes.fromhex(hexkey)
    return [raw, hexkey.encode(), hexkey.upper().encode()]
def scan_memory():
    found = {"fire": 0, "police": 0}
    regions = 0
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            if "w" not in perms: continue
            lo, hi = (int(x, 16) for x in addr.split("-"))
            # Sanitizer shadow/reserved regions span terabytes of untouched pages: skip > 4 GiB.
            if hi - lo > 4 << 30: continue
            regions += 1
            step, overlap = 16 << 20, 128        # chunks, overlapping by more than a pattern
            for start in range(lo, hi, step):
                try:
                    mem.seek(start); chunk = mem.read(min(step + overlap, hi - start))
                except OSError:
                    break
                for name, key in (("fire", fire), ("police", police)):
                    # count a match only where it starts inside this chunk's own step
                    for p in patterns(key):
                        i = chunk.find(p)
                        while i != -1:
                            if i < step: found[name] += 1
                            i = chunk.find(p, i + 1)
    return found, regions
def scan_files():
    found = {"fire": 0, "police": 0}
    files = 0
    for root, _, names in os.walk(data_dir):
        for n in names:
            data = open(os.path.join(root, n), "rb").read(); files += 1
            for name, key in (("fire", fire), ("police", police)):
                found[name] += sum(data.count(p) for p in patterns(key))
    return found, files
mem, regions = scan_memory()
disk, files = scan_files()
print("memory", mem, "regions", regions, "disk", disk, "files", files)
assert regions > 0 and files > 0
assert mem["fire"] == 0, "fire's TEK is in the IWF's memory"
assert mem["police"] > 0, "the scan did not find police's TEK, which the IWF holds"
assert disk["fire"] == 0 and disk["police"] == 0, "a TEK in the IWF's data directory"
PY
cat scan.out

kill -TERM "${pid[iwf]}"; wait "${pid[iwf]}"; rc=$?; unset "pid[iwf]"
[ "$rc" = 0 ] && ok || bad "iwf exit status $rc"
grep -lE "AddressSanitizer|LeakSanitizer|runtime error:" *.log *.err 2>/dev/null && bad "sanitizer reports" || ok
finish
