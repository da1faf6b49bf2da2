"""The event log in plain words: timeline events that fired and notable changes in the run.

Lines read ``2022Q1 — sanctions package on Russia (intensity 0.7)``. Scheduled
events come from the scenario's timeline; the rest is read off the recorded
outcomes: unrest the model drew, interventions and the security shift that
followed, formal adherence to sanctions, formats starting or meeting at summit
level, and a new largest partner of a state in a domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from multivector.model.events import TimelineEvent
from multivector.model.params import DOMAINS

if TYPE_CHECKING:
    from multivector.analysis.seminar.play import SeminarModel

DASH = " — "
"""Between a quarter and what happened."""

LEAD_MARGIN = 0.02
"""A new largest partner is reported only when it leads the previous one by this share."""

DOMAIN_ADJECTIVE = {"security": "security", "economy": "economic", "diplomacy": "diplomatic"}
"""Domain → adjective used in sentences."""


class Names:
    """Display names of a model's states, powers, corridors and formats.

    Args:
        model: The model whose scenario holds the names.
    """

    def __init__(self, model: SeminarModel) -> None:
        sc = model.params
        self.states = {c: p.name or c for c, p in sc.states.items()}
        self.powers = {c: p.name or c for c, p in sc.powers.items()}
        self.corridors = {c: p.name or c for c, p in sc.corridors.items()}
        self.formats = {c: p.name or c for c, p in sc.formats.items()}

    def state_list(self, codes: tuple[str, ...]) -> str:
        """``Kazakhstan, Uzbekistan and Tajikistan``."""
        names = [self.states.get(c, c) for c in codes]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def possessive(name: str) -> str:
    """``Russia's``, ``the United States'``."""
    return name + ("'" if name.endswith("s") else "'s")


def describe_event(event: TimelineEvent, names: Names, start_of: Callable[[int], str]) -> str:
    """One scheduled event in plain words (without its quarter).

    Args:
        event: A timeline event.
        names: Display names.
        start_of: Quarter label of a step index (for investments' completion).
    """
    p: dict[str, Any] = event.payload
    kind = event.type
    if kind == "sanctions_package":
        return f"sanctions package on Russia (intensity {p['intensity']:g})"
    if kind == "enforcement_step":
        return f"secondary-sanctions enforcement steps up to {p['stage']} (level {p['level']:g})"
    if kind == "ease_enforcement":
        return f"secondary-sanctions enforcement eases to {p['stage']} (level {p['level']:g})"
    if kind == "parameter":
        change = f"set to {p['set']}" if "set" in p else f"scaled by {p['scale']:g}"
        return f"{p['path']} {change}"
    if kind == "designation":
        return f"{p['firms']:g} firms in {names.states[p['state']]} designated under secondary sanctions"
    if kind == "unrest":
        return f"unrest in {names.states[p['state']]} (severity {p['severity']:g})"
    if kind == "security_shock":
        return f"security shock (threat {p['threat']:g}) for {names.state_list(p['states'])}"
    if kind == "capacity_shock":
        change = (p["factor"] - 1) * 100
        verb = "rises" if change >= 0 else "falls"
        return f"{possessive(names.powers[p['power']])} capacity in the region {verb} by {abs(change):.0f}%"
    if kind == "corridor_investment":
        return f"investment in the {names.corridors[p['corridor']]}: +{p['capacity']:g} Mt/yr, usable after {p['lag']} quarters"
    if kind == "partnership":
        return (f"{names.states[p['state']]}–{names.powers[p['power']]} partnership upgrade in "
                f"{p['domain']} (+{p['boost']:g} for {p['quarters']} quarters)")
    return f"{kind.replace('_', ' ')} ({event.id})"


def event_log(model: SeminarModel) -> list[str]:
    """Everything notable in the quarters simulated so far, oldest first."""
    names = Names(model)
    lines: list[str] = []
    for t in range(model.t):
        lines += [f"{model.quarters[t]}{DASH}{text}" for text in quarter_lines(model, t, names)]
    return lines


def quarter_lines(model: SeminarModel, t: int, names: Names) -> list[str]:
    """What happened in step ``t``: scheduled events, then changes read off the outcomes."""
    scheduled = model.events_by_step.get(t, [])
    lines = [describe_event(e, names, lambda k: model.quarters[min(k, len(model.quarters) - 1)])
             for e in scheduled if e.type != "unrest"]
    lines += unrest_lines(model, t, names, scheduled)
    lines += adherence_lines(model, t, names)
    lines += format_lines(model, t, names)
    lines += leader_lines(model, t, names)
    return lines


def _previous_alignment(model: SeminarModel, t: int) -> np.ndarray:
    """``[state, domain, power]`` alignment before step ``t``."""
    if t == 0:
        return model.alignment_2021
    return model.outcomes["alignment"][t - 1]


def unrest_lines(model: SeminarModel, t: int, names: Names, scheduled: list[TimelineEvent]) -> list[str]:
    """Unrest (scheduled or drawn) and who intervened, with the security shift it caused."""
    out = model.outcomes
    planned = {e.payload["state"]: e for e in scheduled if e.type == "unrest"}
    helpers = [model.power_codes[p] for p in np.flatnonzero(out["interventions"][t] > 0)]
    before, after = _previous_alignment(model, t), out["alignment"][t]
    security = DOMAINS.index("security")
    lines = []
    for s in np.flatnonzero(out["unrest"][t] > 0):
        code = model.state_codes[s]
        event = planned.get(code)
        text = describe_event(event, names, str) if event else f"unrest in {names.states[code]} (drawn by the model)"
        for power in helpers:
            p = model.power_codes.index(power)
            old, new = before[s, security, p], after[s, security, p]
            verb = "rises" if new > old else "falls"
            text += (f"; {names.powers[power]} intervenes, {possessive(names.states[code])} security alignment with "
                     f"{names.powers[power]} {verb} ({old:.2f} → {new:.2f})")
        lines.append(text)
    return lines


def adherence_lines(model: SeminarModel, t: int, names: Names) -> list[str]:
    """States formally joining (or leaving) Western sanctions on Russia."""
    now = model.outcomes["formal_adherence"][t]
    before = model.outcomes["formal_adherence"][t - 1] if t else np.zeros_like(now)
    lines = []
    for s in np.flatnonzero(now != before):
        verb = "formally joins" if now[s] > before[s] else "stops applying"
        lines.append(f"{names.states[model.state_codes[s]]} {verb} Western sanctions on Russia")
    return lines


def format_lines(model: SeminarModel, t: int, names: Names) -> list[str]:
    """Formats starting, ending, or meeting at summit level for the first time."""
    if t == 0 or t >= len(model.format_log):
        return []
    active, summit = model.format_log[t]
    old_active, old_summit = model.format_log[t - 1]
    lines = [f"{names.formats[f]} starts" for f in sorted(active - old_active)]
    lines += [f"{names.formats[f]} ends" for f in sorted(old_active - active)]
    lines += [f"{names.formats[f]} meets at summit level" for f in sorted(summit - old_summit)]
    return lines


def leader_lines(model: SeminarModel, t: int, names: Names) -> list[str]:
    """A new largest partner of a state in a domain (by a margin, to skip flickering)."""
    before, after = _previous_alignment(model, t), model.outcomes["alignment"][t]
    lines = []
    for s, code in enumerate(model.state_codes):
        for d, domain in enumerate(DOMAINS):
            old, new = int(np.argmax(before[s, d])), int(np.argmax(after[s, d]))
            if old != new and after[s, d, new] - after[s, d, old] >= LEAD_MARGIN:
                lines.append(f"{names.powers[model.power_codes[new]]} overtakes {names.powers[model.power_codes[old]]} "
                             f"as {possessive(names.states[code])} largest {DOMAIN_ADJECTIVE[domain]} partner "
                             f"({after[s, d, new]:.2f} vs {after[s, d, old]:.2f})")
    return lines
