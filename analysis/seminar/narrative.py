"""The event log in plain words, each entry linked to the claims behind it.

An entry reads ``2022Q1 — sanctions package on Russia (intensity 0.7)`` and carries
the claim IDs it rests on. Scheduled events come from the scenario's timeline
and cite the claims their scenario entry cites; the rest is read off the
recorded outcomes — unrest the model drew, interventions and the security shift
that followed, formal adherence to sanctions, formats starting or meeting at
summit level, a new largest partner of a state in a domain — and cites the
claims of the mechanism that produced it (``model.mechanisms``).

Every sentence is a message template passed through the page's translator
``_`` (gettext), so the log reads in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from multivector.analysis.seminar.sources import mechanism_claims
from multivector.model.events import (
    CapacityShock,
    CorridorInvestment,
    Designation,
    EaseEnforcement,
    EnforcementStep,
    ParameterChange,
    Partnership,
    SanctionsPackage,
    SecurityShock,
    TimelineEvent,
    Unrest,
)
from multivector.model.params import DOMAINS

if TYPE_CHECKING:
    from multivector.analysis.seminar.play import SeminarModel

DASH = " — "
"""Between a quarter and what happened."""

LEAD_MARGIN = 0.02
"""A new largest partner is reported only when it leads the previous one by this share."""

SHOWN_CHANGE = 0.005
"""A share change smaller than this is shown with three decimals, so that a rise never reads "0.32 → 0.32"."""

Translate = Callable[[str], str]
"""The page's translator: a message template in English → the same template in the page's language."""


def english(message: str) -> str:
    """The identity translator."""
    return message


@dataclass(frozen=True)
class LogEntry:
    """One line of the event log.

    Attributes:
        quarter: The quarter it happened (``2022Q1``).
        text: What happened, in the page's language.
        claims: IDs of the claims it rests on (the event's, or its mechanism's).
        scheduled: True for an event of the scenario's timeline, False for a change read off the run.
    """

    quarter: str
    text: str
    claims: tuple[str, ...]
    scheduled: bool

    @property
    def line(self) -> str:
        """``2022Q1 — text``."""
        return f"{self.quarter}{DASH}{self.text}"


class Names:
    """Display names of a model's states, powers, corridors and formats, in the page's language.

    Args:
        model: The model whose scenario holds the names.
        _: The page's translator.
    """

    def __init__(self, model: SeminarModel, _: Translate = english) -> None:
        sc = model.params
        self.states = {c: _(p.name or c) for c, p in sc.states.items()}
        self.powers = {c: _(p.name or c) for c, p in sc.powers.items()}
        self.corridors = {c: _(p.name or c) for c, p in sc.corridors.items()}
        self.formats = {c: _(p.name or c) for c, p in sc.formats.items()}

    def state_list(self, codes: tuple[str, ...], _: Translate = english) -> str:
        """``Kazakhstan, Uzbekistan and Tajikistan``."""
        names = [self.states.get(c, c) for c in codes]
        if len(names) == 1:
            return names[0]
        return _("{first} and {last}").format(first=_(", ").join(names[:-1]), last=names[-1])


def describe_event(event: TimelineEvent, names: Names, _: Translate = english) -> str:
    """One scheduled event in plain words (without its quarter).

    Args:
        event: A timeline event.
        names: Display names.
        _: The page's translator.
    """
    describe = DESCRIPTIONS.get(type(event))
    return describe(event, names, _) if describe else _("{kind} ({id})").format(kind=event.type.replace("_", " "), id=event.id)


def _sanctions_package(e: SanctionsPackage, n: Names, _: Translate) -> str:
    return _("sanctions package on Russia (intensity {intensity:g})").format(intensity=e.intensity)


def _enforcement_step(e: EnforcementStep, n: Names, _: Translate) -> str:
    return _("secondary-sanctions enforcement steps up to {stage} (level {level:g})").format(stage=_(e.stage), level=e.level)


def _ease_enforcement(e: EaseEnforcement, n: Names, _: Translate) -> str:
    return _("secondary-sanctions enforcement eases to {stage} (level {level:g})").format(stage=_(e.stage), level=e.level)


def _parameter(e: ParameterChange, n: Names, _: Translate) -> str:
    if e.set is not None:
        return _("{path} set to {value}").format(path=e.path, value=e.set)
    return _("{path} scaled by {factor:g}").format(path=e.path, factor=e.scale)


def _designation(e: Designation, n: Names, _: Translate) -> str:
    return _("{firms:g} firms in {state} designated under secondary sanctions").format(firms=e.firms, state=n.states[e.state])


def _unrest(e: Unrest, n: Names, _: Translate) -> str:
    return _("unrest in {state} (severity {severity:g})").format(state=n.states[e.state], severity=e.severity)


def _security_shock(e: SecurityShock, n: Names, _: Translate) -> str:
    return _("security shock (threat {threat:g}) for {states}").format(threat=e.threat, states=n.state_list(e.states, _))


def _capacity_shock(e: CapacityShock, n: Names, _: Translate) -> str:
    change = (e.factor - 1) * 100
    template = "{power}'s capacity in the region rises by {percent:.0f}%" if change >= 0 else \
        "{power}'s capacity in the region falls by {percent:.0f}%"
    return _(template).format(power=n.powers[e.power], percent=abs(change))


def _corridor_investment(e: CorridorInvestment, n: Names, _: Translate) -> str:
    return _("investment in the {corridor}: +{capacity:g} Mt/yr, usable after {lag} quarters").format(
        corridor=n.corridors[e.corridor], capacity=e.capacity, lag=e.lag)


def _partnership(e: Partnership, n: Names, _: Translate) -> str:
    return _("{state}–{power} partnership upgrade in {domain} (+{boost:g} for {quarters} quarters)").format(
        state=n.states[e.state], power=n.powers[e.power], domain=_(e.domain), boost=e.boost, quarters=e.quarters)


DESCRIPTIONS: dict[type, Callable[..., str]] = {
    SanctionsPackage: _sanctions_package, EnforcementStep: _enforcement_step, EaseEnforcement: _ease_enforcement,
    ParameterChange: _parameter, Designation: _designation, Unrest: _unrest, SecurityShock: _security_shock,
    CapacityShock: _capacity_shock, CorridorInvestment: _corridor_investment, Partnership: _partnership,
}
"""Event class → its sentence."""


def event_log(model: SeminarModel, _: Translate = english) -> list[LogEntry]:
    """Everything notable in the quarters simulated so far, oldest first."""
    names = Names(model, _)
    entries: list[LogEntry] = []
    for t in range(model.t):
        entries += quarter_entries(model, t, names, _)
    return entries


def quarter_entries(model: SeminarModel, t: int, names: Names, _: Translate = english) -> list[LogEntry]:
    """What happened in step ``t``: scheduled events, then changes read off the outcomes."""
    quarter = model.quarters[t]
    scheduled = model.events_by_step.get(t, [])
    entries = [LogEntry(quarter, describe_event(e, names, _), tuple(e.claims), True) for e in scheduled if not isinstance(e, Unrest)]
    read_off = [
        *unrest_lines(model, t, names, scheduled, _),
        *((text, mechanism_claims("bank_compliance_not_state_policy", "secondary_exposure")) for text in adherence_lines(model, t, names, _)),
        *((text, mechanism_claims("format_leverage_and_fragmentation", "summit_upgrade_race")) for text in format_lines(model, t, names, _)),
        *((text, mechanism_claims("dependence_cost", "issue_by_issue_alignment")) for text in leader_lines(model, t, names, _)),
    ]
    return entries + [LogEntry(quarter, text, claims, False) for text, claims in read_off]


def _previous_alignment(model: SeminarModel, t: int) -> np.ndarray:
    """``[state, domain, power]`` alignment before step ``t``."""
    if t == 0:
        return model.alignment_2021
    return model.outcomes["alignment"][t - 1]


def shares(old: float, new: float) -> str:
    """``0.32 → 0.35``, with three decimals when two would hide the change."""
    digits = 3 if abs(round(new, 2) - round(old, 2)) < SHOWN_CHANGE else 2
    return f"{old:.{digits}f} → {new:.{digits}f}"


def unrest_lines(model: SeminarModel, t: int, names: Names, scheduled: list[TimelineEvent],
                 _: Translate = english) -> list[tuple[str, tuple[str, ...]]]:
    """Unrest (scheduled or drawn) and who intervened, with the security shift it caused, and the claims behind each."""
    out = model.outcomes
    planned = {e.state: e for e in scheduled if isinstance(e, Unrest)}
    helpers = [model.power_codes[p] for p in np.flatnonzero(out["interventions"][t] > 0)]
    before, after = _previous_alignment(model, t), out["alignment"][t]
    security = DOMAINS.index("security")
    lines = []
    for s in np.flatnonzero(out["unrest"][t] > 0):
        code = model.state_codes[s]
        event = planned.get(code)
        if event is not None:
            text, claims = describe_event(event, names, _), tuple(event.claims)
        else:
            text, claims = _("unrest in {state} (drawn by the model)").format(state=names.states[code]), mechanism_claims("unrest_hazard")
        for power in helpers:
            p = model.power_codes.index(power)
            old, new = before[s, security, p], after[s, security, p]
            template = ("; {power} intervenes, {state}'s security alignment with {power} rises ({shift})" if new > old else
                        "; {power} intervenes, {state}'s security alignment with {power} falls ({shift})")
            text += _(template).format(power=names.powers[power], state=names.states[code], shift=shares(old, new))
            claims = (*claims, *mechanism_claims("security_provider_of_last_resort"))
        lines.append((text, tuple(dict.fromkeys(claims))))
    return lines


def adherence_lines(model: SeminarModel, t: int, names: Names, _: Translate = english) -> list[str]:
    """States formally joining (or leaving) Western sanctions on Russia."""
    now = model.outcomes["formal_adherence"][t]
    before = model.outcomes["formal_adherence"][t - 1] if t else np.zeros_like(now)
    lines = []
    for s in np.flatnonzero(now != before):
        template = "{state} formally joins Western sanctions on Russia" if now[s] > before[s] else \
            "{state} stops applying Western sanctions on Russia"
        lines.append(_(template).format(state=names.states[model.state_codes[s]]))
    return lines


def format_lines(model: SeminarModel, t: int, names: Names, _: Translate = english) -> list[str]:
    """Formats starting, ending, or meeting at summit level for the first time."""
    if t == 0 or t >= len(model.format_log):
        return []
    active, summit = model.format_log[t]
    old_active, old_summit = model.format_log[t - 1]
    lines = [_("{format} starts").format(format=names.formats[f]) for f in sorted(active - old_active)]
    lines += [_("{format} ends").format(format=names.formats[f]) for f in sorted(old_active - active)]
    lines += [_("{format} meets at summit level").format(format=names.formats[f]) for f in sorted(summit - old_summit)]
    return lines


LEADER_TEMPLATES = {
    "security": "{new} overtakes {old} as {state}'s largest security partner ({new_share:.2f} vs {old_share:.2f})",
    "economy": "{new} overtakes {old} as {state}'s largest economic partner ({new_share:.2f} vs {old_share:.2f})",
    "diplomacy": "{new} overtakes {old} as {state}'s largest diplomatic partner ({new_share:.2f} vs {old_share:.2f})",
}
"""One sentence per domain, so that each translates as a whole."""


def leader_lines(model: SeminarModel, t: int, names: Names, _: Translate = english) -> list[str]:
    """A new largest partner of a state in a domain (by a margin, to skip flickering)."""
    before, after = _previous_alignment(model, t), model.outcomes["alignment"][t]
    lines = []
    for s, code in enumerate(model.state_codes):
        for d, domain in enumerate(DOMAINS):
            old, new = int(np.argmax(before[s, d])), int(np.argmax(after[s, d]))
            if old != new and after[s, d, new] - after[s, d, old] >= LEAD_MARGIN:
                lines.append(_(LEADER_TEMPLATES[domain]).format(
                    new=names.powers[model.power_codes[new]], old=names.powers[model.power_codes[old]], state=names.states[code],
                    new_share=after[s, d, new], old_share=after[s, d, old]))
    return lines
