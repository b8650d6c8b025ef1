"""The baseline: bare spaCy on the same texts newsbook parses, nothing else.

    python bench/bare_spacy.py TEXTS.jsonl              # time nlp.pipe over every text
    python bench/bare_spacy.py TEXTS.jsonl --doc-size   # memory one parsed Doc holds (not timed)

Loads the model newsbook uses (spacy.load, without newsbook's own components), runs nlp.pipe over
the texts (one JSON object per line with a "text" key, already cleaned by newsbook's corpus reader)
and prints one JSON line. run.py times the whole process, as it times `newsbook annotate`, so both
pay the same interpreter start-up and model load; the timing run does nothing else.

--doc-size: parse a warm-up batch (so spaCy's working memory is allocated), then keep the Docs of 50
texts and report the resident memory they hold, per Doc: what an implementation that kept every parsed
article would need per article.
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
    with open(path, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    nlp = spacy.load(MODEL_NAME)
    if "--doc-size" in sys.argv[2:]:
        import gc

        import psutil

        for _ in nlp.pipe(texts[:64], batch_size=32):
            pass
        sample = texts[64:114] or texts[:50]
        gc.collect()
        before = psutil.Process().memory_info().rss
        kept = list(nlp.pipe(sample, batch_size=32))
        gc.collect()
        held = psutil.Process().memory_info().rss - before
        print(json.dumps({"docs": len(kept), "doc_mb": held / 2**20 / max(1, len(kept))}))
        return 0
    loaded = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(texts, batch_size=32):
        tokens += len(doc)
    done = time.perf_counter()
    print(json.dumps({"articles": len(texts), "tokens": tokens, "load_s": loaded - started,
                      "pipe_s": done - loaded, "total_s": done - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
