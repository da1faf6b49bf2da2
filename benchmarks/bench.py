"""Side-by-side benchmarks: our batch runner, Mesa's ``batch_run``, peak memory and scaling.

Every target is a ratio of two figures measured in the same invocation. Timed
contenders are interleaved (A B C … A B C …) for several rounds and each figure
is the median over the rounds, so a noisy, shared machine slows every contender
alike. Figures and ratios are printed as a table and optionally written as JSON.

Phases:

* ``throughput``: baseline runs per second of ``ensemble.batch.run_batch`` with one
  and with several workers, of the same runs written to Parquet as the CLI does
  (in this process), of the CLI ``run`` verb end to end (a fresh interpreter),
  and of ``mesa.batch_run`` with Mesa's DataCollector on the same seeds.
* ``memory``: peak resident memory of the whole process tree of the CLI ``run``
  verb writing a small and a ten-times larger batch to disk.
* ``leak``: memory kept per finished model in one process, with and without
  releasing Mesa's class-level agent-id registry.
* ``scaling``: cost of one step on synthetic scenarios with the baseline's
  states and powers replicated (5×11, 10×22, …), per state-power pair.
* ``profile`` (optional): the functions where a baseline run spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import json
import multiprocessing
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from ensemble.batch import RunResult, coordinates, run_batch, run_seeds, simulate_run
from model.calendar import quarter_range
from model.outcomes import summarise
from model.params import BLOCS, CorridorParams, FormatParams, SanctionsParams, Scenario, StateParams
from multivector.model import MultivectorModel

ROOT = Path(__file__).resolve().parents[1]
ROOT_SEED = 20210101
STEPS = 40
"""Quarters in the baseline horizon (2021Q1–2030Q4)."""

KEEP_LEVEL = frozenset({"sentiment"})
"""State maps keyed by power that are levels, not shares: copied to each replica power rather than split."""

FLAT_MEMORY = 1.25
"""Memory ratio (large batch / small batch) still counted as flat."""

NOT_GROWING = 1.10
"""Relative cost per state-power pair still counted as not growing (allows timing noise)."""


@dataclass(frozen=True)
class Sizes:
    """How much work each phase does.

    Attributes:
        runs: Runs per throughput measurement (the same seeds for every contender).
        rounds: Interleaved rounds; each figure is the median over them.
        memory: Small and large batch of the memory phase.
        leak_runs: Models built in the leak check.
        factors: Replication factors of the scaling phase (1 = baseline's 5 states × 11 powers).
        scale_steps: Steps timed per model in the scaling phase.
        scale_repeats: Models (seeds) per size in the scaling phase.
    """

    runs: int
    rounds: int
    memory: tuple[int, int]
    leak_runs: int
    factors: tuple[int, ...]
    scale_steps: int
    scale_repeats: int


MODES: dict[str, Sizes] = {
    "full": Sizes(runs=200, rounds=3, memory=(2_000, 20_000), leak_runs=400, factors=(1, 2, 4, 8), scale_steps=40, scale_repeats=5),
    "quick": Sizes(runs=100, rounds=3, memory=(200, 2_000), leak_runs=200, factors=(1, 2, 4, 8), scale_steps=20, scale_repeats=3),
    "tiny": Sizes(runs=4, rounds=1, memory=(2, 4), leak_runs=4, factors=(1, 2), scale_steps=3, scale_repeats=1),
}
"""Work per mode: ``full`` (default), ``quick`` (a few minutes) and ``tiny`` (a smoke test)."""


@dataclass(frozen=True)
class Figure:
    """One measured figure.

    Attributes:
        name: What was measured.
        value: The median (or the single measurement).
        unit: Unit of the value.
        includes: What the figure includes.
        samples: Every measurement behind the median.
    """

    name: str
    value: float
    unit: str
    includes: str
    samples: tuple[float, ...] = ()


@dataclass(frozen=True)
class Ratio:
    """A ratio of two figures and its target.

    Attributes:
        name: Numerator / denominator.
        value: The ratio.
        target: The target in words.
        met: Whether the target is met.
    """

    name: str
    value: float
    target: str
    met: bool


@dataclass
class Report:
    """Everything one invocation measured."""

    mode: str
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    profile: list[dict[str, Any]] = field(default_factory=list)

    def figure(self, name: str) -> Figure:
        """The figure called ``name``."""
        return next(f for f in self.figures if f.name == name)


# ------------------------------------------------------------------ timing


def interleave(contenders: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run every contender once per round, in turn (A B C … A B C …).

    Args:
        contenders: Name → callable that does the work once and returns its seconds.
        rounds: Number of rounds.

    Returns:
        Name → seconds of each round.
    """
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(rounds):
        for name, work in contenders.items():
            gc.collect()
            seconds[name].append(work())
            print(f"  round {round_ + 1}/{rounds} {name}: {seconds[name][-1]:.2f} s", file=sys.stderr)
    return seconds


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


@functools.cache
def baseline_scenario() -> Scenario:
    """The library's baseline scenario, read once per process."""
    from scenarios import load_scenario

    return load_scenario("baseline")


# ---------------------------------------------------------- the contenders


def runner_in_memory(scenario: Scenario, seeds: list[int], workers: int) -> float:
    """Seconds for ``run_batch`` to run every seed, keeping each result in memory."""
    kept: list[RunResult] = []
    return _timed(lambda: run_batch(scenario, list(enumerate(seeds)), kept.append, workers=workers))


def runner_to_parquet(scenario: Scenario, seeds: list[int], workers: int) -> float:
    """Seconds to run every seed and write each run as the CLI ``run`` verb does (Parquet, one file per run)."""
    from ensemble.results import ResultsFolder

    quarters, coords = quarter_range(scenario.start, scenario.end), coordinates(scenario)
    with tempfile.TemporaryDirectory() as out:
        folder = ResultsFolder(Path(out))

        def save(result: RunResult) -> None:
            folder.write_run(result.index, result.seed, result.outcomes, quarters, coords,
                             summarise(result.outcomes, scenario.power_codes, BLOCS))

        return _timed(lambda: run_batch(scenario, list(enumerate(seeds)), save, workers=workers))


def cli_command(runs: int, workers: int, out: Path) -> list[str]:
    """The CLI ``run`` verb on the baseline, writing to ``out`` without figures."""
    return [sys.executable, str(ROOT / "run.py"), "run", "baseline", "--replicates", str(runs), "--seed", str(ROOT_SEED),
            "--workers", str(workers), "--out", str(out), "--no-figures", "--overwrite"]


def _cli_env() -> dict[str, str]:
    # The CLI records the checkout's commit; keep that look-up from taking locks in a shared checkout.
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


def cli_run(runs: int, workers: int) -> float:
    """Seconds of the CLI ``run`` verb end to end in a fresh interpreter (start-up, imports, runs, Parquet)."""
    with tempfile.TemporaryDirectory() as out:
        command = cli_command(runs, workers, Path(out) / "results")
        return _timed(lambda: subprocess.run(command, cwd=ROOT, env=_cli_env(), capture_output=True, check=True))


class ReferenceModel(MultivectorModel):
    """The baseline model as ``mesa.batch_run`` builds it: one keyword, the run's seed.

    ``batch_run`` in Mesa 3.3.1 has no per-run seeds, so the seed is the swept
    parameter. Mesa 3.3.1 keeps every model ever built in a class-level
    registry of agent ids; models that have finished are released before a
    new one is built, so a long batch does not grow.

    The keyword is ``run_seed``, not ``seed``: Mesa 3.4+ treats a swept
    ``seed`` parameter as its own and does not report it.

    Args:
        run_seed: The run's seed (passed to Mesa as ``rng``).
    """

    def __init__(self, run_seed: int, rng: Any = None) -> None:
        """Release finished models, then build the baseline with Mesa's DataCollector.

        Mesa 3.4+ passes its own ``rng`` (``None`` unless asked for); the run's seed wins.
        """
        release_finished_models()
        super().__init__(baseline_scenario(), rng=run_seed, collect=True)


def release_finished_models() -> int:
    """Drop finished models from Mesa's class-level agent-id registry; return how many were dropped.

    The registry exists in Mesa 3.3.1 (and holds every model built); where a
    later Mesa has none, nothing is done.
    """
    registry = getattr(mesa.Agent, "_ids", None)
    if not isinstance(registry, dict):
        return 0
    finished = [m for m in registry if not getattr(m, "running", True)]
    for m in finished:
        del registry[m]
    return len(finished)


def reference_batch_run(seeds: list[int], processes: int) -> list[dict[str, Any]]:
    """``mesa.batch_run`` of the baseline on ``seeds``: every step's DataCollector row.

    In Mesa 3.3, ``max_steps=N`` runs N+1 steps, so ``STEPS - 1`` is asked for
    (fixed in Mesa 3.4); the model also stops itself after its horizon.
    """
    from mesa.batchrunner import batch_run

    off_by_one = tuple(int(part) for part in mesa.__version__.split(".")[:2]) < (3, 4)
    rows = batch_run(ReferenceModel, parameters={"run_seed": seeds}, number_processes=processes, iterations=1,
                     data_collection_period=1, max_steps=STEPS - 1 if off_by_one else STEPS, display_progress=False)
    return [{**row, "seed": row["run_seed"]} for row in rows]


def check_reference(rows: list[dict[str, Any]], seeds: list[int]) -> None:
    """Check ``batch_run`` gave ``STEPS`` rows for each seed, with the outcome of our own run of that seed.

    Raises:
        RuntimeError: If a run has the wrong number of steps or differs from ours.
    """
    steps = {seed: sorted(r["Step"] for r in rows if r["seed"] == seed) for seed in seeds}
    wrong = {seed: len(s) for seed, s in steps.items() if len(s) != STEPS or len(set(s)) != STEPS}
    if wrong:
        raise RuntimeError(f"batch_run steps per seed differ from {STEPS}: {wrong}")
    last = next(r for r in rows if r["seed"] == seeds[0] and r["Step"] == steps[seeds[0]][-1])
    ours = float(np.mean(simulate_run(baseline_scenario(), 0, seeds[0]).outcomes["hedging_index"][-1]))
    if not np.isclose(last["hedging_index"], ours):
        raise RuntimeError(f"batch_run hedging index {last['hedging_index']} differs from our run's {ours}")


def _warm(_: int) -> int:
    return os.getpid()


def pool_startup(method: str, workers: int) -> float:
    """Seconds to start a pool of ``workers`` processes with start ``method`` and have each answer once.

    Under ``spawn`` each worker starts a fresh interpreter and imports this
    module (so Mesa and the model); under ``fork`` it inherits them.
    """
    def start() -> None:
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(_warm, range(workers * 4)))

    return _timed(start)


def mesa_batch_run(seeds: list[int], processes: int) -> float:
    """Seconds of ``mesa.batch_run`` over ``seeds`` (rows kept in memory, as it returns them)."""
    return _timed(lambda: reference_batch_run(seeds, processes))


# -------------------------------------------------------------- throughput


def throughput_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """Runs per second of every contender on the same seeds, interleaved; add figures and ratios."""
    scenario, seeds = baseline_scenario(), run_seeds(ROOT_SEED, sizes.runs)
    check_reference(reference_batch_run(seeds[:2], 1), seeds[:2])
    contenders = {
        "runner, 1 worker": lambda: runner_in_memory(scenario, seeds, 1),
        f"runner, {workers} workers": lambda: runner_in_memory(scenario, seeds, workers),
        "batch_run, 1 process": lambda: mesa_batch_run(seeds, 1),
        f"batch_run, {workers} processes": lambda: mesa_batch_run(seeds, workers),
        f"runner → Parquet, {workers} workers": lambda: runner_to_parquet(scenario, seeds, workers),
        f"CLI run, {workers} workers": lambda: cli_run(sizes.runs, workers),
    }
    if "fork" in multiprocessing.get_all_start_methods():
        contenders |= {f"pool start-up, spawn, {workers} workers": lambda: pool_startup("spawn", workers),
                       f"pool start-up, fork, {workers} workers": lambda: pool_startup("fork", workers)}
    seconds = interleave(contenders, sizes.rounds)
    for name in [n for n in seconds if n.startswith("pool start-up")]:
        samples = seconds.pop(name)
        report.figures.append(Figure(name, statistics.median(samples), "s", STARTUP_INCLUDES, tuple(samples)))
    for name, samples in seconds.items():
        rates = tuple(sizes.runs / s for s in samples)
        report.figures.append(Figure(name, statistics.median(rates), "runs/s", throughput_includes(name), rates))
    rate = {name: report.figure(name).value for name in seconds}
    report.ratios.append(_ratio(f"runner {workers} workers / 1 worker", rate[f"runner, {workers} workers"] / rate["runner, 1 worker"],
                                "≥ 1.8", lambda r: r >= 1.8))
    for ours, reference in (("runner, 1 worker", "batch_run, 1 process"),
                            (f"runner, {workers} workers", f"batch_run, {workers} processes"),
                            (f"runner → Parquet, {workers} workers", f"batch_run, {workers} processes"),
                            (f"CLI run, {workers} workers", f"batch_run, {workers} processes")):
        report.ratios.append(_ratio(f"{ours} / {reference}", rate[ours] / rate[reference], "≥ 5", lambda r: r >= 5))


THROUGHPUT_INCLUDES = {
    "runner": "run_batch in this process: {how}, every outcome array returned and kept in memory",
    "batch_run": "mesa.batch_run in this process: {how}, Mesa's DataCollector (8 scalar reporters per step), rows kept in memory",
    "runner → Parquet": "run_batch in this process: {how}, each run written as the CLI does (long table + summary row, Parquet, one file each)",
    "CLI run": "the CLI run verb in a fresh interpreter: start-up, imports, manifest, {how}, Parquet files; no figures",
}
"""What each throughput figure includes, by contender kind; ``{how}`` says serial or pooled."""


def throughput_includes(name: str) -> str:
    """What the throughput figure ``name`` (``kind, N workers``) includes."""
    kind, count = name.split(", ")
    serial = count.startswith("1 ")
    how = "runs one after another, no pool" if serial else "process-pool start-up (fork where available), runs"
    return THROUGHPUT_INCLUDES[kind].format(how=how)

STARTUP_INCLUDES = ("start a process pool with this start method and get one answer from each worker "
                    "(Mesa's import makes spawn the default; our runner forks where the platform allows)")


def _ratio(name: str, value: float, target: str, test: Callable[[float], bool]) -> Ratio:
    return Ratio(name, value, target, bool(test(value)))


# ------------------------------------------------------------------ memory


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from ``/proc``.

    Args:
        pid: The root process.
        interval: Seconds between samples.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        """Start sampling in a background thread."""
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()

    @property
    def hwm_sum_kb(self) -> int:
        """Sum over processes of each one's own peak (an upper bound on the tree's peak)."""
        return sum(self.hwm_kb.values())

    def _sample(self) -> None:
        while not self._stop.is_set():
            pids = [self.pid, *descendants(self.pid)]
            total = 0
            for pid in pids:
                status = proc_status(pid)
                total += status.get("VmRSS", 0)
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status.get("VmHWM", 0))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)


def proc_status(pid: int) -> dict[str, int]:
    """The ``kB`` fields of ``/proc/PID/status`` (empty if the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = (line.split() for line in lines)
    return {f[0].rstrip(":"): int(f[1]) for f in fields if len(f) == 3 and f[2] == "kB"}


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, from the parent ids in ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def has_proc() -> bool:
    """True where ``/proc`` gives per-process memory (Linux)."""
    return Path(f"/proc/{os.getpid()}/status").exists()


def cli_memory(runs: int, workers: int) -> dict[str, float]:
    """Peak memory and speed of the CLI ``run`` verb writing ``runs`` runs to a temporary folder.

    Returns:
        ``peak_mb`` (sampled peak of the tree's summed resident memory; without
        ``/proc``: the largest single child's peak), ``hwm_sum_mb`` (sum of each
        process's own peak), ``main_mb`` (the CLI process's own peak),
        ``seconds`` and ``disk_mb`` (size of the results).
    """
    with tempfile.TemporaryDirectory() as out:
        target = Path(out) / "results"
        start = time.perf_counter()
        process = subprocess.Popen(cli_command(runs, workers, target), cwd=ROOT, env=_cli_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        monitor = TreeMemory(process.pid) if has_proc() else None
        if process.wait() != 0:
            raise RuntimeError(f"the CLI run of {runs} runs failed with exit code {process.returncode}")
        seconds = time.perf_counter() - start
        disk = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    if monitor is None:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return {"peak_mb": peak / 1024, "hwm_sum_mb": float("nan"), "main_mb": float("nan"), "seconds": seconds, "disk_mb": disk / 2**20}
    monitor.stop()
    return {"peak_mb": monitor.peak_kb / 1024, "hwm_sum_mb": monitor.hwm_sum_kb / 1024, "main_mb": monitor.hwm_kb.get(process.pid, 0) / 1024,
            "seconds": seconds, "disk_mb": disk / 2**20}


def memory_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """Peak memory of the CLI writing a small and a large batch; add figures and the ratio."""
    small, large = sizes.memory
    _announce_memory(report, sizes, workers)
    measured = {n: cli_memory(n, workers) for n in (small, large)}
    for n, m in measured.items():
        speed = f"{m['seconds']:.0f} s, {n / m['seconds']:.1f} runs/s"
        includes = f"CLI run verb, {workers} workers, writing {m['disk_mb']:.0f} MB of Parquet ({speed})"
        report.figures.append(Figure(f"peak memory, {n} runs", m["peak_mb"], "MB", includes + "; sampled peak of the tree's summed RSS"))
        report.figures.append(Figure(f"sum of per-process peaks, {n} runs", m["hwm_sum_mb"], "MB", "each process's own peak RSS, summed"))
        report.figures.append(Figure(f"CLI process peak, {n} runs", m["main_mb"], "MB", "the CLI process alone (it writes Parquet)"))
    ratio = measured[large]["peak_mb"] / measured[small]["peak_mb"]
    report.ratios.append(_ratio(f"peak memory {large} runs / {small} runs", ratio, f"≈ 1 (flat; ≤ {FLAT_MEMORY})", lambda r: r <= FLAT_MEMORY))


def _announce_memory(report: Report, sizes: Sizes, workers: int) -> None:
    cli = [f for f in report.figures if f.name.startswith("CLI run")]
    if cli:
        minutes = sum(sizes.memory) / cli[0].value / 60
        print(f"memory phase: {sizes.memory[0]} + {sizes.memory[1]} runs through the CLI with {workers} workers, "
              f"estimated {minutes:.1f} min", file=sys.stderr)


# -------------------------------------------------------------------- leak


def rss_kb() -> int:
    """Resident memory of this process now (kB; 0 without ``/proc``)."""
    return proc_status(os.getpid()).get("VmRSS", 0)


def kept_per_model(runs: int, release: bool) -> float:
    """Resident memory gained per model (kB) over ``runs`` runs in this process.

    Args:
        runs: Models to build and run.
        release: Drop each finished model from Mesa's agent-id registry.
    """
    scenario = baseline_scenario()
    simulate_run(scenario, 0, 0)
    release_finished_models()
    gc.collect()
    before = rss_kb()
    for i in range(runs):
        simulate_run(scenario, i, i)
        if release:
            release_finished_models()
    gc.collect()
    kept = (rss_kb() - before) / runs
    release_finished_models()
    return kept


def leak_phase(report: Report, sizes: Sizes) -> None:
    """Memory kept per finished model, as run (``simulate_run``) and with the registry released."""
    as_run = kept_per_model(sizes.leak_runs, release=False)
    released = kept_per_model(sizes.leak_runs, release=True)
    report.figures.append(Figure("memory kept per finished run", as_run, "kB",
                                 f"RSS growth / runs over {sizes.leak_runs} simulate_run calls in one process"))
    report.figures.append(Figure("memory kept per finished run, registry released", released, "kB",
                                 "the same, dropping each finished model from Mesa's class-level agent-id registry"))


# ----------------------------------------------------------------- scaling


def replicate_scenario(scenario: Scenario, factor: int) -> Scenario:
    """A synthetic scenario with every state and power copied ``factor`` times under new codes.

    Copy ``i`` of code ``KAZ`` is ``KAZ`` for ``i = 0`` and ``KAZ~i`` after.
    Share maps keyed by power (trade, investment, ties, remittances) are split
    evenly over a power's copies so their totals are kept; sentiment is copied.
    Formats sponsored by a power are copied with each copy of their sponsor;
    formats and corridors serve the copies of the states they serve; every
    copy of a sanctioning power sanctions. The timeline is unchanged.
    """
    if factor == 1:
        return scenario

    def copies(code: str) -> list[str]:
        return [code if i == 0 else f"{code}~{i}" for i in range(factor)]

    states = {new: _spread_state(params, copies, factor) for code, params in scenario.states.items() for new in copies(code)}
    powers = {new: params for code, params in scenario.powers.items() for new in copies(code)}
    return replace(
        scenario, name=f"{scenario.name}×{factor}", states=states, powers=powers,
        formats=_replicate_formats(scenario, copies),
        corridors={k: _spread_corridor(c, copies, factor) for k, c in scenario.corridors.items()},
        sanctions=_spread_sanctions(scenario.sanctions, copies),
    )


def _spread(shares: Mapping[str, float], copies: Callable[[str], list[str]], divisor: int) -> dict[str, float]:
    return {new: value / divisor for code, value in shares.items() for new in copies(code)}


def _spread_state(params: StateParams, copies: Callable[[str], list[str]], factor: int) -> StateParams:
    maps = ("trade_shares", "investment_shares", "remittances_gdp", "security_ties", "diplomatic_ties", "sentiment")
    return replace(params, **{name: _spread(getattr(params, name), copies, 1 if name in KEEP_LEVEL else factor) for name in maps})


def _replicate_formats(scenario: Scenario, copies: Callable[[str], list[str]]) -> dict[str, FormatParams]:
    formats: dict[str, FormatParams] = {}
    for key, f in scenario.formats.items():
        members = tuple(new for code in f.members for new in copies(code))
        sponsors = copies(f.sponsor) if f.sponsor in scenario.powers else [f.sponsor]
        for i, sponsor in enumerate(sponsors):
            formats[key if i == 0 else f"{key}~{i}"] = replace(f, sponsor=sponsor, members=members)
    return formats


def _spread_corridor(corridor: CorridorParams, copies: Callable[[str], list[str]], factor: int) -> CorridorParams:
    states = tuple(new for code in corridor.states for new in copies(code))
    return replace(corridor, sponsors=_spread(corridor.sponsors, copies, factor), states=states)


def _spread_sanctions(sanctions: SanctionsParams, copies: Callable[[str], list[str]]) -> SanctionsParams:
    senders = tuple(new for code in sanctions.senders for new in copies(code))
    return replace(sanctions, senders=senders, bank_compliance_floor=_spread(sanctions.bank_compliance_floor, copies, 1))


def step_seconds(scenario: Scenario, seed: int, steps: int) -> float:
    """Median seconds of one ``model.step()`` over the first ``steps`` steps of a fresh model."""
    model = MultivectorModel(scenario, rng=seed, collect=False)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - start)
    release_finished_models()
    return statistics.median(times)


def scaling_phase(report: Report, sizes: Sizes) -> None:
    """Cost per step per state-power pair on replicated scenarios, sizes interleaved; add figures and the ratio."""
    scenarios = {k: replicate_scenario(baseline_scenario(), k) for k in sizes.factors}
    samples: dict[int, list[float]] = {k: [] for k in sizes.factors}
    for repeat in range(sizes.scale_repeats):
        for k, scenario in scenarios.items():
            samples[k].append(step_seconds(scenario, ROOT_SEED + repeat, sizes.scale_steps))
    pairs = {k: len(s.states) * len(s.powers) for k, s in scenarios.items()}
    per_pair = {k: statistics.median(samples[k]) / pairs[k] for k in sizes.factors}
    smallest = sizes.factors[0]
    for k, scenario in scenarios.items():
        label = f"{len(scenario.states)}×{len(scenario.powers)}"
        report.figures.append(Figure(f"step, {label}", statistics.median(samples[k]) * 1e3, "ms",
                                     f"median model.step() over {sizes.scale_steps} steps × {sizes.scale_repeats} models",
                                     tuple(s * 1e3 for s in samples[k])))
        report.figures.append(Figure(f"step per state×power, {label}", per_pair[k] * 1e6, "µs", f"step cost / {pairs[k]} pairs"))
    for k in sizes.factors[1:]:
        label = f"{len(scenarios[k].states)}×{len(scenarios[k].powers)}"
        report.ratios.append(_ratio(f"step per state×power {label} / {len(scenarios[smallest].states)}×{len(scenarios[smallest].powers)}",
                                    per_pair[k] / per_pair[smallest], f"≤ 1 (not growing; ≤ {NOT_GROWING})", lambda r: r <= NOT_GROWING))


# ----------------------------------------------------------------- profile


def profile_phase(report: Report, runs: int, top: int) -> None:
    """Profile ``runs`` baseline runs in this process and keep the ``top`` functions by own time."""
    scenario = baseline_scenario()
    profiler = cProfile.Profile()
    profiler.enable()
    for seed in range(runs):
        simulate_run(scenario, seed, seed)
    profiler.disable()
    release_finished_models()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, line, function), (_, calls, own, cumulative, _) in rows:
        report.profile.append({"function": f"{short_path(filename)}:{line}({function})", "calls_per_run": calls / runs,
                               "own_share": own / total, "cumulative_share": cumulative / total})


def short_path(filename: str) -> str:
    """A profiled file's path relative to the project or to its installed package."""
    path = Path(filename)
    if path.is_relative_to(ROOT):
        return path.relative_to(ROOT).as_posix()
    parts = path.parts
    if "site-packages" in parts:
        return Path(*parts[parts.index("site-packages") + 1:]).as_posix()
    return filename


# ------------------------------------------------------------------ output


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {"cores": os.cpu_count(), "python": platform.python_version(), "mesa": mesa.__version__,
            "numpy": np.__version__, "system": platform.system(), "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}


def format_report(report: Report) -> str:
    """The figures and ratios as Markdown tables, then one ``ratio`` line per ratio."""
    lines = [f"mode: {report.mode}; {report.machine['cores']} cores, Python {report.machine['python']}, Mesa {report.machine['mesa']}", "",
             "| figure | value | unit | includes |", "|---|---:|---|---|"]
    lines += [f"| {f.name} | {f.value:.4g} | {f.unit} | {f.includes} |" for f in report.figures]
    lines += ["", "| ratio | value | target | met |", "|---|---:|---|---|"]
    lines += [f"| {r.name} | {r.value:.3g} | {r.target} | {'yes' if r.met else 'no'} |" for r in report.ratios]
    if report.profile:
        lines += ["", "| function | calls per run | own time | with callees |", "|---|---:|---:|---:|"]
        lines += [f"| {p['function']} | {p['calls_per_run']:.0f} | {p['own_share']:.1%} | {p['cumulative_share']:.1%} |" for p in report.profile]
    lines += [""] + [f"ratio {r.name}: {r.value:.3g} (target {r.target}: {'met' if r.met else 'not met'})" for r in report.ratios]
    return "\n".join(lines)


def write_json(report: Report, path: Path) -> None:
    """Write the report as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False), encoding="utf-8")


# -------------------------------------------------------------------- main

PHASES = ("throughput", "memory", "leak", "scaling")


def parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    p = argparse.ArgumentParser(prog="run.py bench", description="Side-by-side benchmarks; every target is a ratio measured in one run.")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="mode", help="smaller batches (minutes)")
    size.add_argument("--tiny", action="store_const", const="tiny", dest="mode", help="a smoke test (seconds); figures mean nothing")
    p.add_argument("--workers", type=int, default=2, help="workers / processes of the parallel contenders (default 2)")
    p.add_argument("--runs", type=int, help="runs per throughput measurement (overrides the mode)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (overrides the mode)")
    p.add_argument("--memory-sizes", type=int, nargs=2, metavar=("SMALL", "LARGE"), help="batches of the memory phase (overrides the mode)")
    p.add_argument("--only", nargs="+", choices=PHASES, help="run only these phases")
    p.add_argument("--profile", type=int, default=0, metavar="N", help="also profile baseline runs and show the top N functions")
    p.add_argument("--json", type=Path, help="also write figures and ratios as JSON to this file")
    return p


def sizes_from(args: argparse.Namespace) -> Sizes:
    """The mode's sizes with any command-line overrides."""
    sizes = MODES[args.mode or "full"]
    overrides = {"runs": args.runs, "rounds": args.rounds, "memory": tuple(args.memory_sizes) if args.memory_sizes else None}
    return replace(sizes, **{k: v for k, v in overrides.items() if v is not None})


def run_phases(phases: Iterable[str], report: Report, sizes: Sizes, workers: int) -> None:
    """Run the chosen phases in order, adding to ``report``."""
    actions = {
        "throughput": lambda: throughput_phase(report, sizes, workers),
        "memory": lambda: memory_phase(report, sizes, workers),
        "leak": lambda: leak_phase(report, sizes),
        "scaling": lambda: scaling_phase(report, sizes),
    }
    load = report.machine.setdefault("load_average_after", {})
    for phase in phases:
        print(f"phase: {phase}", file=sys.stderr)
        actions[phase]()
        load[phase] = os.getloadavg() if hasattr(os, "getloadavg") else None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table and ratio lines, optionally write JSON; return the exit code."""
    args = parser().parse_args(argv)
    sizes = sizes_from(args)
    report = Report(mode=args.mode or "full", machine=machine())
    run_phases([p for p in PHASES if not args.only or p in args.only], report, sizes, max(args.workers, 1))
    if args.profile:
        profile_phase(report, runs=max(sizes.runs // 10, 2), top=args.profile)
    print(format_report(report))
    if args.json:
        write_json(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
