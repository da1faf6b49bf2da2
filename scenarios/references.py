"""Where a scenario file may point: ``extends:`` and ``hypothesis.against``.

The file a user names (on the command line or through the API) may lie
anywhere. The files *it* names may not: a reference is either

* a bare name such as ``baseline`` — the sibling file ``baseline.yaml`` next to
  the referring file if there is one, else the project's scenario library
  (``scenarios/*.yaml``); or
* a relative path such as ``lib/base.yaml`` (``.yaml`` is added when the path
  has no suffix) that, after ``..`` and symbolic links are resolved, stays
  inside the referring file's own folder or below it.

Absolute paths, backslashes and paths that leave the folder are refused
before the target is looked at, so that a scenario cannot make the loader read,
or report on, a file elsewhere on the machine.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

LIBRARY_DIR = Path(__file__).resolve().parent
"""The scenario library: ``scenarios/*.yaml`` of the project (trusted)."""

SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
"""File suffixes of scenario files."""

BARE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
"""A reference without a folder or suffix: a sibling file's or a library scenario's stem."""


class BadReferenceError(Exception):
    """A reference that may not be followed, or names no file.

    Attributes:
        problem: What is wrong, for :class:`~scenarios.errors.ScenarioError`.
        expected: What would have been accepted.
    """

    def __init__(self, problem: str, expected: str) -> None:
        super().__init__(f"{problem}; expected {expected}")
        self.problem = problem
        self.expected = expected


def is_scenario_file_name(path: Path | str) -> bool:
    """Whether a file name ends in ``.yaml`` or ``.yml`` (case-insensitive)."""
    return Path(path).suffix.lower() in SCENARIO_SUFFIXES


def library_names() -> list[str]:
    """Names of the scenarios in the library, sorted."""
    return sorted(p.stem for p in LIBRARY_DIR.glob("*.yaml"))


def locate(target: Any, folder: Path, shown: str, what: str = "extends target") -> Path:
    """The scenario file a reference names, confined as the module describes.

    Args:
        target: The reference as written in the file.
        folder: Folder of the referring file.
        shown: How that folder is named in messages.
        what: What the reference is, for messages (``"extends target"``).

    Returns:
        An existing file inside ``folder`` (or below it), or in the library.

    Raises:
        BadReferenceError: If the reference is malformed, absolute, leaves the
            folder, or names no file.
    """
    accepted = f"a library name such as baseline, or a relative path to a .yaml file inside {shown}"
    if not isinstance(target, str) or not target.strip():
        raise BadReferenceError(f"bad {what}", accepted)
    if "\\" in target or "\0" in target:
        raise BadReferenceError(f"bad {what} (backslash or NUL)", accepted + " (with forward slashes)")
    if PurePosixPath(target).is_absolute() or PureWindowsPath(target).is_absolute() or PureWindowsPath(target).drive:
        raise BadReferenceError(f"absolute {what} refused", accepted + " (name a file elsewhere on the command line)")
    if "/" not in target and not is_scenario_file_name(target):
        return _bare(target, folder, shown, what)
    relative = target if is_scenario_file_name(target) else f"{target}.yaml"
    if os.path.normpath(relative).split(os.sep)[0] == "..":  # refused on its face, before any look at the disk
        raise _leaves(what, shown)
    candidate = folder / relative
    _confine(candidate, folder, what, shown)
    if not candidate.is_file():
        raise BadReferenceError(f"{what} not found in {shown}", f"an existing scenario file {relative} in {shown}")
    return candidate


def locate_data_file(target: Any, folder: Path, shown: str, what: str, suffix: str) -> Path:
    """A data file (a calibration's ``posterior.json``, say) that a scenario names, confined like a scenario reference.

    Raises:
        BadReferenceError: If the reference is not a relative path ending in ``suffix``, leaves the folder, or names no file.
    """
    accepted = f"a relative path to a {suffix} file inside {shown}"
    if not isinstance(target, str) or not target.endswith(suffix) or "\\" in target or "\0" in target:
        raise BadReferenceError(f"bad {what}", accepted)
    if PurePosixPath(target).is_absolute() or PureWindowsPath(target).is_absolute() or PureWindowsPath(target).drive:
        raise BadReferenceError(f"absolute {what} refused", accepted + " (copy the file next to the scenario)")
    if os.path.normpath(target).split(os.sep)[0] == "..":
        raise BadReferenceError(f"{what} leaves {shown}", accepted + " (copy the file next to the scenario)")
    candidate = folder / target
    _confine(candidate, folder, what, shown)
    if not candidate.is_file():
        raise BadReferenceError(f"{what} not found in {shown}", f"an existing file {target} in {shown}")
    return candidate


def _bare(target: str, folder: Path, shown: str, what: str) -> Path:
    if not BARE_NAME.fullmatch(target):
        raise BadReferenceError(f"bad {what}", "a scenario name (letters, digits, _ and -) or a relative .yaml path")
    sibling = folder / f"{target}.yaml"
    if sibling.is_file() or sibling.is_symlink():
        _confine(sibling, folder, what, shown)
        return sibling
    library = LIBRARY_DIR / f"{target}.yaml"
    if library.is_file():
        _confine(library, LIBRARY_DIR, what, "the scenario library")
        return library
    found = sorted(p.stem for p in folder.glob("*.yaml"))
    raise BadReferenceError(
        f"{what} not found in {shown} or the library",
        f"a scenario file {target}.yaml in {shown} (found: {', '.join(found) or 'none'}) "
        f"or a library name ({', '.join(library_names())})",
    )


def _confine(candidate: Path, folder: Path, what: str, shown: str) -> None:
    """Refuse a candidate that resolves (``..``, symbolic links) outside ``folder``."""
    try:
        inside = candidate.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop, say
        inside = False
    if not inside:
        raise _leaves(what, shown)


def _leaves(what: str, shown: str) -> BadReferenceError:
    return BadReferenceError(f"{what} leaves {shown}",
                             f"a file inside {shown} or a library name (name a file elsewhere on the command line)")
