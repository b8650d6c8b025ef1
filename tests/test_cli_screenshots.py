"""`newsbook screenshots` (moved from ``python -m newsbook.report screenshots``, which still works) and
the `newsbook.report` facade the notebooks use."""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsbook import cli, report

ROOT = Path(__file__).resolve().parents[1]


def test_screenshots_without_chromium_says_so_and_fails_only_when_required(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("NEWSBOOK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert cli.main(["screenshots", "--out", str(tmp_path)]) == 0
    assert "chromium not found" in capsys.readouterr().out
    assert cli.main(["screenshots", "--out", str(tmp_path), "--require"]) == 1
    assert report.main(["screenshots", "--out", str(tmp_path), "--require"]) == 1  # the old command line


def test_every_report_name_the_notebooks_use_is_on_the_facade():
    used = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            used |= set(re.findall(r"\breport\.([A-Za-z_]\w*)", "".join(cell["source"])))
    assert {"table", "links"} <= used
    assert sorted(name for name in used if not hasattr(report, name)) == []
