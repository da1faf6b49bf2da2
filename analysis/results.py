"""Results on disk: a manifest and one Parquet file per finished run.

Layout of a results folder::

    manifest.json          package version, git commit, scenario and its hash, seeds
    steps/run-00007.parquet  long table: run, seed, step, quarter, outcome, dims…, value
    summary/run-00007.parquet one row per run of end-of-horizon indicators

Each run is written as soon as it finishes (to a temporary name, then renamed),
so an interrupted batch keeps every finished run and the same command can
resume by running only the missing indices.
"""

from __future__ import annotations

import json
import os
import subprocess
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


class ResultsMismatchError(RuntimeError):
    """A results folder holds runs of a different scenario or design."""


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
        """Write the manifest, or check it matches the one already there.

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
        temporary = self.manifest_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
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
