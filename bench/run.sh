#!/usr/bin/env bash
# End-to-end benchmark: generates synthetic corpora (runner gen-corpus), runs the release binary
# with every default step on them at 1 and 2 threads under /usr/bin/time -v, and reports MB/s and
# words/s of raw text (per wall second and per CPU second), peak RSS, CPU seconds per stage, and
# near-duplicate precision/recall against the planted copies.
#
# usage: bench/run.sh [SIZES_MB...]     (default: 20 200)
# env:   THREADS="1 2"  SEED=1  KEEP=1 (keep generated corpora under target/bench/)
#        KEEP_OUT=0 (delete each run's output after scoring it)
#        BENCH_DIR=target/bench (where corpora and outputs go; big corpora need disk: the outputs
#        are about 6x the raw text). Each run appends a JSON line to $BENCH_DIR/results.jsonl; the
#        last lines printed are thread scaling and linearity across the sizes given.
# On a shared machine wall time depends on load: compare CPU-second figures, and see `uptime`.
set -u
cd "$(dirname "$0")/.."
SIZES=${*:-20 200}
THREADS=${THREADS:-1 2}
SEED=${SEED:-1}
W=${BENCH_DIR:-target/bench}
mkdir -p "$W"
cargo build --release -q -p runner || exit 1
BIN=target/release/runner
touch "$W/results.jsonl"
STARTED=$(wc -l < "$W/results.jsonl")
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
        python3 - "$O/manifest.json" "$W/time-$mb-t$t.txt" "$mb" "$t" "$W/results.jsonl" <<'PYEOF'
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
with open(sys.argv[5], "a") as f:
    f.write(json.dumps({"mb": float(sys.argv[3]), "threads": t, "docs": c["documents"], "raw_mb": mb, "words": words,
                        "wall": wall, "cpu": cpu, "rss_mb": rss / 1024}) + "\n")
PYEOF
        $BIN score-dups --truth "$C/.truth.jsonl" --out "$O" | sed 's/^/  /'
        [ "${KEEP_OUT:-1}" = 1 ] || rm -rf "$O"
    done
done
# Scaling (wall time at 1 thread / at N threads) and linearity (wall time of the largest corpus / of
# the smallest, against the ratio of their sizes), from this invocation's runs.
python3 - "$W/results.jsonl" "$STARTED" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]]
by = {(r["mb"], r["threads"]): r for r in rows}
for mb in sorted({r["mb"] for r in rows}):
    if (mb, 1) in by:
        for t in sorted({r["threads"] for r in rows if r["mb"] == mb and r["threads"] > 1}):
            print(f"scaling at {mb:g} MB: {t} threads = {by[(mb, 1)]['wall'] / by[(mb, t)]['wall']:.2f}x 1 thread (wall)")
for t in sorted({r["threads"] for r in rows}):
    sizes = sorted(mb for (mb, tt) in by if tt == t)
    if len(sizes) > 1:
        a, b = by[(sizes[0], t)], by[(sizes[-1], t)]
        print(f"linearity at {t} threads: {b['raw_mb']:.0f} MB took {b['wall'] / a['wall']:.2f}x the time of {a['raw_mb']:.0f} MB "
              f"({b['raw_mb'] / a['raw_mb']:.2f}x the text); peak RSS {a['rss_mb']:.0f} -> {b['rss_mb']:.0f} MB")
PYEOF
[ "${KEEP:-1}" = 1 ] || rm -rf "$W"/gen-* "$W"/out-*
