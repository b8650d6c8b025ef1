"""Command line: parses arguments and hands them to the library; nothing else lives here."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from . import __version__
from .config import ANNOTATIONS_DIR, CACHE_DIR, SEEDS_DIR
from .errors import NewsbookError

log = logging.getLogger("newsbook")


def _annotate(args: argparse.Namespace) -> int:
    from .pipeline import annotate, check_output, save_tables

    out = Path(args.out)
    check_output(out, args.corpus)  # before any work: --out a file, holding what newsbook did not write
    result = annotate(args.corpus, progress=False if args.quiet else None,
                      cache_dir=None if args.no_cache else CACHE_DIR,
                      jobs=args.jobs, scheduler=args.scheduler, one_story=args.one_story)
    started = time.perf_counter()
    up_to_date = not save_tables(result, out, if_changed=True)
    result.timings["write"] = time.perf_counter() - started
    for row in result.errors.itertuples():
        # a limit keeps the article, cut short; a date warning keeps it as read
        kind = {"limit": "limit", "date": "warning"}.get(row.stage, "error")
        print(f"{kind}: {row.path}: {row.reason}", file=sys.stderr)
    if not args.quiet:
        print(f"{result.summary()}")
        verb = "tables up to date in" if up_to_date else "tables written to"
        print(f"{verb} {out} (cache: {result.cache_hits} hits, {result.cache_misses} parsed)")
        print("time: " + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items()))
    if result.articles.empty:
        print("error: no article could be read", file=sys.stderr)
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    from .run import run_reports

    parameters = {key: value for key, value in (args.parameters or [])}
    if args.annotations:
        from .pipeline import check_saved

        check_saved(args.annotations)  # a torn or changed tables folder is refused before any notebook runs
        parameters["annotations"] = args.annotations
    from . import config, studies
    from .render import content_security_policy, template_css

    if args.out:  # the researcher chose the folder
        out_dir = Path(args.out)
    else:
        chosen = {k: v for k, v in parameters.items() if k != "annotations"}
        out_dir = studies.study_dir(config.OUTPUTS_DIR, args.corpus, args.annotations, chosen, args.name)
    try:
        paths = run_reports(args.names or None, corpus=args.corpus, parameters=parameters, out_dir=out_dir,
                            quiet=args.quiet, jobs=args.jobs,
                            on_warning=lambda message: print(f"warning: {message}", file=sys.stderr))
    finally:
        if not args.out and (out_dir / "reports" / "index.json").exists():
            studies.write_studies_index(config.OUTPUTS_DIR, css=template_css(), csp=content_security_policy())
    if not args.quiet:
        for path in paths:
            print(path)
        print(f"reports of this study: {out_dir / 'reports' / 'index.html'}")
    return 0


def _cache(args: argparse.Namespace) -> int:
    from .cache import format_listing, keep_default, prune
    from .nlp import pipeline_version

    current = pipeline_version()
    keep = keep_default() if args.keep is None else args.keep
    if args.prune:
        pruned = prune(CACHE_DIR, current, keep)
        print(f"removed {len(pruned.versions)} version folder(s) and {pruned.corpus_entries} corpus entries"
              + "".join(f"\n  {name}" for name in pruned.versions))
    print(format_listing(CACHE_DIR, current, keep))
    return 0


def _screenshots(args: argparse.Namespace) -> int:
    from . import config
    from .browser import find_chromium, screenshot_reports

    if find_chromium() is None:
        print("chromium not found: skipping the browser check and screenshots (apt-get install -y chromium)")
        return 1 if args.require else 0
    results = screenshot_reports(Path(args.out) if args.out else None)
    bad = 0
    for r in results:
        state = "ok" if r.ok else "FAILED"
        print(f"{state:6} {r.name}: {r.charts_drawn}/{r.charts} charts drawn, {len(r.console_errors)} console errors, "
              f"{len(r.page_errors)} page errors, {len(r.blocked_requests)} network requests blocked, "
              f"{r.seconds} s -> {r.screenshot}")
        for message in r.console_errors + r.page_errors + r.blocked_requests:
            print(f"       {message}")
        bad += not r.ok
    if args.lab:
        from .lab_check import run_notebooks_in_lab

        out = Path(args.out) if args.out else config.OUTPUTS_DIR
        for run in run_notebooks_in_lab(screenshots_dir=out / "screenshots"):
            state = "ok" if run.ok else "FAILED"
            print(f"{state:6} JupyterLab {run.name}: kernel {run.kernel or '(dialog)'}, {run.cells_run}/{run.code_cells}"
                  f" cells ran, {run.charts_drawn}/{run.charts} charts drawn, {len(run.error_outputs)} errors, "
                  f"{len(run.blocked_requests)} requests blocked, {run.seconds} s -> {run.screenshot}")
            for message in run.error_outputs + run.blocked_requests:
                print(f"       {message}")
            bad += not run.ok
    return 1 if bad else 0


def _evaluate(args: argparse.Namespace) -> int:
    from . import gold_sets

    try:
        gold_sets.select(args.names)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = gold_sets.evaluate(args.names, gold_dir=Path(args.gold) if args.gold else gold_sets.GOLD_DIR,
                               cache_dir=None if args.no_cache else CACHE_DIR,
                               on_skip=lambda message: print(f"warning: {message}", file=sys.stderr))
    if args.json:
        print(table.to_json(orient="records", indent=1))
    else:
        print(gold_sets.format_table(table))
    return 0 if not table.empty else 1


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


DESCRIPTION = """\
newsbook compares how news outlets cover the same events: which figures each source
states and whether they agree, which actors appear and how prominently, who is quoted
and how each outlet renders the same statement. Every number keeps the article and
the character offsets it came from.

Typical use:
  newsbook annotate ~/study/floods --out outputs/floods-tables   read and annotate a corpus
  newsbook report --corpus ~/study/floods                         render every report as HTML
  newsbook report quotes -p speaker "Ana Ruiz"                    rerun one report with a parameter

Without a corpus, the commands use the two seed articles in seeds/."""

EPILOG = "Run 'newsbook COMMAND --help' for a command's options. The README says where everything lands."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbook", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsbook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("annotate", help="read a corpus, find its actors, quotes and figures, and write every "
                                        "table (Parquet and CSV) for your own analysis",
                       description="Read every article of a corpus folder or file, find the actors, quotes and "
                                   "figures in each, compare them across sources, and write the tables "
                                   "(docs/schema.md says what each column means). Broken articles are listed "
                                   "by name; the rest are annotated.")
    p.add_argument("corpus", nargs="?", default=str(SEEDS_DIR), help="corpus folder or file (default: seeds/)")
    p.add_argument("--out", default=str(ANNOTATIONS_DIR), help="output folder (default: outputs/annotations/)")
    p.add_argument("--no-cache", action="store_true", help="parse every article again")
    p.add_argument("--quiet", action="store_true", help="no progress bar, errors only")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="parse in N local processes (default: 1, this process); tables are identical")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the per-article work on a Dask cluster: tcp://HOST:8786, or 'local' for a "
                        "local cluster of --jobs workers (needs the 'cluster' extra)")
    p.add_argument("--one-story", action="store_true",
                   help="take the whole corpus as one news story (default: group the articles into stories by "
                        "their `event` metadata, else by content and dates)")
    p.set_defaults(func=_annotate)

    p = sub.add_parser("report", help="render the reports (overview, actors, quotes, figures) as HTML pages you "
                                      "can open offline and share",
                       description="Run the analysis notebooks on a corpus and render each as a self-contained "
                                   "HTML report, plus an index listing every report with its parameters.")
    p.add_argument("names", nargs="*", help="notebooks to run (default: all)")
    p.add_argument("--corpus", default=None, help="corpus folder or file (default: seeds/)")
    p.add_argument("--annotations", default=None, metavar="DIR",
                   help="report on the tables saved by `newsbook annotate --out DIR` instead of annotating "
                        "the corpus (the same as -p annotations DIR)")
    p.add_argument("-j", "--parallel", "--jobs", dest="jobs", type=int, default=None, metavar="N",
                   help="run N notebooks at a time, each in its own process (default: 2 on 2 or more cores; "
                        "1 runs them one after the other); the reports are the same")
    p.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="override a notebook parameter (repeatable)")
    p.add_argument("--out", default=None,
                   help="the study's output folder (default: outputs/STUDY/, STUDY being --name or the corpus "
                        "folder's name, with the parameters appended when they differ from the defaults)")
    p.add_argument("--name", default=None, help="name the study's folder outputs/NAME/ (e.g. to keep a rerun apart)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_report)

    p = sub.add_parser("cache", help="show or prune the cache that makes re-runs fast (size, entries, last use); "
                                     "--prune removes old ones")
    p.add_argument("--prune", action="store_true",
                   help="remove the version folders not among the --keep most recently used (never the current one)")
    p.add_argument("--keep", type=_non_negative, default=None, metavar="N",
                   help="how many recently used versions to keep (default: NEWSBOOK_CACHE_KEEP, else 3)")
    p.set_defaults(func=_cache)

    p = sub.add_parser("screenshots", help="check every rendered report in headless Chromium (networking off) "
                                           "and keep a screenshot of each",
                       description="Open every rendered report in headless Chromium with networking off, check "
                                   "that every chart drew and the console stayed clean, and keep a PNG screenshot "
                                   "of each (outputs/screenshots/). Exit 1 if a chart did not draw or the console "
                                   "showed an error. Without Chromium: a message, and exit 0 unless --require.")
    p.add_argument("--out", default=None, help="outputs folder holding reports/ (default: outputs/)")
    p.add_argument("--require", action="store_true", help="fail if Chromium is missing")
    p.add_argument("--lab", action="store_true",
                   help="also run every notebook in JupyterLab (offline) and screenshot its first chart")
    p.set_defaults(func=_screenshots)

    p = sub.add_parser("evaluate", help="score the extractors (quotes, actors, figures) and the story grouping "
                                        "against the hand-made gold sets: precision, recall, F1",
                       description="Annotate each gold set's articles and score the tables against its gold "
                                   "(tests/gold/*.yaml), and score story grouping (B-cubed) on labelled corpora. "
                                   "One row per extractor, gold set and measure. Gold sets: "
                                   "quotes/{seeds,wire,wikinews,ecbplus}, actors/{seeds,wire,wikinews}, "
                                   "figures/{seeds,wikinews}, stories/{ecbplus-subset,ecbplus-dev}.")
    p.add_argument("names", nargs="*", help="gold sets to score, by extractor (quotes), set (seeds) or both "
                                            "(quotes/seeds); default: all")
    p.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    p.add_argument("--gold", default=None, metavar="DIR", help="folder of the gold files (default: tests/gold/)")
    p.add_argument("--no-cache", action="store_true", help="parse every article again")
    p.set_defaults(func=_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if getattr(args, "quiet", False) else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except NewsbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
