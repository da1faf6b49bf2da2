"""``ablate SCENARIO``: switch each claim (or article) off in turn, on paired seeds, and rank what it moves."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

from multivector.analysis.compare import AblationEffect, rank_ablation
from multivector.commands.common import DEFAULT_ABLATION_REPLICATES, EXIT_OK, CommandError, progress, shown
from multivector.commands.options import add_experiment_options, claims_off, experiment_metrics, positive
from multivector.ensemble.batch import run_metrics, run_seeds
from multivector.model.metrics import Metric
from multivector.scenarios import load_registry, resolve
from multivector.scenarios.ablation import ablation_variants, check_switchable, group_claims, switchable_claims
from multivector.scenarios.claims import Registry


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``ablate`` verb and its options."""
    ablate = verbs.add_parser("ablate", help="switch each claim (or article) off in turn and rank what it moves")
    ablate.add_argument("scenario", help="library name or path")
    ablate.add_argument("--group", choices=("claim", "article"), default="claim",
                        help="switch claims off one at a time, or all switchable claims of an article together")
    ablate.add_argument("--claims", nargs="+", metavar="ID", help="only these claims (default: every switchable claim)")
    ablate.add_argument("--top", type=positive, default=25, help="claims shown in the figure (default 25)")
    add_experiment_options(ablate, DEFAULT_ABLATION_REPLICATES)
    ablate.set_defaults(handler=ablate_claims)


def ablate_claims(args: argparse.Namespace) -> int:
    """Run the full scenario and every variant on paired seeds; print and write the ranking and its figure; return the exit code.

    Raises:
        CommandError: On Ctrl-C (nothing is written: an ablation needs every paired run).
    """
    # pandas, pyarrow (ensemble.results) and matplotlib (analysis.paired_figures): loaded when the verb runs, not for --help
    from multivector.analysis.paired_figures import save_ablation_figure
    from multivector.ensemble.results import results_folder

    overrides = claims_off(args)
    full = resolve(args.scenario, overrides)
    if args.claims:
        check_switchable(full, args.claims)
    claims = args.claims or switchable_claims(full)
    groups = group_claims(claims, args.group)
    variants = ablation_variants(args.scenario, groups, overrides)
    metrics = experiment_metrics(args.metrics, full, full.scenario)
    out = args.out or results_folder(args.results_root, "ablation", full.scenario.name)
    seeds = run_seeds(args.seed, args.replicates)
    scenarios = {"<full>": full.scenario, **{label: v.scenario for label, v in variants.items()}}
    print(f"Ablation of '{full.scenario.name}': {len(groups)} {args.group} variant(s) + the full scenario, "
          f"{args.replicates} paired runs each ({len(scenarios) * len(seeds)} runs)")
    bar = progress(len(scenarios) * len(seeds), 0)
    try:
        values = run_metrics(scenarios, seeds, metrics, args.workers, on_done=lambda: bar.update(1))
    except KeyboardInterrupt:
        bar.close()
        raise CommandError.interrupted("an ablation needs every paired run; nothing written") from None
    bar.close()
    labels = [m.label for m in metrics]
    ranking = rank_ablation(values["<full>"], {k: (groups[k], values[k]) for k in groups}, labels, seed=args.seed)
    registry = load_registry()
    out.mkdir(parents=True, exist_ok=True)
    table = _ablation_table(ranking, metrics, registry)
    (out / "ablation.md").write_text(
        f"# Claim ablation of {full.scenario.name}\n\nEach row switches claims off (values take their neutral, "
        f"events citing them are dropped) and compares {args.replicates} paired runs with the full scenario; "
        f"ranked by |mean change| of `{labels[0]}`.\n\n{table}", encoding="utf-8")
    _write_ablation_csv(out / "ablation.csv", ranking)
    figure = save_ablation_figure(ranking[: args.top], metrics[0].unit, registry, full.scenario.name, out, args.replicates,
                                  shown(out).as_posix())
    print(table)
    print(f"table: {shown(out / 'ablation.md')}, figure: {shown(figure)}")
    return EXIT_OK


def _ablation_table(ranking: Sequence[Sequence[AblationEffect]], metrics: Sequence[Metric], registry: Registry) -> str:
    """The ranking as a Markdown table: one row per variant, one column per metric (mean change and 95 % interval)."""
    head = "| rank | switched off | contested | " + " | ".join(f"`{m.label}` mean change [95 % CI]" for m in metrics) + " |"
    lines = [head, "|" + "---|" * (3 + len(metrics))]
    for rank, row in enumerate(ranking, 1):
        contested = "yes" if any(registry.is_contested(c) for c in row[0].claims) else ""
        cells = " | ".join(f"{e.stats.mean_diff:+.4g} [{e.stats.ci_low:+.4g}, {e.stats.ci_high:+.4g}]" for e in row)
        lines.append(f"| {rank} | {row[0].switched_off} | {contested} | {cells} |")
    return "\n".join(lines) + "\n"


def _write_ablation_csv(path: Path, ranking: Sequence[Sequence[AblationEffect]]) -> None:
    """Write every effect of the ranking, one row per variant and metric."""
    records = [{"rank": rank, "switched_off": effect.switched_off, "claims": " ".join(effect.claims),
                **effect.stats.as_row()} for rank, row in enumerate(ranking, 1) for effect in row]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
