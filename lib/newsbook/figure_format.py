"""Figures as a researcher writes them (`format_figure`: ``$13.6 million``, ``36%``, ``over 1,000``),
used by the match notes and the notebook views."""

from __future__ import annotations

import math


def _fmt(v: float) -> str:
    if v != v:
        return ""
    if abs(v) >= 1e9 and v % 1e7 == 0:
        return f"{v / 1e9:g} billion"
    if abs(v) >= 1e6 and v % 1e4 == 0:
        return f"{v / 1e6:g} million"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.4g}"


def _describe(f: dict) -> str:
    high = f.get("value_high", math.nan)
    val = format_figure(f["value"], f["kind"], f.get("unit") or "", high=high if high == high else math.nan,
                        qualifier=f.get("qualifier") or "exactly")
    noun = f.get("noun") or ""
    return f"{val} {noun}".strip() + f" ({f['article_id']})"


# ------------------------------------------------------------------------------------------------
# Figures as a researcher writes them: "$13.6 million", "36%", "12.3 million tonnes"
# ------------------------------------------------------------------------------------------------

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹", "KRW": "₩", "RUB": "₽",
                    "NGN": "₦", "TRY": "₺", "PHP": "₱", "ILS": "₪"}
_VAGUE_NAMES = {12: "dozens", 20: "scores", 100: "hundreds", 1e3: "thousands", 1e4: "tens of thousands",
                1e5: "hundreds of thousands", 1e6: "millions", 1e9: "billions", 1e12: "trillions"}
_FRACTION_NAMES = {0.5: "half", 1 / 3: "a third", 2 / 3: "two-thirds", 0.25: "a quarter", 0.75: "three quarters",
                   0.2: "a fifth", 0.1: "a tenth"}
# units written as symbols or abbreviations, never pluralised
_SYMBOL_UNITS = {"km", "m", "cm", "mm", "kg", "g", "mg", "lb", "oz", "ft", "ml", "mph", "km/h", "hp", "kW", "MW",
                 "GW", "W", "V", "kV", "kWh", "MWh", "GWh", "GB", "MB", "TB", "kB", "B", "Mbps", "Gbps", "kbps",
                 "°C", "°F", "µm", "nm", "km2", "m2", "Hz", "MHz", "GHz", "dB", "cc", "mAh", "TEU", "times"}


def _amount(v: float, money: bool = False) -> str:
    """A number as written in a report: 13.6 million, 1,051,635, 2.5, 23.50 (money with cents)."""
    a = abs(v)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= scale and round(a / scale, 3) * scale == a:
            return f"{v / scale:g} {word}"
    if v == int(v):
        return f"{v:,.0f}"
    if money and a >= 1 and round(v, 2) == v:
        return f"{v:,.2f}"
    return f"{v:,.4g}" if a < 1000 else f"{v:,.1f}"


def _unit_words(unit: str, value: float) -> str:
    """The unit after a value: words in the plural ("tonnes", "basis points"), symbols as they are."""
    last = unit.rsplit(" ", 1)[-1]
    if last in _SYMBOL_UNITS or len(last) <= 2 or not last.replace("-", "").isalpha() or abs(value) == 1:
        return unit
    return unit + ("es" if last.endswith(("s", "x", "ch", "sh")) else "s")


def format_figure(value: float, kind: str, unit: str = "", *, high: float = math.nan,
                  qualifier: str = "exactly") -> str:
    """A figure as a researcher writes it: ``$13.6 million``, ``36%``, ``£2.5 billion``, ``164p``,
    ``12.3 million tonnes``, ``over 1,000``, ``$62 to $68``, ``98-2``, ``thousands``, ``half``.
    Used by the figures views (figure lists, conflicts, notes)."""
    if value != value:
        return ""
    q = "" if (qualifier or "exactly") == "exactly" else f"{qualifier} "
    if kind in ("vote", "score") and high == high:
        return f"{q}{_amount(value)}-{_amount(high)}"
    if kind == "range" and high == high:
        end_kind = _kind_of(unit)
        return f"{q}{format_figure(value, end_kind, unit)} to {format_figure(high, end_kind, unit)}"
    if kind == "vague":
        return q.replace("over ", "") + _VAGUE_NAMES.get(value, _amount(value))
    if kind == "fraction":
        name = next((n for f, n in _FRACTION_NAMES.items() if math.isclose(value, f, rel_tol=1e-3)), None)
        return q + (name or f"{value:.3g}")
    if kind == "ordinal":
        n = int(value)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{q}{n}{suffix}"
    if kind == "date":
        return q + (f"{value:.0f}" if value == int(value) else f"{value:g}")
    if kind == "money":
        if unit == "penny":
            return f"{q}{_amount(value)}p"
        if unit == "cent":
            return f"{q}{_amount(value)} cent{'' if value == 1 else 's'}"
        sign = "-" if value < 0 else ""
        symbol = CURRENCY_SYMBOLS.get(unit)
        amount = _amount(abs(value), money=True)
        return f"{q}{sign}{symbol}{amount}" if symbol else f"{q}{sign}{unit} {amount}".replace("  ", " ").strip()
    if unit == "%":
        return f"{q}{_amount(value)}%"
    if unit:
        return f"{q}{_amount(value)} {_unit_words(unit, value)}"
    return q + _amount(value)


def _kind_of(unit: str) -> str:
    """The kind of a range's ends, from the range's unit."""
    if len(unit) == 3 and unit.isupper() or unit in ("penny", "cent"):
        return "money"
    return "percent" if unit == "%" else ("measure" if unit else "count")
