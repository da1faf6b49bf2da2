"""A calibration from start to report, and the folder it writes.

A calibration folder holds:

* ``posterior.json`` — the posterior (:mod:`calibration.posterior`), and ``posterior.csv``;
* ``targets.yaml`` — a copy of the targets file the fit used (fit and held-back targets);
* ``history.db`` — pyabc's SQLite history, one generation at a time as it finishes;
* ``predictive.csv`` — the prior and posterior predictive runs' statistics;
* ``report.html`` and ``figures/`` — :mod:`analysis.calibration_report`.

Nothing else is written, and ``--overwrite`` deletes only these.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from multivector.calibration.fit import FitSettings, fit
from multivector.calibration.posterior import Posterior, read_posterior, write_posterior
from multivector.calibration.predictive import PREDICTIVE_RUNS, TargetCheck, predictive_checks, read_checks, write_checks
from multivector.calibration.targets import read_targets
from multivector.ensemble.results import ResultsPathError, git_commit, package_version, utc_now
from multivector.scenarios import resolve
from multivector.scenarios.loader import Resolved

CALIBRATION_FILES = ("posterior.json", "posterior.csv", "targets.yaml", "history.db", "predictive.csv", "report.html", "figures")
"""Everything a calibration writes into its folder."""

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def is_calibration_folder(path: Path) -> bool:
    """Whether a folder holds a calibration's posterior."""
    return (path / "posterior.json").is_file()


def prepare_calibration_folder(path: Path, *, overwrite: bool) -> None:
    """Refuse a folder that holds anything but a calibration; with ``overwrite`` delete a calibration's files.

    Raises:
        ResultsPathError: One line; nothing is deleted.
    """
    if not os.path.lexists(path):
        return
    refused = "--overwrite refused" if overwrite else "refused"
    if path.is_symlink() or not path.is_dir():
        raise ResultsPathError(f"{path}: {refused}: not a folder (or a symbolic link); nothing deleted")
    entries = sorted(entry.name for entry in path.iterdir())
    if not entries:
        return
    stranger = [name for name in entries if name not in CALIBRATION_FILES]
    if stranger:
        raise ResultsPathError(f"{path}: {refused}: it holds {stranger[0]!r}, which a calibration does not write; "
                               "nothing deleted; choose a new or empty folder with --out")
    if not overwrite:
        raise ResultsPathError(f"{path}: refused: it holds a calibration already; pass --overwrite to replace it, "
                               "or choose another folder with --out")
    for name in entries:
        target = path / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()


def calibrate(resolved: Resolved, targets_path: Path, out: Path, settings: FitSettings,
              on_runs: Callable[[int, int, int], None] | None = None,
              predictive_runs: int = PREDICTIVE_RUNS) -> tuple[Posterior, list[TargetCheck]]:
    """Fit and check: write the posterior, the targets and the predictive runs into ``out``.

    Args:
        resolved: The scenario.
        targets_path: The targets file.
        out: The calibration folder (prepared by :func:`prepare_calibration_folder`).
        settings: The fit's settings.
        on_runs: Progress: called after each batch of the fit with (runs, accepted, generation).
        predictive_runs: Runs per side of the predictive checks.

    Returns:
        The posterior and its predictive checks (for :func:`analysis.calibration_report.write_calibration_report`).
    """
    targets = read_targets(targets_path, resolved.scenario)
    out.mkdir(parents=True, exist_ok=True)
    (out / "targets.yaml").write_text(targets.text, encoding="utf-8")
    posterior = fit(resolved, targets, settings, history_db=out / "history.db", on_runs=on_runs)
    record = {"scenario_source": str(resolved.source), "scenario_hash": resolved.digest, "targets_file": targets.name,
              "package_version": package_version(), "git_commit": git_commit(PROJECT_ROOT), "created_utc": utc_now()}
    posterior = replace(posterior, info={**posterior.info, **record})
    write_posterior(posterior, out)
    checks = predictive_checks(resolved, targets, posterior, runs=predictive_runs, seed=settings.seed, workers=settings.workers)
    write_checks(checks, out / "predictive.csv")
    return posterior, checks


def load_calibration(folder: Path) -> tuple[Resolved, Posterior, list[TargetCheck]]:
    """The scenario, posterior and predictive checks of a calibration folder, read from its files."""
    posterior = read_posterior(folder / "posterior.json")
    resolved = resolve(posterior.info.get("scenario_source", posterior.scenario))
    targets = read_targets(folder / "targets.yaml", resolved.scenario)
    return resolved, posterior, read_checks(folder / "predictive.csv", targets)
