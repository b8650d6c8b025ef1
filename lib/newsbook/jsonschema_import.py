"""Importing jsonschema quickly: `fast_jsonschema`, called before nbformat, papermill or altair
(which import jsonschema) by the report runner and by `newsbook.charts`."""

from __future__ import annotations


def fast_jsonschema() -> None:
    """Import jsonschema (which nbformat, papermill and altair import) without the optional
    `rfc3987_syntax` package: when installed (jupyter-events pulls it in) jsonschema loads it only
    to check the "iri" string format, and building its grammar takes seconds in every process and
    kernel.  Nothing here checks that format; the package stays importable afterwards."""
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # its import fails fast
    try:
        import jsonschema  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency
        pass
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]
