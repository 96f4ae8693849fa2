#!/usr/bin/env bash
# Opens a run's report.html in headless Chromium (Debian's package) the way a reader's browser
# does, and fails (exit 1) when the page logs a console error, when the rendered DOM lacks its
# sections and tables, or when the page asks for anything over the network. Leaves the rendered DOM
# in target/report.dom.html and a screenshot in target/report.png.
#
#   scripts/check_report.sh                 # checks out/report.html
#   PRESSWORK_OUT=/tmp/out scripts/check_report.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${PRESSWORK_OUT:-$ROOT/out}"
REPORT="$(cd "$OUT" 2>/dev/null && pwd)/report.html" || true
if [ ! -f "${REPORT:-}" ]; then
  echo "check_report: no report.html in $OUT (run the pipeline with [export] report = true)" >&2
  exit 1
fi

CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "== installing chromium (Debian package)"
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
  CHROMIUM="$(command -v chromium)"
fi

DEST="$ROOT/target"
mkdir -p "$DEST"
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$PROFILE" --hide-scrollbars
       --enable-logging=stderr --v=0 --virtual-time-budget=3000)
URL="file://$REPORT"

"$CHROMIUM" "${FLAGS[@]}" --dump-dom "$URL" >"$DEST/report.dom.html" 2>"$DEST/report.dom.log" || {
  echo "check_report: chromium failed to load $URL" >&2; cat "$DEST/report.dom.log" >&2; exit 1; }
"$CHROMIUM" "${FLAGS[@]}" --window-size=1280,6000 --screenshot="$DEST/report.png" "$URL" >/dev/null 2>"$DEST/report.shot.log" || {
  echo "check_report: chromium failed to take a screenshot" >&2; cat "$DEST/report.shot.log" >&2; exit 1; }

fail=0
# The page has no script, so any console message at all is an error: an uncaught exception, a
# blocked fetch (its Content-Security-Policy refuses every network load: it must be self-contained),
# a resource that failed. Chromium logs them all as "...:CONSOLE:<line>] ..." whatever their level.
if grep -hE ":CONSOLE[:(]|Uncaught|Content Security Policy|Refused to load" "$DEST/report.dom.log" "$DEST/report.shot.log"; then
  echo "check_report: the page logged errors (above)" >&2
  fail=1
fi
# The rendered page has its sections, tables and charts.
for needle in '<h1>presswork run report</h1>' 'id="outlets-table"' 'id="documents-table"' 'id="blocks-table"' \
              'id="edits-table"' 'id="speakers-table"' 'id="days-table"' 'id="timeline-chart"' '<svg'; do
  if ! grep -qF "$needle" "$DEST/report.dom.html"; then
    echo "check_report: rendered page lacks $needle" >&2
    fail=1
  fi
done
if [ -f "$OUT/entities.jsonl" ] || [ -f "$OUT/entities.jsonl.gz" ] || [ -f "$OUT/entities.jsonl.zst" ]; then
  grep -qF 'id="entities-table"' "$DEST/report.dom.html" || { echo "check_report: rendered page lacks its entities table" >&2; fail=1; }
fi
rows=$(grep -o '<tr' "$DEST/report.dom.html" | wc -l)
if [ ! -s "$DEST/report.png" ]; then
  echo "check_report: no screenshot" >&2
  fail=1
fi
[ "$fail" = 0 ] || exit 1
echo "report ok: $REPORT ($rows table rows) -> $DEST/report.png, $DEST/report.dom.html"
