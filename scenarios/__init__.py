"""Scenario files for Multivector: format v1, inheritance, provenance and the claims registry.

A scenario is a YAML file in this folder (or anywhere, given a path). Every
world value carries its provenance (claim IDs from the registry in
``scenarios/claims`` and/or a labelled assumption). :func:`resolve` reads a
scenario with its ``extends`` chain, applies overrides and claim toggles,
validates everything against :mod:`model.params` and returns both the resolved
plain data (to record with results) and the typed
:class:`model.params.Scenario` the model runs.
"""

from multivector.scenarios.claims import Article, Claim, Registry, load_registry
from multivector.scenarios.errors import ScenarioError
from multivector.scenarios.loader import (
    SCENARIO_DIR,
    Resolved,
    citations,
    list_scenarios,
    load_scenario,
    resolve,
    scenario_path,
)

__all__ = [
    "SCENARIO_DIR",
    "Article",
    "Claim",
    "Registry",
    "Resolved",
    "ScenarioError",
    "citations",
    "list_scenarios",
    "load_registry",
    "load_scenario",
    "resolve",
    "scenario_path",
]
