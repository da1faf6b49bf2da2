"""Which claims the model carries, where, and whether the registry says so.

A claim is *used* when a value or timeline event written in a library
scenario's own file (inherited values count once, in the file that states
them), a scenario's hypothesis, or a model mechanism (``model.mechanisms``)
cites it.
The registry records each claim's status; :func:`coverage_problems` lists every
disagreement between the two, and the test suite requires that list to be empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from multivector.model.mechanisms import MECHANISMS
from multivector.scenarios.claims import Registry, load_registry
from multivector.scenarios.loader import citations, list_scenarios, resolve
from multivector.scenarios.source import display_name, read_yaml


@dataclass(frozen=True)
class Use:
    """One place that cites a claim.

    Attributes:
        kind: ``value``, ``event``, ``hypothesis`` or ``mechanism``.
        owner: The scenario name, or ``model`` for a mechanism.
        where: Key path in the scenario, or the mechanism's name and implementing function.
    """

    kind: str
    owner: str
    where: str

    def __str__(self) -> str:
        return f"{self.owner}: {self.where}" if self.kind != "mechanism" else f"mechanism {self.where}"


def claim_uses(scenarios: Iterable[str] | None = None, registry: Registry | None = None) -> dict[str, list[Use]]:
    """Claim ID → every use in the given library scenarios (all by default) and in the model's mechanisms.

    Each scenario is resolved (so it must be valid), but only the citations
    written in its own file count for it.
    """
    registry = registry or load_registry()
    uses: dict[str, list[Use]] = {}
    for name in scenarios if scenarios is not None else list_scenarios():
        resolved = resolve(name, registry=registry)
        own = read_yaml(resolved.source, display_name(resolved.source)).data
        for claim, paths in citations(own).items():
            uses.setdefault(claim, []).extend(
                Use("event" if path.startswith("timeline.") else "value", name, path) for path in paths)
        if resolved.hypothesis is not None:
            for claim in resolved.hypothesis.claims:
                uses.setdefault(claim, []).append(Use("hypothesis", name, "hypothesis"))
    for mechanism_name, mechanism in MECHANISMS.items():
        for claim in mechanism.claims:
            uses.setdefault(claim, []).append(Use("mechanism", "model", f"{mechanism_name} ({mechanism.where})"))
    return uses


def coverage_problems(uses: dict[str, list[Use]], registry: Registry | None = None) -> list[str]:
    """Every way the registry and its users disagree, one line each (empty when consistent).

    Checked: each cited claim exists; each claim marked ``encoded`` is carried
    by a value, event or mechanism (a hypothesis alone does not encode it);
    no claim marked ``not-represented`` is carried by one.
    """
    registry = registry or load_registry()
    problems = [f"{claim}: cited by {uses[claim][0]} but missing from the registry"
                for claim in sorted(uses) if claim not in registry]
    for claim in registry.claims.values():
        carriers = [use for use in uses.get(claim.id, []) if use.kind != "hypothesis"]
        if claim.status == "encoded" and not carriers:
            problems.append(f"{claim.id}: marked encoded but no scenario value, event or mechanism cites it")
        if claim.status == "not-represented" and carriers:
            problems.append(f"{claim.id}: marked not-represented ({claim.reason}) but cited by {carriers[0]}")
    return problems
