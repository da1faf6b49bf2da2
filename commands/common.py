"""What every verb of the command line shares: defaults, exit codes, the error type, output, the program's name and version.

Each default is defined here once (those of the calibration, the designs and
Dask come from the packages that own them); the option types and the options
several verbs share are in :mod:`commands.options`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from tqdm import tqdm

from multivector.scenarios.errors import MISSING, show

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESULTS_ROOT = Path("results")
DEFAULT_REPLICATES = 50
DEFAULT_SAMPLES = 16
DEFAULT_COMPARE_REPLICATES = 30
DEFAULT_ABLATION_REPLICATES = 12
DEFAULT_FACTS_REPLICATES = 24
DEFAULT_ROOT_SEED = 20210101
DEFAULT_WORKERS = os.cpu_count() or 1
LARGE_BATCH = 1000
"""Runs from which 'run' says, before it starts, how many runs it will do and about how long they may take."""

EXIT_OK = 0
EXIT_WRITE_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A problem of the command line that is not a scenario's: one line for standard error, and the exit code.

    ``run.main`` prints ``<label>: <message>`` and returns :attr:`exit_code`.

    Args:
        message: What went wrong (line breaks become spaces: it is shown on one line).
        exit_code: :data:`EXIT_BAD_INPUT` (the default), :data:`EXIT_WRITE_FAILED` or :data:`EXIT_INTERRUPTED`.
        label: The word before the message: ``error``, or ``interrupted`` for a Ctrl-C.
    """

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT, label: str = "error") -> None:
        super().__init__(" ".join(message.splitlines()))
        self.exit_code = exit_code
        self.label = label

    @classmethod
    def bad_value(cls, key: str, problem: str, value: Any = MISSING, expected: str = "",
                  where: str = "<command line>") -> CommandError:
        """A bad option or argument, worded as a scenario's problems are: ``<where>: <key>: <problem>; got <value>, expected <what>``."""
        message = f"{where}: {key}: {problem}; got {show(value)}"
        return cls(message + (f", expected {expected}" if expected else ""))

    @classmethod
    def interrupted(cls, message: str) -> CommandError:
        """A Ctrl-C: what was kept, if anything; exit code :data:`EXIT_INTERRUPTED`."""
        return cls(message, EXIT_INTERRUPTED, "interrupted")

    @classmethod
    def write_failed(cls, message: str) -> CommandError:
        """A write that failed (a full disk, a file-size limit); exit code :data:`EXIT_WRITE_FAILED`."""
        return cls(message, EXIT_WRITE_FAILED)

    def line(self) -> str:
        """The line printed on standard error."""
        return f"{self.label}: {self}"


# ------------------------------------------------------------------ output


def shown(path: Path) -> Path:
    """A path relative to the working directory when it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def progress(total: int, done: int) -> tqdm:
    """A progress bar of runs on standard error, ``done`` of ``total`` already finished."""
    tqdm.monitor_interval = 0  # no monitor thread, so worker processes can be forked (ensemble.executors.pool_context)
    return tqdm(total=total, initial=done, unit="run", desc="runs", dynamic_ncols=True)


def replace_between_markers(path: Path, block: str, markers: tuple[str, str]) -> None:
    """Replace the text between two marker lines of a file with ``block``.

    Raises:
        CommandError: If the file lacks either marker.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = markers
    if start not in text or end not in text:
        raise CommandError.bad_value("<file>", "markers not found", path.name, f"a file with the lines {start} and {end}",
                                     where=str(path))
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")


def results_path(path: Path) -> Path:
    """A results folder that ``run`` wrote, checked to be one (and of this version's layout).

    Raises:
        CommandError: If it is not a results folder.
        ensemble.results.OldLayoutError: If an older version wrote it.
    """
    from multivector.ensemble.results import ResultsFolder, is_results_folder  # pandas, pyarrow: not loaded for --help

    if not is_results_folder(path):
        raise CommandError.bad_value("<results>", "not a results folder", str(path),
                                     "a folder written by 'run.py run' (with its manifest.json)", where=str(path))
    ResultsFolder(path).manifest()  # one line if an older version wrote it
    return path


# ------------------------------------------------------------------ the program


def program_name() -> str:
    """How the command line was called: ``multivector`` (the installed script) or ``run.py``."""
    name = Path(sys.argv[0]).name if sys.argv else ""
    return name if name in ("multivector", "run.py") else "run.py"


def program_version() -> str:
    """The installed version of the project, else the one pyproject.toml names, else ``unknown``."""
    try:
        return metadata.version("multivector")
    except metadata.PackageNotFoundError:
        try:
            with open(PROJECT_ROOT / "pyproject.toml", "rb") as handle:
                return str(tomllib.load(handle)["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


class VersionAction(argparse.Action):
    """``--version``: print ``multivector <version>`` and exit 0 (the version is looked up only then)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: Any = argparse.SUPPRESS,
                 help: str = "print the version and exit") -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        """Print the version and leave."""
        print(f"multivector {program_version()}")
        parser.exit(EXIT_OK)
