"""How charts display in a notebook: offline, in JupyterLab and in the rendered reports alike.

Altair's default renderer writes HTML that loads vega from a CDN, so a researcher without a
network (a train, an archive, an institutional firewall) sees "Error loading script" instead of a
chart. JupyterLab 4 ships its own vega renderer for the ``application/vnd.vegalite.v5+json``
mimetype, bundled with the lab itself and so available offline; it draws the specs newsbook's
charts produce (they use no vega-lite 6 feature) and keeps tooltips and interaction. The
``newsbook`` renderer registered here emits that mimetype, plus a plain-text line for consoles;
the report renderer reads the same spec from it and embeds its own vega bundle.

Enabled when ``newsbook.charts`` is imported (every notebook that draws does), so a notebook opened
in JupyterLab draws charts with no setup.
"""

from __future__ import annotations

from typing import Any

RENDERER_NAME = "newsbook"
LAB_VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"


def chart_mimebundle(spec: dict, **_metadata: Any) -> dict[str, Any]:
    """The display bundle of one chart spec: the spec under JupyterLab's built-in vega-lite
    mimetype, and a text line for front ends without one."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    text = f"<chart: {title}>" if isinstance(title, str) and title else "<chart>"
    return {LAB_VEGALITE_MIMETYPE: spec, "text/plain": text}


def enable_offline_charts(alt_module: Any) -> None:
    """Register and enable the ``newsbook`` renderer on the given altair module."""
    if RENDERER_NAME not in alt_module.renderers.names():
        alt_module.renderers.register(RENDERER_NAME, chart_mimebundle)
    alt_module.renderers.enable(RENDERER_NAME)
