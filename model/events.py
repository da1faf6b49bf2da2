"""Timeline event types and their typed payloads.

A scenario's ``timeline`` lists dated events (``at: 2022Q1``). Each event type
below declares the payload keys it takes; the scenario loader validates them
against these specifications, and :class:`multivector.model.MultivectorModel` applies
them at the start of the quarter they are dated.

A ``parameter`` event changes any scalar parameter from its quarter on, by key
path: ``{type: parameter, path: sanctions.secondary_cost, set: 1.0}`` or
``{..., path: powers.RUS.capacity_growth, scale: 0.5}`` (exactly one of ``set``
and ``scale``). The loader checks the path names a field that may change
mid-run (``model.tables.settable``), the new value against the field's bounds.
"""

from __future__ import annotations

from model.params import Spec

EVENT_TYPES: dict[str, dict[str, Spec]] = {
    "sanctions_package": {
        "intensity": Spec(kind="real", low=0, high=1, doc="Sanctions intensity on Russia after the package (0 none, 1 full)"),
    },
    "enforcement_step": {
        "level": Spec(kind="real", low=0, high=1, doc="Secondary-sanctions enforcement level reached (at least)"),
        "stage": Spec(kind="choice", options=("outreach", "visits", "designations"), doc="Escalation stage (CH25-26)"),
    },
    "ease_enforcement": {
        "level": Spec(kind="real", low=0, high=1, doc="Secondary-sanctions enforcement level lowered to (at most)"),
        "stage": Spec(kind="choice", options=("none", "outreach", "visits", "designations"),
                      doc="Escalation stage lowered to (at most)"),
    },
    "designation": {
        "state": Spec(kind="choice", doc="State whose firms are designated"),
        "firms": Spec(kind="real", low=0, high=1000, doc="Number of firms designated"),
    },
    "unrest": {
        "state": Spec(kind="choice", doc="State hit by unrest"),
        "severity": Spec(kind="real", low=0, high=1, doc="Severity (1 = regime-threatening)"),
    },
    "security_shock": {
        "states": Spec(kind="states", doc="States exposed"),
        "threat": Spec(kind="real", low=0, high=1, doc="Loss of regime security, scaled by each state's Afghan exposure"),
    },
    "capacity_shock": {
        "power": Spec(kind="choice", doc="Power whose regional capacity changes"),
        "factor": Spec(kind="real", low=0, high=5, doc="Multiplier on that capacity from this quarter on"),
    },
    "corridor_investment": {
        "corridor": Spec(kind="choice", doc="Route receiving the investment"),
        "capacity": Spec(kind="real", unit="Mt/yr", low=0, high=500, doc="Capacity added"),
        "lag": Spec(kind="integer", unit="quarters", low=0, high=40, doc="Quarters until the capacity is usable"),
    },
    "partnership": {
        "state": Spec(kind="choice", doc="Central Asian state"),
        "power": Spec(kind="choice", doc="External power"),
        "domain": Spec(kind="choice", options=("security", "economy", "diplomacy"), doc="Domain of the upgrade"),
        "boost": Spec(kind="real", low=0, high=2, doc="Extra offer value in that domain"),
        "quarters": Spec(kind="integer", low=1, high=40, doc="How long the extra offer lasts"),
    },
    "parameter": {
        "path": Spec(kind="text", doc="Key path of the parameter (sanctions.secondary_cost, powers.RUS.capacity_growth)"),
    },
}
"""Event type → payload key → specification."""

PARAMETER_CHANGES: dict[str, Spec] = {
    "set": Spec(kind="real", doc="The parameter's new value (checked against the parameter's own specification)"),
    "scale": Spec(kind="real", low=0, high=100, doc="Factor applied to the parameter's current value (real parameters only)"),
}
"""The two ways a ``parameter`` event changes its parameter; an event gives exactly one."""

REFERENCE_KINDS: dict[str, str] = {
    "state": "states",
    "power": "powers",
    "corridor": "corridors",
}
"""Payload keys whose ``choice`` value must name an entry of a scenario collection."""
