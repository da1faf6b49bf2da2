"""Results on disk: a manifest and one wide, columnar Parquet file per chunk of runs.

Layout of a results folder::

    manifest.json                     versions (package, git commit, Python, Mesa, numpy), command line, workers,
                                      UTC start time, scenario and its hash, design, seeds, chunk size
    chunks/chunk-00000000.parquet     one row per (run, step) of the runs of a chunk (here runs 0, 1, …)
    chunks/chunk-00000256.parquet     …the next chunk, named by its first run
    figures/*.png, report.html        drawn from the chunks by ``run.py plot`` and ``run.py report``

A chunk file is wide: columns ``run`` (int32), ``seed`` (int64), ``point``
(int32, the design point), one float64 column per design factor named by its
key path (``factor.states.KAZ.dependence_aversion``; none for replicates),
``step`` (int16), ``quarter`` (dictionary-encoded text) and one float64 column
per element of every stored outcome, named ``outcome.coordinate…``
(``alignment.KAZ.security.RUS``, ``capacity.CHN``, ``cohesion``). Stored values
are bitwise the engine's. Outcomes that are functions of others
(:data:`model.outcomes.DERIVED`) are not stored but derived when read, by the
engine's own code. The file's key-value metadata holds its run indices and
seeds, the layout version and what a reader needs to label and derive
(quarters, coordinates, the scenario's structure, factors).

A chunk is simulated and encoded to Parquet bytes where it runs (in a worker:
:func:`encode_chunk`); the main process only writes the bytes, to a temporary
name then renamed (:meth:`ResultsFolder.write_chunk`), so a file is complete or
absent. On resume every chunk file is checked (:meth:`ResultsFolder.recover`):
a truncated or damaged one is reported, deleted and its runs redone.

The manifest says ``"created_by": "multivector"``; only a folder with such a
manifest (or an older one with the project's keys) and nothing but the layout
above is ever deleted (:func:`prepare_results_folder`), and default folders are
checked to lie inside their results root (:func:`results_folder`).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from multivector.ensemble.chunks import ChunkResult, Job, simulate_chunk
from multivector.model.calendar import quarter_range
from multivector.model.errors import InputError
from multivector.model.outcomes import DERIVED, OUTCOMES, STORED, SUMMARY_INPUTS, Structure, coordinates, derive, inputs_of, summarise_runs
from multivector.model.params import BLOCS, Scenario

DIMENSIONS = ("state", "domain", "power", "bloc", "corridor")
"""Columns of the long table that label an outcome's dimensions."""


CREATED_BY = "multivector"
"""The manifest's ``created_by``: marks a folder that the project wrote."""

MANIFEST_FORMAT = 2
"""The manifest's ``manifest_format``: 2 is the chunk layout; 1 (and manifests without the marker) wrote one file per run."""

LEGACY_MANIFEST_KEYS = frozenset(
    {"package_version", "git_commit", "scenario", "scenario_hash", "design", "runs", "root_seed", "seeds"})
"""Keys every manifest has carried, also before ``created_by`` (older folders are recognised by them)."""

LAYOUT: dict[str, bool] = {
    "manifest.json": False, "manifest.json.tmp": False, "report.html": False,
    "chunks": True, "figures": True,
    "steps": True, "summary": True,  # the per-run layout of manifest format 1, so that --overwrite may discard it
}
"""Entries the project writes in a results folder → whether the entry is a folder (of plain files)."""

LAYOUT_VERSION = "1"
"""Version of the wide chunk file (the ``multivector.layout`` key of its metadata)."""

CHUNK_FILE = re.compile(r"chunk-(\d{8})\.parquet")
"""Names of chunk files: ``chunk-`` and the first run's index, zero-padded to 8 digits."""

TEMPORARY_FILE = re.compile(r"chunk-(\d{8})\.parquet\.tmp")
"""A chunk file being written (left behind only by a kill)."""

COMPRESSION = "lz4"
"""Parquet codec of chunk files (LZ4 raw): as small as zstd on these floats at half the cost."""

KEY_RUN, KEY_STEP, KEY_QUARTER = "run", "step", "quarter"


class ResultsMismatchError(InputError):
    """A results folder holds runs of a different scenario or design."""


class OldLayoutError(ResultsMismatchError):
    """A results folder written in the per-run layout of an older version."""


class ResultsPathError(InputError):
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


def environment() -> dict[str, str]:
    """The interpreter and libraries a batch runs under: Python, Mesa and numpy versions (Mesa's read without importing it)."""
    try:
        mesa = metadata.version("mesa")
    except metadata.PackageNotFoundError:
        mesa = "not installed"
    return {"python_version": platform.python_version(), "mesa_version": mesa, "numpy_version": np.__version__}


def utc_now() -> str:
    """The time now in UTC, to the second, as ISO 8601 (``2026-05-09T07:35:25Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


INVOCATION_KEYS: tuple[str, ...] = ("started_utc", "command", "workers", "dask", "package_version", "git_commit",
                                    "python_version", "mesa_version", "numpy_version")
"""Manifest entries that describe one invocation rather than the batch: a resume may differ in any of them
(only :data:`MATCHED_KEYS` must match); each resume appends its own to the manifest's ``resumed`` list."""


def git_commit(where: Path) -> str:
    """Commit of the checkout at ``where``, with ``+dirty`` if it has changes; ``unknown`` outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=where, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")




# ------------------------------------------------------------------ the wide chunk layout


@dataclass(frozen=True)
class WideLayout:
    """What the columns of a batch's chunk files are and how they are labelled.

    Attributes:
        quarters: Quarter label of each step.
        coords: Dimension name → labels (``model.outcomes.coordinates``).
        structure: What the derived outcomes need of the scenario.
        factors: Key paths of the design's factors, in design order (empty for replicates).
        replicates: Runs per design point: run ``k`` is point ``k // replicates``.
    """

    quarters: tuple[str, ...]
    coords: Mapping[str, tuple[str, ...]] = field(hash=False)
    structure: Structure
    factors: tuple[tuple[str, ...], ...] = ()
    replicates: int = 1

    @classmethod
    def of(cls, scenario: Scenario, factors: Iterable[Sequence[str]] = (), replicates: int = 1) -> WideLayout:
        """The layout of a batch of ``scenario`` over design factors (key paths) with ``replicates`` runs per point."""
        return cls(tuple(quarter_range(scenario.start, scenario.end)), coordinates(scenario), Structure.of(scenario),
                   tuple(tuple(path) for path in factors), replicates)

    @classmethod
    def from_description(cls, data: Mapping[str, Any]) -> WideLayout:
        """The layout recorded by :meth:`describe` (in every chunk file's metadata)."""
        return cls(tuple(data["quarters"]), {d: tuple(labels) for d, labels in data["coordinates"].items()},
                   Structure.from_json(data["structure"]), tuple(tuple(p) for p in data["factors"]), int(data["replicates"]))

    def describe(self) -> dict[str, Any]:
        """A JSON-ready record: quarters, coordinates, structure, factors, replicates and the stored outcomes' dimensions."""
        return {"quarters": list(self.quarters), "coordinates": {d: list(v) for d, v in self.coords.items()},
                "structure": self.structure.to_json(), "factors": [list(p) for p in self.factors],
                "replicates": self.replicates, "stored": {name: list(OUTCOMES[name].dims) for name in STORED}}

    @property
    def steps(self) -> int:
        """Steps of a run (rows per run)."""
        return len(self.quarters)

    def shape(self, outcome: str) -> tuple[int, ...]:
        """Sizes of an outcome's dimensions (after the time axis)."""
        return tuple(len(self.coords[d]) for d in OUTCOMES[outcome].dims)

    def outcome_columns(self, outcome: str) -> list[str]:
        """Column names of an outcome's elements, in C order of its dimensions (``alignment.KAZ.security.RUS``)."""
        names = [outcome]
        for dim in OUTCOMES[outcome].dims:
            names = [f"{name}.{label}" for name in names for label in self.coords[dim]]
        return names

    @property
    def factor_columns(self) -> list[str]:
        """Column names of the design factors: ``factor.`` and the dotted key path."""
        return ["factor." + ".".join(path) for path in self.factors]

    @property
    def columns(self) -> list[str]:
        """Every column of a chunk file, in order."""
        return ["run", "seed", "point", *self.factor_columns, "step", "quarter",
                *(column for name in STORED for column in self.outcome_columns(name))]


@dataclass(frozen=True)
class EncodedChunk:
    """A finished chunk as the bytes of its Parquet file: all that travels back from a worker.

    Attributes:
        indices: The runs it holds, in file order.
        data: The Parquet file.
    """

    indices: np.ndarray
    data: bytes

    @property
    def first(self) -> int:
        """The lowest run index (the file is named by it)."""
        return int(self.indices.min())

    @property
    def runs(self) -> int:
        """How many runs it holds."""
        return len(self.indices)


def encode_chunk(layout: WideLayout, scenario: Scenario, jobs: list[Job]) -> EncodedChunk:
    """Simulate a chunk and encode it as a wide Parquet file in memory (a chunk task: ``partial(encode_chunk, layout)``).

    Runs where the chunk runs — in a worker, or on a Dask cluster — so that only
    the file's bytes and its run indices travel back to the process that writes it.
    """
    chunk = simulate_chunk(scenario, jobs)
    return EncodedChunk(chunk.indices, encode_table(chunk_table(layout, chunk)))


def chunk_table(layout: WideLayout, chunk: ChunkResult) -> pa.Table:
    """A chunk's runs as one wide table: one row per (run, step), the stored outcomes' elements as float64 columns."""
    indices, seeds, steps = chunk.indices, chunk.seeds, layout.steps
    runs = len(indices)

    def per_run(values: Any, dtype: type) -> pa.Array:
        return pa.array(np.repeat(np.asarray(values, dtype=dtype), steps))

    step = np.tile(np.arange(steps, dtype=np.int16), runs)
    arrays = [per_run(indices, np.int32), per_run(seeds, np.int64), per_run(indices // layout.replicates, np.int32)]
    arrays += [per_run([float(job[2][path]) for job in chunk.jobs], np.float64) for path in layout.factors]
    arrays += [pa.array(step), pa.DictionaryArray.from_arrays(pa.array(step.astype(np.int32)), pa.array(layout.quarters))]
    for name in STORED:
        elements = np.ascontiguousarray(chunk.outcomes[name].reshape(runs * steps, -1).T)
        arrays += [pa.array(column) for column in elements]
    metadata = {
        "multivector.layout": LAYOUT_VERSION,
        "multivector.runs": json.dumps(indices.tolist()),
        "multivector.seeds": json.dumps(seeds.tolist()),
        "multivector.description": json.dumps(layout.describe()),
    }
    schema = pa.schema([pa.field(name, array.type) for name, array in zip(layout.columns, arrays, strict=True)], metadata=metadata)
    return pa.Table.from_arrays(arrays, schema=schema)


def encode_table(table: pa.Table) -> bytes:
    """A wide table as Parquet bytes: LZ4, byte-stream-split floats, page checksums, statistics on the key columns."""
    floats = [f.name for f in table.schema if pa.types.is_float64(f.type)]
    keys = [f.name for f in table.schema if not pa.types.is_float64(f.type) and f.name != "quarter"]
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=COMPRESSION, use_dictionary=["quarter"], use_byte_stream_split=floats,
                   write_statistics=keys + [f for f in floats if f.startswith("factor.")], write_page_checksum=True)
    return sink.getvalue().to_pybytes()


class DamagedChunkError(InputError):
    """A chunk file that cannot be read whole (truncated, altered or of another layout)."""


def check_chunk(path: Path, layout: WideLayout, runs: int, seeds: Sequence[int]) -> np.ndarray:
    """Check one chunk file completely and return the runs it holds.

    The footer must be readable, the layout and columns those of the batch, the
    row count the runs × steps, every page must pass its checksum, and the
    ``run``, ``seed`` and ``step`` columns must match the runs and seeds of its
    metadata and of the batch (run ``k`` has seed ``seeds[k % replicates]``).

    Raises:
        DamagedChunkError: With the first problem found.
    """
    try:
        file = pq.ParquetFile(path, page_checksum_verification=True)
        indices, seeds_held, description = _file_metadata(file.metadata)
        if description != json.loads(json.dumps(layout.describe())):
            raise DamagedChunkError("written for another scenario or design")
        if file.schema_arrow.names != layout.columns:
            raise DamagedChunkError("its columns are not the layout's")
        if file.metadata.num_rows != len(indices) * layout.steps:
            raise DamagedChunkError(f"{file.metadata.num_rows} rows for {len(indices)} runs of {layout.steps} steps")
        table = file.read(use_threads=True)  # every page, so that every checksum is verified
    except DamagedChunkError:
        raise
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as error:
        raise DamagedChunkError(_first_line(error)) from None
    if len(indices) == 0 or indices.min() < 0 or indices.max() >= runs or len(np.unique(indices)) != len(indices):
        raise DamagedChunkError("its run indices are not runs of this batch")
    expected_seeds = np.asarray(seeds, dtype=np.int64)[indices % layout.replicates] if len(seeds) else seeds_held
    if not np.array_equal(seeds_held, expected_seeds):
        raise DamagedChunkError("its seeds are not the batch's")
    for name, expected in (("run", indices), ("seed", seeds_held), ("step", None)):
        column = table.column(name).to_numpy()
        wanted = np.tile(np.arange(layout.steps), len(indices)) if expected is None else np.repeat(expected, layout.steps)
        if not np.array_equal(column, wanted):
            raise DamagedChunkError(f"its {name} column does not match its metadata")
    return indices


def _file_metadata(metadata: pq.FileMetaData) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Runs, seeds and layout description recorded in a chunk file's key-value metadata."""
    pairs = metadata.metadata or {}
    if pairs.get(b"multivector.layout") != LAYOUT_VERSION.encode():
        raise DamagedChunkError("not a chunk file of this layout version")
    indices = np.array(json.loads(pairs[b"multivector.runs"]), dtype=np.int64)
    seeds = np.array(json.loads(pairs[b"multivector.seeds"]), dtype=np.int64)
    if indices.ndim != 1 or seeds.shape != indices.shape:
        raise DamagedChunkError("its runs and seeds do not pair up")
    return indices, seeds, json.loads(pairs[b"multivector.description"])


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


# ------------------------------------------------------------------ the folder


@dataclass
class ResultsFolder:
    """A folder of batch results (see the module docstring for the layout).

    Opening one reads nothing and creates nothing; :meth:`start` begins or
    resumes a batch, :meth:`recover` checks what an earlier batch left,
    :meth:`write_chunk` stores a finished chunk, and ``load_…`` read.

    Args:
        path: The folder.
    """

    path: Path
    _manifest: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Normalise the path."""
        self.path = Path(self.path)

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.path / "manifest.json"

    @property
    def chunks_path(self) -> Path:
        """The folder of chunk files."""
        return self.path / "chunks"

    # ------------------------------------------------------------- writing

    def start(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (marked ``created_by`` and ``manifest_format``), or check it matches the one already there.

        A resume is refused only if :data:`MATCHED_KEYS` differ; its own :data:`INVOCATION_KEYS`
        (time, command line, workers, versions) are appended to the manifest's ``resumed`` list.

        Raises:
            OldLayoutError: If the folder was written in the layout of an older version.
            ResultsMismatchError: If the folder holds runs of another scenario or design.
        """
        if self.manifest_path.exists():
            existing = self.manifest()
            differences = batch_differences(existing, manifest)
            if differences:
                runs = existing.get("runs")
                held = f" ({runs:,} runs)" if isinstance(runs, int) else ""
                raise ResultsMismatchError(
                    f"{_shown(self.path)} holds another batch{held}: {'; '.join(differences)}; "
                    "choose another folder with --out, or pass --overwrite to discard it"
                )
            invocation = {key: manifest[key] for key in INVOCATION_KEYS if key in manifest}
            if invocation:
                self._write_manifest({**existing, "resumed": [*existing.get("resumed", []), invocation]})
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_manifest({"created_by": CREATED_BY, "manifest_format": MANIFEST_FORMAT, **manifest})
        self.chunks_path.mkdir(exist_ok=True)

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        temporary = self.manifest_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        os.replace(temporary, self.manifest_path)  # a kill mid-write leaves no half manifest
        self._manifest = manifest

    def recover(self, layout: WideLayout, runs: int, seeds: Sequence[int] = ()) -> list[str]:
        """Make the chunk files a batch left behind safe to resume from; return one line per thing done.

        Temporary files of chunks being written when a batch was killed are
        removed; every chunk file is checked whole (:func:`check_chunk`), and a
        truncated or damaged one — or one repeating runs of another — is deleted
        so that its runs are done again. Only regular files named like the
        project's chunk files inside ``chunks/`` are ever deleted.

        Args:
            layout: The batch's layout.
            runs: Runs in the batch.
            seeds: The seeds of the replicates (run ``k`` has ``seeds[k % replicates]``); empty to skip that check.
        """
        lines = []
        entries = self._entries()
        stray = [path for path, temporary in entries if temporary]
        for path in stray:
            path.unlink()
        if stray:
            lines.append(f"removed {len(stray)} unfinished chunk file(s) left by an interrupted batch in {self.chunks_path}")
        held: set[int] = set()
        for path in (path for path, temporary in entries if not temporary):
            try:
                indices = check_chunk(path, layout, runs, seeds)
                if held.intersection(indices.tolist()):
                    raise DamagedChunkError("it repeats runs of another chunk file")
            except DamagedChunkError as problem:
                path.unlink()
                lines.append(f"damaged chunk file {path} ({problem}): deleted; its runs will be done again")
                continue
            held.update(indices.tolist())
        return lines

    def write_chunk(self, chunk: EncodedChunk) -> Path:
        """Write a finished chunk's file atomically (temporary name, then renamed) and return its path."""
        target = self.chunks_path / f"chunk-{chunk.first:08d}.parquet"
        temporary = target.with_name(target.name + ".tmp")
        try:
            temporary.write_bytes(chunk.data)
        except OSError as error:  # a full disk: leave no partial file behind (a resume would delete it anyway)
            temporary.unlink(missing_ok=True)
            raise OSError(error.errno, error.strerror, str(temporary)) from error
        os.replace(temporary, target)
        return target

    def write_batch(self, scenario: Scenario, jobs: Iterable[Job], layout: WideLayout, executor: Any,
                    on_written: Callable[[EncodedChunk], None] | None = None) -> None:
        """Run jobs on an executor (``ensemble.executors``), each chunk encoded where it ran and written here as it finishes.

        On ``KeyboardInterrupt`` every chunk finished so far is written before the interrupt propagates.
        """

        def store(chunk: EncodedChunk) -> None:
            self.write_chunk(chunk)
            if on_written is not None:
                on_written(chunk)

        executor.run(scenario, jobs, store, partial(encode_chunk, layout))

    # ------------------------------------------------------------- reading

    def manifest(self) -> dict[str, Any]:
        """The folder's manifest (read once).

        Raises:
            OldLayoutError: If an older version wrote the folder in its per-run layout.
        """
        if self._manifest is None:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            _require_current(self.path, data)
            self._manifest = data
        return self._manifest

    def chunk_files(self) -> list[Path]:
        """The folder's chunk files, by first run."""
        return [path for path, temporary in self._entries() if not temporary]

    def finished(self) -> set[int]:
        """Indices of the runs written, from the chunk files' metadata (footers only)."""
        self.manifest()
        done: set[int] = set()
        for path in self.chunk_files():
            done.update(self._metadata(path)[0].tolist())
        return done

    def layout(self) -> WideLayout:
        """The layout of the folder's chunk files (from the first one's metadata).

        Raises:
            FileNotFoundError: If the folder holds no chunk file.
        """
        files = self.chunk_files()
        if not files:
            raise FileNotFoundError(f"{self.path} holds no finished run")
        return WideLayout.from_description(self._metadata(files[0])[2])

    def read_table(self, columns: Sequence[str] | None = None) -> pa.Table:
        """The chunk files' rows as one Arrow table, ordered by run and step, with only ``columns`` read (all when None).

        Pages are checked against their checksums as they are read.

        Raises:
            DamagedChunkError: If a chunk file cannot be read whole.
        """
        self.manifest()
        layout = self.layout()
        wanted = None if columns is None else list(dict.fromkeys(["run", "step", *columns]))
        parts = [self._read(path, wanted, layout) for path in self.chunk_files()]
        table = pa.concat_tables(parts) if parts else pa.table({})
        order = np.lexsort((table.column("step").to_numpy(), table.column("run").to_numpy()))
        if np.any(order != np.arange(len(order))):
            table = table.take(pa.array(order))
        return table if columns is None else table.select(list(columns))

    def load_arrays(self, outcomes: Sequence[str]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """Outcome arrays of every run and step, derived outcomes computed from the stored ones.

        Returns:
            The rows' keys (run, seed, point, factor columns, step) and outcome → array ``(rows, …dims)``.
        """
        names = _known(outcomes)
        layout = self.layout()
        keys = ["run", "seed", "point", *layout.factor_columns, "step"]
        stored = inputs_of(names)
        table = self.read_table([*keys, *(c for name in stored for c in layout.outcome_columns(name))])
        arrays = _arrays(table, layout, stored)
        derived = derive([n for n in names if n in DERIVED], arrays, layout.structure)
        frame = pd.DataFrame({key: table.column(key).to_numpy() for key in keys})
        frame["seed"] = exact_seeds(frame["seed"].to_numpy())
        return frame, {name: derived[name] if name in DERIVED else arrays[name] for name in names}

    def load_steps(self, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
        """Every run's outcomes per step as one tidy long table (optionally only some outcomes).

        Columns ``run, seed, step, quarter, outcome, state, domain, power, bloc,
        corridor, value``; labels are categorical, a dimension an outcome does
        not have is missing. Rows are ordered by run, step, outcome and element.
        Derived outcomes are computed from the stored ones as they are read.
        """
        names = _known(outcomes or list(OUTCOMES))
        layout = self.layout()
        keys, arrays = self.load_arrays(names)
        return long_frame(keys, arrays, layout)

    def tidy(self, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
        """The one call for pandas: the tidy long table of :meth:`load_steps`."""
        return self.load_steps(outcomes)

    def load_wide(self, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
        """Every run's outcomes per step as a wide frame: the chunk files' columns, with derived outcomes added."""
        names = _known(outcomes or list(OUTCOMES))
        layout = self.layout()
        keys, arrays = self.load_arrays(names)
        keys.insert(keys.columns.get_loc("step") + 1, "quarter",
                    pd.Categorical.from_codes(keys["step"].to_numpy().astype(np.int64), categories=layout.quarters))
        columns = {column: values for name in names
                   for column, values in zip(layout.outcome_columns(name), arrays[name].reshape(len(keys), -1).T, strict=True)}
        return pd.concat([keys, pd.DataFrame(columns)], axis=1)

    def load_summary(self) -> pd.DataFrame:
        """One row per run: run, seed, point, the factor values and the end-of-horizon indicators (``model.outcomes.summary_names``).

        Computed from the chunk files as they are read, one file at a time.
        """
        self.manifest()
        layout = self.layout()
        keys = ["run", "seed", "point", *layout.factor_columns]
        stored = inputs_of(SUMMARY_INPUTS)
        columns = [*keys, "step", *(c for name in stored for c in layout.outcome_columns(name))]
        parts = []
        for path in self.chunk_files():
            table = self._read(path, columns, layout)
            order = np.lexsort((table.column("step").to_numpy(), table.column("run").to_numpy()))
            table = table.take(pa.array(order))
            runs = table.num_rows // layout.steps
            arrays = {name: values.reshape(runs, layout.steps, *values.shape[1:])
                      for name, values in _arrays(table, layout, stored).items()}
            last = {name: values[:, -1:] for name, values in arrays.items()}
            arrays.update({name: values for name, values in derive(["hedging_index", "bloc_share"], last, layout.structure).items()})
            indicators = summarise_runs(arrays, layout.coords["power"], BLOCS, layout.coords["state"])
            first = {key: table.column(key).to_numpy()[:: layout.steps] for key in keys}
            first["seed"] = exact_seeds(first["seed"])
            parts.append(pd.DataFrame({**first, **indicators}))
        if not parts:
            raise FileNotFoundError(f"{self.path} holds no finished run")
        return pd.concat(parts, ignore_index=True).sort_values("run").reset_index(drop=True)

    # ------------------------------------------------------------- helpers

    def _entries(self) -> list[tuple[Path, bool]]:
        """Chunk files and temporary chunk files in ``chunks/`` → whether temporary; other names are left alone.

        Raises:
            ResultsPathError: If an entry named like a chunk file is a symbolic link or not a regular file.
        """
        if not self.chunks_path.is_dir() or self.chunks_path.is_symlink():
            return []
        found = []
        for path in sorted(self.chunks_path.iterdir()):
            temporary = TEMPORARY_FILE.fullmatch(path.name) is not None
            if not temporary and CHUNK_FILE.fullmatch(path.name) is None:
                continue
            if path.is_symlink() or not path.is_file():
                raise ResultsPathError(f"{path}: refused: a symbolic link or folder where the project writes a chunk file; "
                                       "nothing deleted")
            found.append((path, temporary))
        return found

    @staticmethod
    def _metadata(path: Path) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        try:
            return _file_metadata(pq.read_metadata(path))
        except DamagedChunkError as problem:
            raise DamagedChunkError(_damaged(path, str(problem))) from None
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as error:
            raise DamagedChunkError(_damaged(path, _first_line(error))) from None

    @staticmethod
    def _read(path: Path, columns: list[str] | None, layout: WideLayout) -> pa.Table:
        try:
            file = pq.ParquetFile(path, page_checksum_verification=True)
            if _file_metadata(file.metadata)[2] != json.loads(json.dumps(layout.describe())):
                raise DamagedChunkError("its layout differs from the folder's first chunk file")
            return file.read(columns=columns, use_threads=True)
        except DamagedChunkError as problem:
            raise DamagedChunkError(_damaged(path, str(problem))) from None
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as error:
            raise DamagedChunkError(_damaged(path, _first_line(error))) from None


MATCHED_KEYS = ("scenario_hash", "design", "root_seed")
"""Manifest entries that must match for a batch to resume in a folder (the runs depend on nothing else)."""


def batch_differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What differs between the batch a folder holds and the batch asked for, one short phrase each (empty: the same batch).

    Names the scenarios (and, for one scenario changed since, the first values
    that differ), the design fields that differ (kind, replicates, samples,
    factors, points) and the root seed, each as ``old → new``.

    Args:
        old: The folder's manifest.
        new: The manifest of the batch asked for.
    """
    found = []
    if old.get("scenario_hash") != new.get("scenario_hash"):
        found.append(_scenario_difference(old, new))
    if old.get("design") != new.get("design"):
        found.append(_design_difference(old.get("design"), new.get("design")))
    if old.get("root_seed") != new.get("root_seed"):
        found.append(f"root seed {old.get('root_seed')} → {new.get('root_seed')}")
    return found


def _scenario_difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    before, after = old.get("scenario", "?"), new.get("scenario", "?")
    if before != after:
        return f"scenario {before} → {after}"
    changed = _changed_paths(old.get("resolved_scenario"), new.get("resolved_scenario"))
    if not changed:
        return f"scenario {before} changed since (its resolved values differ)"
    shown = ", ".join(changed[:2]) + (f" and {len(changed) - 2} more" if len(changed) > 2 else "")
    return f"scenario {before} changed since ({len(changed)} value(s) differ: {shown})"


def _changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """Dotted paths where two plain documents differ, with ``old → new`` for short scalars."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return [found for key in dict.fromkeys([*old, *new])
                for found in _changed_paths(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [found for i, (a, b) in enumerate(zip(old, new, strict=True))
                for found in _changed_paths(a, b, f"{path}[{i}]")]
    if old == new:
        return []
    if all(isinstance(v, (int, float, str, bool)) and len(str(v)) <= 24 for v in (old, new)):
        return [f"{path or '<document>'} {old} → {new}"]
    return [path or "<document>"]


def _design_difference(old: Any, new: Any) -> str:
    old, new = (d if isinstance(d, Mapping) else {} for d in (old, new))
    kinds = old.get("kind"), new.get("kind")
    keys = ("kind", "replicates") if kinds[0] != kinds[1] and "replicates" in kinds else ("kind", "replicates", "samples")
    parts = [f"{key} {old.get(key)} → {new.get(key)}" for key in keys if old.get(key) != new.get(key)]
    before = {f.get("path"): f for f in old.get("factors", []) if isinstance(f, Mapping)}
    after = {f.get("path"): f for f in new.get("factors", []) if isinstance(f, Mapping)}
    if kinds[0] == kinds[1] and before.keys() != after.keys():
        parts.append(f"factors {len(before)} → {len(after)}")
    elif kinds[0] == kinds[1] and any(before[name] != after[name] for name in before):
        parts.append("factor ranges")
    if not parts and old.get("points") != new.get("points"):
        parts.append("design points")
    return "design " + (", ".join(parts) or "description")


def _shown(path: Path) -> Path:
    """A path relative to the working directory when it lies below it (for messages)."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except (ValueError, OSError):
        return path


def exact_seeds(seeds: np.ndarray) -> np.ndarray:
    """Seeds as a column of Python ints (object dtype), so that pandas never turns one into a float.

    Run seeds are 63-bit (``ensemble.batch.run_seeds``); most exceed 2**53, the
    largest integer a float64 holds exactly. In an int64 column beside float64
    columns, pandas' row access (``summary.loc[k]``, ``iloc``, ``apply(axis=1)``)
    casts the row to float64 and changes the seed; nullable ``Int64`` casts it to
    ``Float64`` the same way, and an Arrow ``int64`` column makes that access raise.
    Python ints keep every seed exact; ``frame["seed"].astype("int64")`` gives a
    NumPy column for vector work.
    """
    if seeds.dtype == object:
        return seeds
    exact = np.empty(len(seeds), dtype=object)
    exact[:] = seeds.tolist()
    return exact


def _damaged(path: Path, problem: str) -> str:
    return f"{path}: damaged chunk file ({problem}); run the same 'run.py run' command to check the folder and redo its runs"


def _require_current(path: Path, manifest: Any) -> None:
    """Refuse a manifest of another layout in one line."""
    version = manifest.get("manifest_format") if isinstance(manifest, dict) else None
    if type(version) is int and version > MANIFEST_FORMAT:
        raise OldLayoutError(f"{path} was written by a newer version of Multivector (manifest format {version}); "
                             "read it with that version, or run the batch again here with --overwrite")
    if version != MANIFEST_FORMAT:
        raise OldLayoutError(f"{path} was written by an older version of Multivector (one Parquet file per run); "
                             "run the batch again with --overwrite to write it in the current layout")


def _known(outcomes: Sequence[str]) -> list[str]:
    unknown = [name for name in outcomes if name not in OUTCOMES]
    if unknown:
        raise InputError(f"unknown outcome(s) {', '.join(map(repr, unknown))}; 'run.py outcomes' lists them")
    return list(dict.fromkeys(outcomes))


def _arrays(table: pa.Table, layout: WideLayout, names: Iterable[str]) -> dict[str, np.ndarray]:
    """Stored outcomes as arrays ``(rows, …dims)`` from their element columns."""
    arrays = {}
    for name in names:
        columns = [table.column(c).to_numpy() for c in layout.outcome_columns(name)]
        values = np.column_stack(columns) if OUTCOMES[name].dims else columns[0]
        arrays[name] = values.reshape(table.num_rows, *layout.shape(name))
    return arrays


def long_frame(keys: pd.DataFrame, arrays: Mapping[str, np.ndarray], layout: WideLayout) -> pd.DataFrame:
    """Outcome arrays ``(rows, …dims)`` as a tidy long table, one row per value (see :meth:`ResultsFolder.load_steps`)."""
    names = list(arrays)
    rows = len(keys)
    blocks, codes = [], {key: [] for key in ("outcome", *DIMENSIONS)}
    for number, name in enumerate(names):
        dims, shape = OUTCOMES[name].dims, layout.shape(name)
        blocks.append(arrays[name].reshape(rows, -1))
        size = blocks[-1].shape[1]
        grid = np.indices(shape).reshape(len(dims), size)
        codes["outcome"].append(np.full(size, number))
        for dim in DIMENSIONS:
            codes[dim].append(grid[dims.index(dim)] if dim in dims else np.full(size, -1))
    width = sum(block.shape[1] for block in blocks)
    step = keys["step"].to_numpy()

    def labels(per_column: list[np.ndarray], categories: Sequence[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(np.tile(np.concatenate(per_column), rows), categories=list(categories))

    return pd.DataFrame({
        "run": np.repeat(keys["run"].to_numpy(), width),
        "seed": np.repeat(exact_seeds(keys["seed"].to_numpy()), width),
        "step": np.repeat(step, width),
        "quarter": pd.Categorical.from_codes(np.repeat(step.astype(np.int64), width), categories=list(layout.quarters)),
        "outcome": labels(codes["outcome"], names),
        **{dim: labels(codes[dim], layout.coords[dim]) for dim in DIMENSIONS},
        "value": np.concatenate(blocks, axis=1).reshape(-1),
    })
