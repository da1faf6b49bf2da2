"""Option types and the options several verbs share, each defined once; the metrics of a paired experiment."""

from __future__ import annotations

import argparse
from pathlib import Path

from multivector.commands.common import DEFAULT_RESULTS_ROOT, DEFAULT_ROOT_SEED, DEFAULT_WORKERS, CommandError
from multivector.ensemble.batch import coordinates
from multivector.model.calendar import quarter_range
from multivector.model.metrics import DEFAULT_METRICS, Metric, MetricError, parse_metric
from multivector.model.params import Scenario
from multivector.scenarios.loader import Resolved

WORKERS_HELP = "worker processes (default: all cores)"
POSTERIOR_HELP = "draw the uncertainties from a calibration's posterior.json instead of their ranges"


# ------------------------------------------------------------------ option types


def positive(text: str) -> int:
    """An integer of at least 1 (argparse type).

    Raises:
        argparse.ArgumentTypeError: If the text is an integer below 1 (ValueError if it is no integer).
    """
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _positive_number(text: str, what: str) -> float:
    """A finite number above 0, or ``argparse.ArgumentTypeError`` saying ``expected a positive {what}, got …``."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive {what}, got {text}")
    return value


def positive_float(text: str) -> float:
    """A finite number above 0 (argparse type).

    Raises:
        argparse.ArgumentTypeError: If the text is not such a number.
    """
    return _positive_number(text, "number")


def positive_seconds(text: str) -> float:
    """A finite number of seconds above 0 (argparse type).

    Raises:
        argparse.ArgumentTypeError: If the text is not such a number.
    """
    return _positive_number(text, "number of seconds")


# ------------------------------------------------------------------ shared options


def add_seed(parser: argparse.ArgumentParser, help: str) -> None:
    """``--seed S``: the root seed (default :data:`DEFAULT_ROOT_SEED`)."""
    parser.add_argument("--seed", type=int, default=DEFAULT_ROOT_SEED, help=help)


def add_workers(parser: argparse.ArgumentParser, help: str = WORKERS_HELP) -> None:
    """``--workers N``: worker processes (default: every core)."""
    parser.add_argument("--workers", type=positive, default=DEFAULT_WORKERS, help=help)


def add_replicates(parser: argparse.ArgumentParser, default: int, help: str) -> None:
    """``--replicates N``: runs per point or per side."""
    parser.add_argument("--replicates", type=positive, default=default, help=help)


def add_posterior(parser: argparse.ArgumentParser, help: str = POSTERIOR_HELP) -> None:
    """``--posterior FILE``: a calibration's ``posterior.json``."""
    parser.add_argument("--posterior", type=Path, metavar="FILE", help=help)


def add_out(parser: argparse.ArgumentParser, help: str) -> None:
    """``--out PATH``: where the verb writes (each verb says its default)."""
    parser.add_argument("--out", type=Path, help=help)


def add_results_root(parser: argparse.ArgumentParser) -> None:
    """``--results-root RESULTS_ROOT``: under which default results folders are made."""
    parser.add_argument("--results-root", type=Path, default=DEFAULT_RESULTS_ROOT, metavar="RESULTS_ROOT",
                        help="folder under which default results folders are made (default: results/ in the working directory)")


def add_overwrite(parser: argparse.ArgumentParser, help: str) -> None:
    """``--overwrite``: replace what the verb would otherwise refuse to replace."""
    parser.add_argument("--overwrite", action="store_true", help=help)


def add_claims_off(parser: argparse.ArgumentParser, help: str) -> None:
    """``--claims-off ID ...``: claims switched off."""
    parser.add_argument("--claims-off", nargs="+", default=[], metavar="ID", help=help)


def add_write(parser: argparse.ArgumentParser, help: str) -> None:
    """``--write FILE``: replace a table between markers of a file."""
    parser.add_argument("--write", type=Path, metavar="FILE", help=help)


def claims_off(args: argparse.Namespace) -> dict[str, list[str]] | None:
    """The overrides of ``--claims-off``, or None when no claim is switched off."""
    return {"claims_off": args.claims_off} if args.claims_off else None


def add_experiment_options(parser: argparse.ArgumentParser, replicates: int) -> None:
    """The options of a paired experiment (``compare``, ``ablate``): metrics, runs, seed, workers, claims off and where to write."""
    parser.add_argument("--metric", action="append", dest="metrics", metavar="M",
                        help="metric to compare, e.g. 'corridor_share[corridor=middle_corridor]@2028-2030' "
                             "(repeatable; default: the scenario's hypothesis checks and the headline indicators)")
    add_replicates(parser, replicates, f"paired runs (default {replicates})")
    add_seed(parser, "root seed, split per run")
    add_workers(parser)
    add_claims_off(parser, "claims switched off in every scenario")
    add_out(parser, "folder for the table, run values and figure (default: under RESULTS_ROOT)")
    add_results_root(parser)


def experiment_metrics(texts: list[str] | None, resolved: Resolved, *scenarios: Scenario) -> list[Metric]:
    """Metrics from the command line, or the scenario's hypothesis checks plus the defaults; checked against every scenario.

    Raises:
        CommandError: If a metric does not parse or does not fit one of the scenarios.
    """
    if texts:
        chosen = list(texts)
    else:
        checks = resolved.hypothesis.checks if resolved.hypothesis else ()
        chosen = [c.metric.label for c in checks] + list(DEFAULT_METRICS)
    metrics, seen = [], set()
    for text in chosen:
        try:
            metric = parse_metric(text)
            for scenario in scenarios:
                metric.check(coordinates(scenario), quarter_range(scenario.start, scenario.end))
        except MetricError as error:
            raise CommandError.bad_value(f"--metric {text}", error.problem, error.value, error.expected) from None
        if metric.label not in seen:
            seen.add(metric.label)
            metrics.append(metric)
    return metrics
