"""The baseline: bare spaCy on the same texts newsbook parses, nothing else.

    python bench/bare_spacy.py TEXTS.jsonl [BATCH_SIZE]

Loads the model newsbook uses (spacy.load, without newsbook's own components), runs nlp.pipe over
the texts (one JSON object per line with a "text" key, already cleaned by newsbook's corpus reader)
and prints one JSON line with its timings. run.py times the whole process, as it times
`newsbook annotate`, so both pay the same interpreter start-up and model load.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    started = time.perf_counter()
    import spacy

    from newsbook.nlp import MODEL_NAME

    path = sys.argv[1]
    batch_size = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    with open(path, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    nlp = spacy.load(MODEL_NAME)
    loaded = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        tokens += len(doc)
    done = time.perf_counter()
    # What holding parsed Docs would cost: keep the Docs of a sample and measure the memory they hold.
    doc_mb = None
    try:
        import gc

        import psutil

        sample = texts[:50]
        gc.collect()
        before = psutil.Process().memory_info().rss
        kept = list(nlp.pipe(sample, batch_size=batch_size))
        gc.collect()
        doc_mb = (psutil.Process().memory_info().rss - before) / 2**20 / max(1, len(kept))
    except ImportError:
        pass
    print(json.dumps({"articles": len(texts), "tokens": tokens, "load_s": loaded - started,
                      "pipe_s": done - loaded, "total_s": done - started, "doc_mb": doc_mb}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
