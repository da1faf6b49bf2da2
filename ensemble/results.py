"""Results on disk: a manifest and one Parquet file per finished run.

Layout of a results folder::

    manifest.json          package version, git commit, scenario and its hash, seeds
    steps/run-00007.parquet  long table: run, seed, step, quarter, outcome, dims…, value
    summary/run-00007.parquet one row per run of end-of-horizon indicators

Each run is written as soon as it finishes (to a temporary name, then renamed),
so an interrupted batch keeps every finished run and the same command can
resume by running only the missing indices.

The manifest says ``"created_by": "multivector"``; only a folder with such a
manifest (or an older one with the project's keys) and nothing but the layout
above is ever deleted (:func:`prepare_results_folder`), and default folders are
checked to lie inside their results root (:func:`results_folder`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.outcomes import OUTCOMES

DIMENSIONS = ("state", "domain", "power", "bloc", "corridor")
"""Columns of the long table that label an outcome's dimensions."""


CREATED_BY = "multivector"
"""The manifest's ``created_by``: marks a folder that the project wrote."""

MANIFEST_FORMAT = 1
"""The manifest's ``manifest_format``."""

LEGACY_MANIFEST_KEYS = frozenset(
    {"package_version", "git_commit", "scenario", "scenario_hash", "design", "runs", "root_seed", "seeds"})
"""Keys every manifest has carried, also before ``created_by`` (older folders are recognised by them)."""

LAYOUT: dict[str, bool] = {
    "manifest.json": False, "manifest.json.tmp": False, "report.html": False,
    "steps": True, "summary": True, "figures": True,
}
"""Entries the project writes in a results folder → whether the entry is a folder (of plain files)."""


class ResultsMismatchError(RuntimeError):
    """A results folder holds runs of a different scenario or design."""


class ResultsPathError(RuntimeError):
    """A results folder that may not be written or deleted: outside its results root, or not the project's."""


def results_folder(root: Path, *parts: str) -> Path:
    """A default results folder ``root/parts…``, checked to lie inside ``root``.

    Args:
        root: The results root (need not exist yet).
        *parts: Folder names below it, e.g. ``("compare", "a--b")``.

    Returns:
        ``root`` joined with ``parts``.

    Raises:
        ResultsPathError: If the folder, once ``..`` and symbolic links are
            resolved, is the root itself or lies outside it.
    """
    folder = root.joinpath(*parts)
    real_root, real = root.resolve(), folder.resolve()
    if real == real_root or not real.is_relative_to(real_root):
        raise ResultsPathError(f"results folder {folder} resolves outside the results root {root}; refused "
                               "(scenario names must be identifiers; choose a folder with --out)")
    return folder


def is_results_folder(path: Path) -> bool:
    """Whether ``path`` is a real folder (no symbolic link) holding a manifest the project wrote.

    A manifest counts if it says ``"created_by": "multivector"`` with a
    ``manifest_format`` number, or, for folders written before that marker,
    if it has every key of :data:`LEGACY_MANIFEST_KEYS`. The manifest is only
    parsed, never shown.
    """
    manifest = path / "manifest.json"
    if path.is_symlink() or not path.is_dir() or manifest.is_symlink() or not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False
    if not isinstance(data, dict):
        return False
    if data.get("created_by") == CREATED_BY and type(data.get("manifest_format")) is int:
        return True
    return data.keys() >= LEGACY_MANIFEST_KEYS


def prepare_results_folder(path: Path, *, overwrite: bool, protected: Sequence[tuple[str, Path]] = ()) -> None:
    """Make sure a batch may write into ``path``; with ``overwrite``, discard the project's results there first.

    A missing or empty folder is fine. An existing results folder of the
    project is kept (to resume) or, with ``overwrite``, deleted — but only if
    it is not, and does not contain, a protected folder, and holds nothing
    but what a batch writes (:data:`LAYOUT`). Anything else is refused and
    nothing is deleted. A symbolic link is never followed for deletion.

    Args:
        path: The results folder.
        overwrite: Delete an existing results folder of the project.
        protected: (label, folder) pairs that must never be deleted, with
            their ancestors, e.g. ``("the project checkout", root)``.

    Raises:
        ResultsPathError: If the folder may not be used or deleted; the message
            is one line and says that nothing was deleted.
    """
    if not os.path.lexists(path):
        return
    refused, tail = ("--overwrite refused", "; nothing deleted") if overwrite else ("refused", "")
    if overwrite and path.is_symlink():
        raise ResultsPathError(f"{path}: {refused}: it is a symbolic link, which is not followed{tail}")
    if not path.is_dir():
        raise ResultsPathError(f"{path}: {refused}: not a folder{tail}")
    if overwrite:
        real = path.resolve()
        hits = sorted((real != guard.resolve(), i) for i, (_, guard) in enumerate(protected)
                      if guard.resolve().is_relative_to(real))  # the folder itself first, then what it contains
        if hits:
            label, guard = protected[hits[0][1]]
            raise ResultsPathError(f"{path}: {refused}: it is or contains {label} ({guard}){tail}")
    if not any(path.iterdir()):
        return
    if not is_results_folder(path):
        raise ResultsPathError(f"{path}: {refused}: not a results folder (no manifest written by Multivector){tail}; "
                               "choose a new or empty folder with --out")
    if not overwrite:
        return
    stranger = _foreign_entry(path)
    if stranger is not None:
        raise ResultsPathError(f"{path}: {refused}: it holds {stranger!r}, which a batch does not write{tail}")
    shutil.rmtree(path)


def _foreign_entry(path: Path) -> str | None:
    """The first entry of a results folder that a batch does not write (or a link), else ``None``."""
    for entry in sorted(path.iterdir()):
        is_folder = LAYOUT.get(entry.name)
        if is_folder is None or entry.is_symlink() or entry.is_dir() != is_folder:
            return entry.name
        if is_folder:
            for inner in sorted(entry.iterdir()):
                if inner.is_symlink() or not inner.is_file():
                    return f"{entry.name}/{inner.name}"
    return None


def package_version() -> str:
    """Installed version of the project (``unknown`` when run from a bare checkout)."""
    try:
        return metadata.version("multivector")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit(where: Path) -> str:
    """Commit of the checkout at ``where``, with ``+dirty`` if it has changes; ``unknown`` outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=where, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


@dataclass
class ResultsFolder:
    """A folder of batch results.

    Args:
        path: The folder (created if missing).
    """

    path: Path

    def __post_init__(self) -> None:
        """Create the folder layout."""
        self.path = Path(self.path)
        (self.path / "steps").mkdir(parents=True, exist_ok=True)
        (self.path / "summary").mkdir(parents=True, exist_ok=True)

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.path / "manifest.json"

    def start(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (marked ``created_by``), or check it matches the one already there.

        Raises:
            ResultsMismatchError: If the folder holds runs of another scenario or design.
        """
        if self.manifest_path.exists():
            existing = json.loads(self.manifest_path.read_text())
            for key in ("scenario_hash", "design", "root_seed"):
                if existing.get(key) != manifest.get(key):
                    raise ResultsMismatchError(
                        f"{self.path} holds runs with a different {key} "
                        f"({existing.get(key)!r} vs {manifest.get(key)!r}); choose another --out or pass --overwrite"
                    )
            return
        marked = {"created_by": CREATED_BY, "manifest_format": MANIFEST_FORMAT, **manifest}
        temporary = self.manifest_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(marked, indent=2, ensure_ascii=False))
        os.replace(temporary, self.manifest_path)  # a kill mid-write leaves no half manifest

    def finished(self) -> set[int]:
        """Indices of runs already written."""
        return {int(p.stem.split("-")[1]) for p in (self.path / "steps").glob("run-*.parquet")}

    def write_run(self, index: int, seed: int, outcomes: dict[str, np.ndarray], quarters: list[str],
                  coords: dict[str, tuple[str, ...]], summary: dict[str, float]) -> None:
        """Write one finished run's long table and summary row atomically."""
        steps = long_table(index, seed, outcomes, quarters, coords)
        row = pa.Table.from_pylist([{"run": index, "seed": seed, **summary}])
        _write_atomic(row, self.path / "summary" / f"run-{index:05d}.parquet")
        _write_atomic(steps, self.path / "steps" / f"run-{index:05d}.parquet")

    def load_steps(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        """All runs' long tables (optionally only some outcomes) as one frame."""
        filters = [("outcome", "in", outcomes)] if outcomes else None
        return pq.read_table(self.path / "steps", filters=filters).to_pandas().sort_values(["run", "step"])

    def load_summary(self) -> pd.DataFrame:
        """One row per run."""
        return pq.read_table(self.path / "summary").to_pandas().sort_values("run").reset_index(drop=True)

    def manifest(self) -> dict[str, Any]:
        """The folder's manifest."""
        return json.loads(self.manifest_path.read_text())


def _write_atomic(table: pa.Table, target: Path) -> None:
    temporary = target.with_suffix(".tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, target)


def long_table(index: int, seed: int, outcomes: dict[str, np.ndarray], quarters: list[str],
               coords: dict[str, tuple[str, ...]]) -> pa.Table:
    """One run's outcomes as a long table with one row per value.

    Label columns are dictionary-encoded against the full list of labels, so
    every run's table has the same schema and the file stays small.
    """
    names = list(outcomes)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("step", "outcome", *DIMENSIONS, "value")}
    for number, name in enumerate(names):
        array = outcomes[name]
        dims = OUTCOMES[name].dims
        grid = np.indices(array.shape).reshape(array.ndim, -1)
        parts["step"].append(grid[0])
        parts["outcome"].append(np.full(grid.shape[1], number))
        for dim in DIMENSIONS:
            parts[dim].append(grid[1 + dims.index(dim)] if dim in dims else np.full(grid.shape[1], -1))
        parts["value"].append(array.reshape(-1))
    joined = {k: np.concatenate(v) for k, v in parts.items()}
    n = joined["value"].size

    def labels(indices: np.ndarray, dictionary: list[str] | tuple[str, ...]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(
            pa.array(indices.astype(np.int32), mask=indices < 0), pa.array(list(dictionary), pa.string()))

    return pa.table({
        "run": pa.array(np.full(n, index, dtype=np.int32)),
        "seed": pa.array(np.full(n, seed, dtype=np.int64)),
        "step": pa.array(joined["step"].astype(np.int16)),
        "quarter": labels(joined["step"], quarters),
        "outcome": labels(joined["outcome"], names),
        **{dim: labels(joined[dim], coords[dim]) for dim in DIMENSIONS},
        "value": pa.array(joined["value"]),
    })
