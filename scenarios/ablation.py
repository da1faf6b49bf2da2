"""Claim ablation: the scenario with one claim (or one group of claims) switched off at a time.

A claim can be switched off when every value citing it has a ``neutral``
(timeline events citing it are simply dropped); :func:`switchable_claims`
lists them. Running each variant on the same seeds as the full scenario and
ranking the paired changes (``analysis.compare.rank_ablation``) shows which
claims carry a scenario's conclusions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from multivector.scenarios.claims import Registry, load_registry
from multivector.scenarios.errors import ScenarioError
from multivector.scenarios.loader import Resolved, citations, quantities, resolve

GROUPINGS: tuple[str, ...] = ("claim", "article")
"""How claims are grouped for ablation: one at a time, or all switchable claims of an article together."""


def switchable_claims(resolved: Resolved) -> list[str]:
    """Claims the resolved scenario cites that can be switched off, in registry order.

    A claim qualifies when every value citing it carries a ``neutral``; events
    citing it are dropped when it is off. Claims already off are left out.
    """
    without_neutral = {claim for _, quantity in quantities(resolved.data) if "neutral" not in quantity
                       for claim in quantity.get("claims", ())}
    off = set(resolved.data.get("claims_off", ()))
    return [claim for claim in citations(resolved.data) if claim not in without_neutral and claim not in off]


def group_claims(claims: Iterable[str], by: str) -> dict[str, tuple[str, ...]]:
    """Label → claims switched off together: each claim alone, or by article prefix."""
    if by == "claim":
        return {claim: (claim,) for claim in claims}
    groups: dict[str, list[str]] = {}
    for claim in claims:
        groups.setdefault(claim.split("-")[0], []).append(claim)
    return {label: tuple(members) for label, members in groups.items()}


def ablation_variants(
    name_or_path: str | Path,
    groups: Mapping[str, tuple[str, ...]],
    overrides: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> dict[str, Resolved]:
    """The scenario resolved once per group, with that group's claims switched off.

    Raises:
        ScenarioError: If a claim in a group cannot be switched off (the message names the value lacking a neutral).
    """
    registry = registry or load_registry()
    base_off = list((overrides or {}).get("claims_off", ()))
    variants = {}
    for label, claims in groups.items():
        extra = {**(overrides or {}), "claims_off": base_off + [c for c in claims if c not in base_off]}
        variants[label] = resolve(name_or_path, extra, registry=registry)
    return variants


def check_switchable(resolved: Resolved, claims: Iterable[str]) -> None:
    """Raise a one-line :class:`ScenarioError` for a requested claim that cannot be switched off."""
    able = set(switchable_claims(resolved))
    cited = citations(resolved.data)
    for claim in claims:
        if claim in able:
            continue
        problem = "claim not cited by the scenario" if claim not in cited else "claim cannot be switched off"
        expected = ("a claim the scenario cites (see 'run.py claims --cited --scenario NAME')" if claim not in cited
                    else "a claim whose every citing value has a neutral; " + ", ".join(sorted(able)[:8]) + " …")
        raise ScenarioError(str(resolved.source), None, "--claims", problem, claim, expected)
