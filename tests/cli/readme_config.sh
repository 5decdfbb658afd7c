#!/usr/bin/env bash
# README.md "Configuration reference" against config/keybridge.yaml: every key of every node
# section of the example (the commented ones and the commented r1 radio node included) is named
# in that node's row of the table, so the reference cannot silently fall behind the example.
# Usage: readme_config.sh KEYBRIDGE VECTORS_DIR
set -uo pipefail
src=$(dirname "$(realpath "$0")")/../..
python3 - "$src/config/keybridge.yaml" "$src/README.md" <<'PY'
import re, sys
cfg, readme = open(sys.argv[1]).read().splitlines(), open(sys.argv[2]).read()
section = readme.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z0-9-]+)` .*$", section, re.M)}
node, keys = None, {}
for line in cfg:
    m = re.match(r"^  (?:# )?([a-z0-9-]+):\s*(#.*)?$", line)
    if m:
        node = m.group(1); keys[node] = []; continue
    # An active key, or a commented one whose value has no space (prose comments have spaces).
    m = re.match(r"^  (?:  |#   )(?:#\s*)?([a-z_]+):(?:\s*([^#]*?))?\s*(?:#.*)?$", line)
    if m and node and " " not in (m.group(2) or ""):
        keys[node].append(m.group(1))
bad = []
for n, ks in keys.items():
    if n not in rows:
        bad.append(f"node {n}: no row in the README's configuration reference"); continue
    bad += [f"node {n}: key {k} not in its README row" for k in ks if f"`{k}`" not in rows[n]]
for top in ("data_dir", "storage"):
    if f"`{top}`" not in section: bad.append(f"top-level {top} not described")
print("\n".join(bad) or f"readme_config: {sum(map(len, keys.values()))} keys of {len(keys)} nodes named")
sys.exit(1 if bad else 0)
PY
