#!/usr/bin/env python3
"""Runs `runner eval ...` on the public dev data and fails when a score falls below its floor.

Floors sit a little under the figures measured on dev (see README, Quality), so that a regression
fails CI while run-to-run noise does not. Only dev/tuning splits are used here."""

import json
import subprocess
import sys

runner, data = sys.argv[1], sys.argv[2]

# (name, args, {metric: floor})
CHECKS = [
    ("ner (CoNLL-2003 dev)", ["eval", "ner", "--conll", f"{data}/conll2003/dev.txt"],
     {"f1": 0.91}),
    ("extract (article-extraction-benchmark)", ["eval", "extract", "--scrapinghub", f"{data}/article-extraction-benchmark"],
     {"f1": 0.95}),
    ("dates (TempEval-3 tbaq-cleaned)", ["eval", "dates", "--timeml", f"{data}/tempeval3/tbaq-cleaned"],
     {"f1": 0.90, "value_f1": 0.76}),
    ("quotes (PolNeAR dev)", ["eval", "quotes", "--polnear", f"{data}/polnear/dev"],
     {"f1": 0.93, "speaker_accuracy": 0.88}),
]

failed = 0
for name, args, floors in CHECKS:
    out = subprocess.run([runner, *args], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: exit {out.returncode}\n{out.stderr}")
        failed += 1
        continue
    report = json.loads(out.stdout.strip().splitlines()[-1])
    for metric, floor in floors.items():
        value = report.get(metric)
        ok = value is not None and value >= floor
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {metric} = {value:.4f} (floor {floor})")
print(f"eval floors: {failed} failed")
sys.exit(1 if failed else 0)
