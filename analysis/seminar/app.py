"""The seminar page (Solara): explore a scenario, predict then run, play one state, read the model card.

Start it with ``solara run analysis/seminar/app.py`` (or ``serve()`` in this
package). The "Explore" tab is Mesa's ``SolaraViz``: Step, ▶ (run) and Reset
in the sidebar, the scenario's levers as sliders, and the model's views. The
scenario picker sits above it in the sidebar; choosing a scenario rebuilds the
model and its sliders.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
import solara.lab
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from multivector.analysis.seminar import figures
from multivector.analysis.seminar.card import model_card
from multivector.analysis.seminar.narrative import event_log
from multivector.analysis.seminar.play import MOVES, Player, SeminarModel, model_kwargs
from multivector.analysis.seminar.predict import (
    DEFAULT_RUNS,
    QUANTITIES,
    Verdict,
    defaults_of,
    library,
    page_posterior,
    run_prediction,
    sliders_of,
)
from multivector.model.metrics import MetricError
from multivector.model.params import DOMAINS
from multivector.scenarios import ScenarioError, list_scenarios

scenario_name = solara.reactive("baseline")
"""The scenario chosen in the sidebar (one per browser session)."""

DEFAULT_SEED = 1
"""Seed of the first model built for a scenario."""


def model_params(name: str) -> dict[str, object]:
    """SolaraViz parameters: the scenario (fixed), the seed, and a slider per lever (and key uncertainty)."""
    factors = sliders_of(name)
    defaults = defaults_of(name, factors)
    params: dict[str, object] = {
        "scenario": name,
        "seed": {"type": "SliderInt", "value": DEFAULT_SEED, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    }
    for factor in factors:
        params[factor.name.replace(".", "__")] = {
            "type": "SliderFloat", "value": defaults[factor.name], "min": factor.low, "max": factor.high,
            "step": round((factor.high - factor.low) / 40, 4), "label": factor.name,
        }
    return params


def initial_model(name: str) -> SeminarModel:
    """The model a scenario starts with: its own values, seed :data:`DEFAULT_SEED`."""
    factors = sliders_of(name)
    return SeminarModel(name, seed=DEFAULT_SEED, **model_kwargs(defaults_of(name, factors)))


# ------------------------------------------------------------------ explore


def Status(model: SeminarModel) -> solara.Element:
    """Scenario, question, how far the run has got, and a button to run to the end."""
    data = library(model.scenario_name).data
    done = model.t

    def run_to_end() -> None:
        while model.running:
            model.step()
        force_update()

    with solara.Card(data.get("title", model.scenario_name)) as card:
        solara.Markdown(f"**Question.** {data.get('question', '')}")
        last = model.quarters[done - 1] if done else "nothing yet"
        solara.Markdown(f"**Simulated through:** <span class='seminar-quarter'>{last}</span> "
                        f"({done} of {len(model.quarters)} quarters) · seed {model.seed}")
        solara.Button("Run to the end", on_click=run_to_end, disabled=not model.running, color="primary", outlined=True)
    return card


def EventLog(model: SeminarModel) -> solara.Element:
    """Timeline events that fired and notable changes, newest first."""
    lines = event_log(model)
    with solara.Card("Event log") as card:
        if not lines:
            solara.Text("Nothing notable yet." if model.t else "Nothing has happened yet: press Step.")
        text = "\n".join(f"- {line}" for line in reversed(lines))
        solara.Markdown(text, style="max-height: 420px; overflow-y: auto; font-size: 0.85em")
    return card


def _figure_view(title: str, draw: Callable[[SeminarModel], Figure]) -> Callable[[SeminarModel], solara.Element]:
    """A card with one figure, redrawn only when the model or its quarter changes."""

    @solara.component
    def View(model: SeminarModel) -> None:
        update_counter.get()
        figure = solara.use_memo(lambda: draw(model), [model, model.t])
        with solara.Card(title):
            solara.FigureMatplotlib(figure, format="png", dependencies=[model, model.t])

    return View


VIEWS = [
    (Status, 0),
    (EventLog, 0),
    (_figure_view("Alignment by bloc", figures.alignment_figure), 0),
    (_figure_view("Headline outcomes", figures.headline_figure), 0),
    (_figure_view("Corridors", figures.corridor_figure), 0),
    (_figure_view("Formats", figures.formats_figure), 0),
]
"""SolaraViz components: (function of the model, page)."""


@solara.component
def ScenarioPicker() -> None:
    """Sidebar card: choose a library scenario (rebuilds the model and its sliders)."""
    with solara.Card("Scenario"):
        solara.Select(label="Scenario", values=list_scenarios(), value=scenario_name)
        solara.Markdown(library(scenario_name.value).data.get("description", "")[:400] + "…",
                        style="font-size: 0.8em")


# ------------------------------------------------------------------ predict


@solara.component
def Predict(model: solara.Reactive[SeminarModel]) -> None:
    """Predict, then run: pick a quantity, enter a number, run a batch and see where it falls."""
    label, set_label = solara.use_state(next(iter(QUANTITIES)))
    text, set_text = solara.use_state(QUANTITIES[label])
    prediction, set_prediction = solara.use_state(0.5)
    runs, set_runs = solara.use_state(DEFAULT_RUNS)
    verdict, set_verdict = solara.use_state(None)
    error, set_error = solara.use_state("")
    posterior = page_posterior()
    use_posterior, set_use_posterior = solara.use_state(posterior is not None)

    def pick(new: str) -> None:
        set_label(new)
        set_text(QUANTITIES[new])

    def run() -> None:
        try:
            fixed = {key.replace("__", ".") for key in model.value.overrides}
            set_verdict(run_prediction(model.value.params, text, prediction, runs, posterior=posterior if use_posterior else None,
                                       name=model.value.scenario_name, fixed=fixed))
            set_error("")
        except (MetricError, ScenarioError) as problem:
            set_verdict(None)
            set_error(str(problem))

    with solara.Card("Predict, then run"):
        solara.Markdown(f"Scenario **{model.value.scenario_name}** with the sliders as at the last Reset. "
                        "Choose a quantity, write down your prediction, then run the model.")
        solara.Select(label="Quantity", values=list(QUANTITIES), value=label, on_value=pick)
        solara.InputText(label="Metric (model syntax; edit to ask something else)", value=text, on_value=set_text)
        solara.InputFloat(label="Your prediction", value=prediction, on_value=set_prediction)
        solara.SliderInt(label="Runs", value=runs, on_value=set_runs, min=5, max=100, step=5)
        if posterior is not None:
            solara.Checkbox(label="Draw what we do not know from the calibration (posterior; the sliders keep their values) "
                                  "— otherwise only chance varies",
                            value=use_posterior, on_value=set_use_posterior)
        solara.Button(f"Run {runs} {'posterior draws' if posterior is not None and use_posterior else 'seeds'}", on_click=run,
                      color="primary")
        if error:
            solara.Error(error)
        if verdict is not None:
            PredictionResult(verdict, label)


@solara.component
def PredictionResult(verdict: Verdict, label: str) -> None:
    """The histogram with the prediction marked, and the shares above and below."""
    solara.FigureMatplotlib(figures.histogram_figure(verdict, label), format="png")
    solara.Markdown(f"<span class='seminar-verdict'>{verdict.summary}</span>")


# --------------------------------------------------------------------- play


@solara.component
def Play(model: solara.Reactive[SeminarModel]) -> None:
    """Play one state: choose a lean per domain each quarter; compare with the model's own rule."""
    codes = model.value.state_codes
    state, set_state = solara.use_state(codes[0])
    game, set_game = solara.use_state(None)
    version, set_version = solara.use_state(0)

    def start() -> None:
        base = model.value
        player = Player(state)
        played = SeminarModel(base.scenario_name, seed=base.seed, player=player, **base.overrides)
        reference = SeminarModel(base.scenario_name, seed=base.seed, **base.overrides)
        set_game((player, played, reference))

    def advance(quarters: int) -> None:
        _, played, reference = game
        for _ in range(quarters):
            if not played.running:
                break
            played.step()
            reference.step()
        set_version(version + 1)

    with solara.Card("Play a state"):
        solara.Markdown("Take the role of one state. Each quarter choose, per domain, which way to lean "
                        "(at the state's own speed of adjustment); the powers and the other states respond. "
                        "The model's own decision rule runs alongside on the same seed.")
        with solara.Row():
            solara.Select(label="State", values=list(codes), value=state, on_value=set_state)
            solara.Button("Start a new game", on_click=start, color="primary")
        if game is not None:
            player, played, reference = game
            PlayerMoves(player)
            with solara.Row():
                solara.Button("Play one quarter", on_click=lambda: advance(1), disabled=not played.running, color="primary")
                solara.Button("Play one year", on_click=lambda: advance(4), disabled=not played.running)
                solara.Button("Play to the end", on_click=lambda: advance(len(played.quarters)), disabled=not played.running)
            PlayScore(played, reference, player.state, version)


@solara.component
def PlayerMoves(player: Player) -> None:
    """One choice of move per domain."""
    moves, set_moves = solara.use_state(dict(player.moves))

    def choose(domain: str, label: str) -> None:
        code = next(c for c, text in MOVES.items() if text == label)
        player.choose(domain, code)
        set_moves(dict(player.moves))

    for domain in DOMAINS:
        solara.Select(label=f"{domain}: this quarter", values=list(MOVES.values()), value=MOVES[moves[domain]],
                      on_value=lambda label, d=domain: choose(d, label))


@solara.component
def PlayScore(played: SeminarModel, reference: SeminarModel, state: str, version: int) -> None:
    """Quarter reached, utility so far against the model's rule, and the paths."""
    i = played.state_codes.index(state)
    mine, theirs = float(played.utilities[: played.t, i].sum()), float(reference.utilities[: reference.t, i].sum())
    where = played.quarters[played.t - 1] if played.t else "start"
    verdict = "ahead of" if mine > theirs else "behind" if mine < theirs else "level with"
    end = " — game over" if not played.running else ""
    solara.Markdown(f"<span class='seminar-play'>Played through **{where}**{end}: your utility {mine:.2f}, "
                    f"the model's rule {theirs:.2f} — you are {verdict} the model.</span>")
    if played.t:
        solara.FigureMatplotlib(figures.play_figure(played, reference, state), format="png")


# --------------------------------------------------------------------- page


@solara.component
def Page() -> None:
    """The whole page: scenario picker, then tabs Explore / Predict, then run / Play a state / Model card."""
    name = scenario_name.value
    model = solara.use_memo(lambda: solara.reactive(initial_model(name)), [name])
    solara.Title("Multivector seminar")
    with solara.Sidebar():
        ScenarioPicker()
    with solara.lab.Tabs():
        with solara.lab.Tab("Explore"):
            SolaraViz(model, components=VIEWS, model_params=model_params(name), name="Multivector seminar").key(name)
        with solara.lab.Tab("Predict, then run"):
            Predict(model).key(f"predict-{name}")
        with solara.lab.Tab("Play a state"):
            Play(model).key(f"play-{name}")
        with solara.lab.Tab("Model card"):
            solara.Markdown(model_card())
