"""Report tables a researcher can sort, search and filter in the browser, with no network.

The table library is DataTables 2 (with its ColumnControl extension for per-column search), as
bundled by the ``itables`` package: one ES module plus its stylesheet, inlined once per report page
that has a table, and imported from a ``blob:`` URL the page makes itself (the way itables' own
offline mode loads it). Tables keep working as plain HTML if the script cannot run.

Numbers are formatted for reading before a table is drawn (`readable`); the CSV beside each
table keeps the raw values.
"""

from __future__ import annotations

import base64
import functools
from importlib import resources

import pandas as pd

# The class newsbook's report tables carry; the page script turns exactly these into DataTables.
TABLE_CLASS = "nb-data"
# A table of more rows than this pages; shorter ones show whole.
PAGE_LENGTH = 50

INIT_SCRIPT = """
(async function () {
  var tables = document.querySelectorAll("table.%(cls)s");
  if (!tables.length) { return; }
  var source = atob(document.getElementById("nb-datatables-src").textContent.trim());
  var url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  var DataTable;
  try {
    DataTable = (await import(url)).default;
  } finally {
    URL.revokeObjectURL(url);
  }
  tables.forEach(function (table) {
    if (table.querySelector("[rowspan], [colspan]") || table.tHead === null || table.tHead.rows.length !== 1) {
      return;  // a table with merged cells stays as it is (DataTables needs a plain grid)
    }
    var rows = table.tBodies.length ? table.tBodies[0].rows.length : 0;
    try {
      new DataTable(table, {
        paging: rows > %(page)d, pageLength: %(page)d, order: [], autoWidth: false,
        ordering: {indicators: false, handler: false},
        columnControl: ["order", ["orderAsc", "orderDesc", "spacer", "search"]],
        language: {search: "Search this table:"}
      });
      table.setAttribute("data-interactive", "true");
    } catch (err) {
      console.warn("newsbook: this table stays static:", err);
    }
  });
})();
""" % {"cls": TABLE_CLASS, "page": PAGE_LENGTH}


@functools.lru_cache(maxsize=1)
def datatables_assets() -> tuple[str, str]:
    """(the DataTables stylesheet, the DataTables ES module as base64) from the itables package."""
    folder = resources.files("itables") / "html"
    css = (folder / "dt_bundle.css").read_text(encoding="utf-8")
    module = (folder / "dt_bundle.js").read_bytes()
    return css, base64.b64encode(module).decode("ascii")


def _is_share(column: str) -> bool:
    return "share" in column.lower() or column.lower().endswith(("pct", "percent"))


def _format_number(value, share: bool = False) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if share:
        return f"{value:.1%}"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:,.0f}"


def number_formatters(frame: pd.DataFrame) -> dict:
    """A formatter per numeric column of `frame` (bool columns excluded): thousands separators,
    shares (a column whose name says share) as percentages, no trailing zeros."""
    formatters = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        share = _is_share(str(column))
        if pd.api.types.is_integer_dtype(values) and not share:
            formatters[column] = lambda v: "" if pd.isna(v) else f"{int(v):,}"
        else:
            formatters[column] = functools.partial(_format_number, share=share)
    return formatters


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its numbers as a reader writes them (see `number_formatters`); text and other
    columns unchanged."""
    formatters = number_formatters(frame)
    if not formatters:
        return frame
    out = frame.copy()
    for column, formatter in formatters.items():
        out[column] = frame[column].map(formatter).astype(object)
    return out
