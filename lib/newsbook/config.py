"""Paths from the project root, so nothing depends on the directory a command was started from."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJECT_ROOT / "seeds"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = Path(os.environ.get("NEWSBOOK_OUTPUTS", PROJECT_ROOT / "outputs"))
ANNOTATIONS_DIR = OUTPUTS_DIR / "annotations"
REPORTS_DIR = OUTPUTS_DIR / "reports"
EXECUTED_NOTEBOOKS_DIR = OUTPUTS_DIR / "notebooks"
CACHE_DIR = Path(os.environ.get("NEWSBOOK_CACHE", PROJECT_ROOT / ".cache" / "newsbook"))
KERNEL_NAME = "newsbook"


def resolve_path(path: str | os.PathLike | None, default: Path = SEEDS_DIR) -> Path:
    """A user-given path: absolute as is; relative to the working directory if it exists there,
    else relative to the project root (so `corpus="seeds"` works from a notebook folder too)."""
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    try:
        if p.is_absolute() or p.exists():
            return p.resolve()
        rooted = PROJECT_ROOT / p
        return rooted if rooted.exists() else p.resolve()
    except RuntimeError as exc:  # pathlib's "Symlink loop from ..."
        from .errors import PathError

        raise PathError(f"{path}: a symbolic link loop (a link that leads back to itself), "
                        "not a folder or file") from exc
