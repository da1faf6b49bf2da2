"""The "Play a state" tab: govern one state quarter by quarter, then read a scorecard of what a government weighs.

The scorecard (``analysis.seminar.scorecard``) sets the player's run beside the
run where the state follows the model's rule, on the same seed and levers,
outcome by outcome — autonomy, regime security, growth, exposure to secondary
sanctions, each power's goodwill — with no total and no winner: the trade-offs
are the lesson.
"""

from __future__ import annotations

from html import escape

import solara

from multivector.analysis.seminar.explore import DOMAIN_WORDS
from multivector.analysis.seminar.levers import scenario_with
from multivector.analysis.seminar.narrative import Translate
from multivector.analysis.seminar.play import MOVES, Player, SeminarModel
from multivector.analysis.seminar.scorecard import Scorecard, scorecard
from multivector.analysis.seminar.session import ExploreSession
from multivector.model.params import DOMAINS


def scorecard_html(card: Scorecard, _: Translate) -> str:
    """The scorecard as a table: each outcome, its unit, the player's value, the model's rule's, and which way is better."""
    head = (f"<tr><th>{escape(_('What a government weighs'))}</th><th>{escape(_('Unit'))}</th>"
            f"<th>{escape(_('You'))}</th><th>{escape(_('The model’s rule'))}</th><th>{escape(_('Better when'))}</th></tr>")
    rows = "".join(
        f"<tr><td><b>{escape(_(row.group))}</b>: {escape(row.text(_))}</td><td>{escape(_(row.unit))}</td>"
        f"<td class='num'>{row.played:.3g}</td><td class='num'>{row.model:.3g}</td>"
        f"<td>{escape(_('higher') if row.better == 'higher' else _('lower'))}</td></tr>" for row in card.rows)
    return f"<table class='seminar-table'>{head}{rows}</table>"


@solara.component
def Play(session: ExploreSession, version: int, _: Translate) -> None:
    """Choose a state, start a game on the tab's scenario, seed and levers, choose a lean per domain each quarter."""
    codes = session.model.state_codes
    names = {code: _(session.model.params.states[code].name or code) for code in codes}
    state, set_state = solara.use_state(codes[0])
    game, set_game = solara.use_state(None)
    moves, set_moves = solara.use_state(dict.fromkeys(DOMAINS, "model"))
    moved, set_moved = solara.use_state(0)

    def start() -> None:
        player = Player(state)
        scenario = scenario_with(session.name, session.values)
        set_game((player, SeminarModel(scenario, seed=session.seed, player=player)))
        set_moves(dict.fromkeys(DOMAINS, "model"))
        set_moved(moved + 1)

    def choose(domain: str, words: str) -> None:
        code = next(c for c, text in MOVES.items() if _(text) == words)
        set_moves({**moves, domain: code})

    def advance(quarters: int) -> None:
        player, played = game
        for domain, move in moves.items():
            player.choose(domain, move)
        for _quarter in range(quarters):
            if not played.running:
                break
            played.step()
        set_moved(moved + 1)

    with solara.Column(classes=["seminar-main"]):
        with solara.Column(classes=["seminar-card"]):
            solara.HTML(tag="h2", unsafe_innerHTML=escape(_("Play a state")))
            solara.HTML(tag="div", unsafe_innerHTML=escape(_(
                "Govern one state. Each quarter choose, per domain, which way to lean (at the state's own speed of adjustment); "
                "the powers and the other states respond. At any point the scorecard sets your run beside the run where the "
                "state follows the model's rule, outcome by outcome: there is no single score.")))
            with solara.Row(style="flex-wrap: wrap; gap: 8px; align-items: center"):
                solara.Select(label=_("State"), values=[names[c] for c in codes], value=names[state],
                              on_value=lambda name: set_state(next(c for c in codes if names[c] == name)))
                solara.Button(_("Start a new game"), on_click=start, color="primary")
        if game is None:
            return
        player, played = game
        with solara.Column(classes=["seminar-card"]):
            where = played.quarters[played.t - 1] if played.t else _("the start")
            solara.HTML(tag="h3", classes=["seminar-play"], unsafe_innerHTML=escape(
                _("{state}: played through {quarter}").format(state=names[player.state], quarter=where)))
            with solara.Row(style="flex-wrap: wrap; gap: 8px"):
                for domain in DOMAINS:
                    solara.Select(label=_("{domain} this quarter").format(domain=_(DOMAIN_WORDS[domain])),
                                  values=[_(text) for text in MOVES.values()], value=_(MOVES[moves[domain]]),
                                  on_value=lambda words, d=domain: choose(d, words))
            with solara.Row(style="flex-wrap: wrap; gap: 6px"):
                solara.Button(_("Play one quarter"), on_click=lambda: advance(1), disabled=not played.running, color="primary")
                solara.Button(_("Play one year"), on_click=lambda: advance(4), disabled=not played.running)
                solara.Button(_("Play to the end"), on_click=lambda: advance(len(played.quarters)), disabled=not played.running)
        if played.t:
            with solara.Column(classes=["seminar-card"]):
                solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Scorecard")))
                solara.HTML(tag="div", unsafe_innerHTML=scorecard_html(scorecard(played, player.state), _))
