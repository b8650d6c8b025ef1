"""One folder per study: reports of a corpus land in outputs/<study>/, a rerun with other
parameters beside the first, and outputs/index.html lists every study."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from newsbook import studies

ROOT = Path(__file__).resolve().parents[1]


def test_a_study_is_named_after_its_corpus_or_its_name(tmp_path):
    assert studies.study_name("/home/r/study/floods") == "floods"
    assert studies.study_name("/home/r/study/floods/") == "floods"
    assert studies.study_name(None) == "seeds"
    assert studies.study_name("x", annotations="/data/floods-tables") == "floods-tables"
    assert studies.study_name("x", name="Floods, week 2") == "Floods-week-2"
    (tmp_path / "wire.jsonl").write_text("{}\n")
    assert studies.study_name(str(tmp_path / "wire.jsonl")) == f"{tmp_path.name}-wire"


def test_other_parameters_give_a_folder_beside_the_first():
    base = studies.study_dir(Path("/o"), "/c/floods")
    rerun = studies.study_dir(Path("/o"), "/c/floods", parameters={"speaker": "Ana Ruiz", "top_n": "5"})
    other = studies.study_dir(Path("/o"), "/c/floods", parameters={"speaker": "Ana Ruiz", "top_n": "6"})
    assert base == Path("/o/floods")
    assert rerun.parent == base.parent and rerun.name.startswith("floods--speaker-Ana-Ruiz_top_n-5-")
    assert len({base, rerun, other}) == 3
    # the data a study is (corpus, annotations) is its name, not a parameter
    assert studies.study_dir(Path("/o"), "/c/floods", parameters={"corpus": "/c/floods"}) == base
    assert studies.study_dir(Path("/o"), "/c/floods", parameters={"top_n": "5"}, name="mine") == Path("/o/mine")


def test_the_studies_index_lists_each_study_and_escapes_what_it_shows(tmp_path):
    for folder, corpus in (("floods", "/c/floods"), ("fires", "/c/<b>fires</b>")):
        reports = tmp_path / folder / "reports"
        reports.mkdir(parents=True)
        (reports / "index.json").write_text(json.dumps({"reports": {"overview": {
            "corpus": {"path": corpus, "n_articles": 3}, "parameters": {"corpus": corpus, "top_n": 5},
            "generated": "2026-12-03T10:00:00"}}}))
    (tmp_path / "annotations").mkdir()  # a folder without reports is not a study
    page = studies.write_studies_index(tmp_path).read_text()
    assert 'href="floods/reports/index.html"' in page and 'href="fires/reports/index.html"' in page
    assert "annotations" not in page.split("<tbody>")[1]
    assert "<b>fires</b>" not in page and "&lt;b&gt;fires&lt;/b&gt;" in page
    assert "top_n = 5" in page


def test_newsbook_report_keeps_studies_and_reruns_apart(tmp_path):
    corpus = tmp_path / "floods"
    corpus.mkdir()
    for name in ("000_fda179f46792bc79.txt", "001_b5577f8a9bb7cc0d.txt"):
        shutil.copy(ROOT / "seeds" / name, corpus / name)
    outputs = tmp_path / "outputs"
    env = {**os.environ, "NEWSBOOK_OUTPUTS": str(outputs), "PYTHONPATH": str(ROOT / "lib")}
    command = [sys.executable, "-m", "newsbook.cli", "report", "overview", "--corpus", str(corpus), "--quiet", "-j", "1"]
    subprocess.run(command, env=env, check=True, timeout=600)
    subprocess.run(command + ["-p", "max_articles", "1"], env=env, check=True, timeout=600)
    folders = sorted(p.name for p in outputs.iterdir() if p.is_dir())
    assert folders[0] == "floods" and folders[1].startswith("floods--max_articles-1-") and len(folders) == 2
    for folder in folders:
        assert (outputs / folder / "reports" / "overview.html").exists()
        assert (outputs / folder / "reports" / "index.html").exists()
    index = (outputs / "index.html").read_text()
    assert all(f'href="{folder}/reports/index.html"' in index for folder in folders)
