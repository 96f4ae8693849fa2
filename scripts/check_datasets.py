#!/usr/bin/env python3
"""Loads presswork's datasets the way a notebook user does (json module, Python str slicing) and
checks the offset contract of DESIGN.md: doc["text"][start:end] == row["text"] for every span row,
and the same for raw_start/raw_end into raw_text. Exits 1 on the first violation."""

import json
import pathlib
import sys


def main(out: pathlib.Path) -> int:
    docs = {}
    with open(out / "documents.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["doc_id"]] = d
    if not docs:
        print("no documents", file=sys.stderr)
        return 1
    checked = 0
    for path in sorted(out.glob("*.jsonl")):
        if path.name == "documents.jsonl":
            continue
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                row = json.loads(line)
                doc = docs.get(row.get("doc_id"))
                if doc is None:
                    if "doc_id" in row:
                        print(f"{path.name}:{n}: unknown doc_id {row['doc_id']}", file=sys.stderr)
                        return 1
                    continue
                pairs = [("start", "end", "text", "text"), ("raw_start", "raw_end", "raw_text", "text"),
                         ("raw_start", "raw_end", "raw_text", "before")]
                for s, e, field, key in pairs:
                    if s in row and key in row and row[s] is not None:
                        got = doc[field][row[s]:row[e]]
                        if got != row[key]:
                            print(f"{path.name}:{n}: {field}[{row[s]}:{row[e]}] = {got!r} != {row[key]!r}",
                                  file=sys.stderr)
                            return 1
                        checked += 1
                if row.get("speaker_start") is not None:
                    if not 0 <= row["speaker_start"] < row["speaker_end"] <= len(doc["text"]):
                        print(f"{path.name}:{n}: speaker span out of bounds", file=sys.stderr)
                        return 1
    print(f"check_datasets: {len(docs)} documents, {checked} spans checked, all exact")
    return 0 if checked else 1


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "out")))
