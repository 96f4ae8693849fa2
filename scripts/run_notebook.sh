#!/usr/bin/env bash
# Executes notebooks/explore.ipynb headless against a finished run's output folder, the way a user
# opens it in Jupyter, and fails (exit 1) when any cell raises or when no plot rendered.
#
#   scripts/run_notebook.sh                  # against ./out (run `cargo run --release -p runner` first)
#   PRESSWORK_OUT=/tmp/out scripts/run_notebook.sh
#
# The Python packages come from notebooks/requirements.txt (exact pins) in a virtual environment under
# target/venv-notebook (git-ignored; override with PRESSWORK_NOTEBOOK_VENV). It is created on first
# use and reused while the requirements file is unchanged. The executed notebook, with its outputs,
# goes to target/notebook/explore.ipynb and each rendered plot to target/notebook/plot-N.png.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

OUT="${PRESSWORK_OUT:-$ROOT/out}"
OUT="$(cd "$OUT" 2>/dev/null && pwd)" || { echo "run_notebook: no output folder ${PRESSWORK_OUT:-$ROOT/out}; run \`cargo run --release -p runner\` first" >&2; exit 1; }
if ! ls "$OUT"/documents.jsonl* >/dev/null 2>&1; then
  echo "run_notebook: $OUT has no documents.jsonl; run \`cargo run --release -p runner\` first" >&2
  exit 1
fi

VENV="${PRESSWORK_NOTEBOOK_VENV:-$ROOT/target/venv-notebook}"
REQ="$ROOT/notebooks/requirements.txt"
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null || { echo "run_notebook: $PY not found" >&2; exit 1; }

stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== notebook venv: installing $REQ into $VENV"
  if ! "$PY" -m venv --clear "$VENV" 2>/dev/null; then
    # Debian's python3 ships venv in a package of its own.
    apt-get install -y -qq python3-venv >/dev/null && "$PY" -m venv --clear "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ"
  echo "$want" >"$stamp"
else
  echo "== notebook venv: reusing $VENV"
fi

DEST="$ROOT/target/notebook"
mkdir -p "$DEST"
rm -f "$DEST"/plot-*.png
echo "== executing notebooks/explore.ipynb against $OUT"
PRESSWORK_OUT="$OUT" MPLBACKEND=module://matplotlib_inline.backend_inline \
  "$VENV/bin/python" - "$ROOT/notebooks/explore.ipynb" "$DEST" <<'PY'
"""Runs every cell in a fresh kernel (cwd = notebooks/, as Jupyter would) and saves the result."""
import base64
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

src, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": str(src.parent)}})
started = time.monotonic()
failed = None
try:
    client.execute()
except CellExecutionError as e:
    failed = e
executed = dest / src.name
nbformat.write(nb, executed)

plots = 0
for cell in nb.cells:
    for output in cell.get("outputs", []):
        png = output.get("data", {}).get("image/png")
        if png:
            plots += 1
            (dest / f"plot-{plots}.png").write_bytes(base64.b64decode(png))
code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
print(f"executed {code_cells} code cells in {time.monotonic() - started:.1f}s, {plots} plots -> {executed}")
if failed is not None:
    print(f"notebook cell failed:\n{failed}", file=sys.stderr)
    sys.exit(1)
if plots == 0:
    print("no plot rendered (expected matplotlib figures as image/png outputs)", file=sys.stderr)
    sys.exit(1)
PY
