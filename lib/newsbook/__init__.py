"""newsbook: load news articles, annotate their actors, quotes and figures, compare sources."""

from __future__ import annotations

__version__ = "0.1.0"

from .corpus import load_corpus, read_corpus  # noqa: E402
from .pipeline import Annotations, annotate  # noqa: E402

__all__ = ["Annotations", "annotate", "load_corpus", "read_corpus", "__version__"]
