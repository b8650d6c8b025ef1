"""HTML fragments for reports. Article text is untrusted: everything shown of it is escaped here."""

from __future__ import annotations

import html

# --- quote comparisons (side by side, wording differences highlighted) -------------------------

# --- annotated article view --------------------------------------------------------------------
