#!/usr/bin/env bash
# End-to-end benchmark: generates synthetic corpora (runner gen-corpus), runs the release binary
# with every default step on them at 1 and 2 threads under /usr/bin/time -v, and reports MB/s and
# words/s of raw text (per wall second and per CPU second), peak RSS, CPU seconds per stage, and
# near-duplicate precision/recall against the planted copies.
#
# usage: bench/run.sh [SIZES_MB...]     (default: 20 200)
# env:   THREADS="1 2"  SEED=1  KEEP=1 (keep generated corpora under target/bench/)
# On a shared machine wall time depends on load: compare CPU-second figures, and see `uptime`.
set -u
cd "$(dirname "$0")/.."
SIZES=${*:-20 200}
THREADS=${THREADS:-1 2}
SEED=${SEED:-1}
W=target/bench
mkdir -p "$W"
cargo build --release -q -p runner || exit 1
BIN=target/release/runner
echo "machine: $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
for mb in $SIZES; do
    C="$W/gen-$mb"
    if [ ! -f "$C/.truth.jsonl" ]; then
        rm -rf "$C"
        $BIN gen-corpus --mb "$mb" --seed "$SEED" --out "$C" || exit 1
    fi
    for t in $THREADS; do
        O="$W/out-$mb-t$t"
        sed -e "s|^paths = .*|paths = [\"$C\"]|" -e "s|^dir = .*|dir = \"$O\"|" pipeline.toml > "$W/pipeline-$mb.toml"
        /usr/bin/time -v $BIN --config "$W/pipeline-$mb.toml" --threads "$t" --quiet > "$W/run-$mb-t$t.txt" 2> "$W/time-$mb-t$t.txt" || { cat "$W/time-$mb-t$t.txt"; exit 1; }
        python3 - "$O/manifest.json" "$W/time-$mb-t$t.txt" "$mb" "$t" <<'PYEOF'
import json, re, sys
m = json.load(open(sys.argv[1]))
tv = open(sys.argv[2]).read()
get = lambda k: re.search(re.escape(k) + r"[^:]*:\s*(\S+)", tv).group(1)
user, sys_, rss = float(get("User time")), float(get("System time")), int(get("Maximum resident set size"))
wall_s = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\):\s*(\S+)", tv).group(1)
parts = [float(x) for x in wall_s.split(":")]
wall = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
c = m["counts"]
mb, words, cpu, t = c["raw_bytes"] / 1e6, c["raw_words"], user + sys_, int(sys.argv[4])
stages = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(m["timings"]["stage_seconds"].items()))
print(f"[{sys.argv[3]} MB, --threads {t}] {c['documents']} docs, {mb:.1f} MB, {words} words: wall {wall:.1f}s, cpu {cpu:.1f}s, peak RSS {rss/1024:.0f} MB")
print(f"  wall: {mb/wall:.2f} MB/s, {words/wall:,.0f} words/s;  per cpu-second: {mb/cpu:.2f} MB/s, {words/cpu:,.0f} words/s")
print(f"  stage seconds (summed per document): {stages}")
PYEOF
        $BIN score-dups --truth "$C/.truth.jsonl" --out "$O" | sed 's/^/  /'
    done
done
[ "${KEEP:-1}" = 1 ] || rm -rf "$W"/gen-* "$W"/out-*
