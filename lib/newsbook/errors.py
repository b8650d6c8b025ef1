"""Every error type newsbook raises, in one place."""

from __future__ import annotations


class NewsbookError(Exception):
    """Base class for newsbook's own errors."""


class ArticleError(NewsbookError):
    """One article could not be read; the rest of the corpus still is."""

    def __init__(self, path: str, reason: str, article_id: str = ""):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.article_id = article_id


class CorpusError(NewsbookError):
    """The corpus as a whole is unusable (missing, or not one article could be read)."""


class PathError(NewsbookError):
    """A path given by the user cannot be followed (a symbolic link loop)."""


class CorrectionsError(NewsbookError):
    """actors.yaml is malformed or cannot be read (`path` and `reason` say which and why)."""

    def __init__(self, message: str, *, path: str = "", reason: str = ""):
        super().__init__(message)
        self.path = path
        self.reason = reason or message


class ParameterError(NewsbookError):
    """A notebook was given a parameter it does not take, or a value it cannot take."""


class KernelStartError(NewsbookError):
    """A notebook's kernel did not start (before any cell ran)."""


class NotebookFailed(NewsbookError):
    """A notebook raised while running; names the notebook and the failing cell."""

    def __init__(self, notebook: str, cell: str, detail: str, executed_path: str = ""):
        where = f"failed in cell {cell}" if cell else "did not run"  # no cell: it failed before any ran
        super().__init__(f"notebook {notebook!r} {where}: {detail}"
                         + (f" (executed notebook kept at {executed_path})" if executed_path else ""))
        self.notebook = notebook
        self.cell = cell
        self.detail = detail
        self.executed_path = executed_path


class OutputFolderError(NewsbookError, OSError):
    """An output folder cannot take newsbook's tables: it is a file, holds something newsbook did
    not write where a table goes, is read-only, or the disk filled up. Nothing was changed. (Also an
    OSError, as a failed write always was.)"""


class TablesMismatch(CorpusError):
    """A folder of saved tables does not match its manifest (changed, or only partly written)."""
