"""Charts: Altair chart builders for the notebooks. Each takes a documented DataFrame and returns a chart.

Charts aggregate before they draw, so a large annotation set never hits Altair's row limit."""

from __future__ import annotations

import altair as alt
import pandas as pd

# --- actors ------------------------------------------------------------------------------------

# --- quotes ------------------------------------------------------------------------------------

# --- figures -----------------------------------------------------------------------------------

# --- overview ----------------------------------------------------------------------------------
