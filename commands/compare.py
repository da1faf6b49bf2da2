"""``compare A B``: a paired comparison of two scenarios on the same seeds (or posterior draws): table, run values, figure."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from multivector.analysis.compare import PairedStats, compare_runs, markdown_table
from multivector.analysis.uncertain import paired_values
from multivector.calibration.posterior import read_posterior
from multivector.commands.common import DEFAULT_COMPARE_REPLICATES, EXIT_OK, CommandError, progress, shown
from multivector.commands.options import add_experiment_options, add_posterior, claims_off, experiment_metrics
from multivector.ensemble.batch import run_metrics, run_seeds
from multivector.scenarios import resolve


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``compare`` verb and its options."""
    compare = verbs.add_parser("compare", help="paired comparison of two scenarios: table and figure")
    compare.add_argument("a", help="reference scenario (library name or path)")
    compare.add_argument("b", help="scenario compared with it")
    add_experiment_options(compare, DEFAULT_COMPARE_REPLICATES)
    add_posterior(compare)
    compare.set_defaults(handler=compare_scenarios)


def compare_scenarios(args: argparse.Namespace) -> int:
    """Run both scenarios on paired seeds, print the table and write table, run values and figure; return the exit code.

    Raises:
        CommandError: On Ctrl-C (nothing is written: a comparison needs every paired run).
    """
    # pandas, pyarrow (ensemble.results) and matplotlib (analysis.paired_figures): loaded when the verb runs, not for --help
    from multivector.analysis.paired_figures import save_comparison_figure
    from multivector.ensemble.results import results_folder

    a, b = resolve(args.a, claims_off(args)), resolve(args.b, claims_off(args))
    metrics = experiment_metrics(args.metrics, b, a.scenario, b.scenario)
    names = (a.scenario.name, b.scenario.name)
    args.posterior = args.posterior or b.posterior or a.posterior  # a scenario may name the posterior it was calibrated to
    out = args.out or results_folder(args.results_root, "compare",
                                     f"{names[0]}--{names[1]}" + ("-posterior" if args.posterior else ""))
    seeds = run_seeds(args.seed, args.replicates)
    bar = progress(2 * len(seeds), 0)
    try:
        if args.posterior is None:
            values = run_metrics({"a": a.scenario, "b": b.scenario}, seeds, metrics, args.workers, on_done=lambda: bar.update(1))
        else:
            values, design = paired_values(a, b, metrics, points=args.replicates, seeds_per_point=1, seed=args.seed,
                                           workers=args.workers, on_done=lambda: bar.update(1),
                                           posterior=read_posterior(args.posterior))
            seeds = list(design.seeds)
    except KeyboardInterrupt:
        bar.close()
        raise CommandError.interrupted("a comparison needs every paired run; nothing written") from None
    bar.close()
    labels, units = [m.label for m in metrics], [m.unit for m in metrics]
    stats = compare_runs(labels, values["a"], values["b"], seed=args.seed)
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(stats, units, *names)
    _write_comparison(out, names, seeds, labels, units, values, stats, table)
    diffs = [values["b"][:, j] - values["a"][:, j] for j in range(len(metrics))]
    figure = save_comparison_figure(diffs, stats, units, names, out, args.replicates, shown(out).as_posix())
    pairs = (f"{args.replicates} runs on the same posterior draws and seeds ({args.posterior})" if args.posterior
             else f"{args.replicates} runs on the same seeds")
    print(f"Paired comparison, {pairs} (root seed {args.seed}); B = {names[1]}, A = {names[0]}")
    print(table)
    print(f"table: {shown(out / 'comparison.md')}, values: {shown(out / 'runs.csv')}, figure: {shown(figure)}")
    return EXIT_OK


def _write_comparison(out: Path, names: tuple[str, str], seeds: Sequence[int], labels: Sequence[str], units: Sequence[str],
                      values: dict[str, np.ndarray], stats: Sequence[PairedStats], table: str) -> None:
    """Write ``comparison.md`` (the table), ``comparison.csv`` (the statistics) and ``runs.csv`` (every paired value)."""
    (out / "comparison.md").write_text(
        f"# {names[1]} vs {names[0]}: paired comparison\n\n{len(seeds)} runs of each on the same seeds.\n\n{table}",
        encoding="utf-8")
    with open(out / "comparison.csv", "w", newline="", encoding="utf-8") as handle:
        rows = [{**s.as_row(), "unit": u} for s, u in zip(stats, units, strict=True)]
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(out / "runs.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["run", "seed", "metric", names[0], names[1]])
        for i, seed in enumerate(seeds):
            for j, label in enumerate(labels):
                writer.writerow([i, seed, label, repr(float(values["a"][i, j])), repr(float(values["b"][i, j]))])
