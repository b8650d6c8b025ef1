"""The vega bundle inlined into every report page with a chart: vega + vega-lite + vega-embed built by
vl-convert, made safe to inline, and kept whole (sealed by a digest) in the cache folder."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from pathlib import Path

from . import config
from .files import write_text

log = logging.getLogger("newsbook.report")  # the report's log, as before the split


def _bundle_cache_path(vl_version: str | None) -> Path | None:
    try:
        import importlib.metadata as md

        version = md.version("vl-convert-python")
    except Exception:  # noqa: BLE001 - no cache then
        return None
    return config.CACHE_DIR / "vega" / f"bundle-vlc{version}-vl{vl_version or 'default'}.js"


_BUNDLE_SEAL = "\n// newsbook bundle blake2b "


def _sealed(bundle: str) -> str:
    """The bundle as cached: followed by a digest of itself, so a truncated or damaged copy is told
    from a whole one (the line is a JavaScript comment)."""
    return f"{bundle}{_BUNDLE_SEAL}{hashlib.blake2b(bundle.encode('utf-8'), digest_size=16).hexdigest()}\n"


def _unsealed(cached: str) -> str | None:
    """The bundle in a cached file, or None if the file is not a whole one."""
    bundle, seal, _ = cached.rpartition(_BUNDLE_SEAL)
    if not seal or _sealed(bundle) != cached or not bundle.endswith("}).call(window);"):
        return None
    return bundle


@functools.lru_cache(maxsize=4)
def vega_bundle(vl_version: str | None = None) -> str:
    """The inline vega script (see `_vega_bundle`), kept on disk in the cache folder: vl-convert
    takes seconds to build it, and every report page and process needs the same one. A cached copy
    that is not whole (a run killed while writing it, a full disk, an edit) is built again."""
    path = _bundle_cache_path(vl_version)
    if path is not None:
        try:
            bundle = _unsealed(path.read_text(encoding="utf-8", errors="replace"))
            if bundle is not None:
                return bundle
            log.warning("the cached vega bundle %s is damaged or incomplete; building it again", path)
        except OSError:
            pass
    bundle = _vega_bundle(vl_version)
    if path is not None:
        try:
            write_text(path, _sealed(bundle))
        except OSError:  # a read-only cache makes the next run slower, not this one fail
            pass
    return bundle


def _warm_vega_bundle() -> None:
    """Put the default vega bundle in the cache folder if it is not there yet (or not whole)."""
    try:
        version = _vegalite_version([])
        if _bundle_cache_path(version) is not None:
            vega_bundle(version)
    except Exception:  # noqa: BLE001 - only an optimisation; rendering builds it if needed
        log.debug("could not prepare the vega bundle", exc_info=True)


def _vega_bundle(vl_version: str | None = None) -> str:
    """vega + vega-lite + vega-embed as one inline script (vl-convert's `javascript_bundle`), which
    sets `window.vegaEmbed`, `window.vega` and `window.vegaLite`.

    Made safe to inline in a <script> element; the URLs that the libraries hold as string constants
    (the SVG namespace, the vega editor) are written with escaped slashes, which is the same string
    to JavaScript, so the page holds no literal http(s):// inside a script."""
    import vl_convert as vlc

    if vl_version is not None and vl_version not in vlc.get_vegalite_versions():
        vl_version = None
    bundle = vlc.javascript_bundle(vl_version=vl_version) if vl_version else vlc.javascript_bundle()
    bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    bundle = re.sub(r"(https?:)//", r"\1\\/\\/", bundle)
    # Its own scope: the bundle's thousands of top-level names stay out of `window` (only the three
    # it assigns explicitly are global), and nothing can clash with another script on the page.
    return "(function () {\n" + bundle + "\n}).call(window);"


def _vegalite_version(specs: list[dict]) -> str | None:
    for spec in specs:
        match = re.search(r"vega-lite/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
        if match:
            return f"{match.group(1)}.{match.group(2)}"
    try:
        import altair as alt

        major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
        return f"{major}.{minor}"
    except Exception:  # pragma: no cover - altair is a dependency
        return None
