"""A plain Mesa page around the model, written as a Mesa user writes one (served by tests/test_seminar_page.py).

Nothing of the seminar page: ``SolaraViz`` itself, the model as it is, the scenario
and a lever as model parameters (key paths with ``__`` for dots), a plot of two
of the model's DataCollector reporters and a line naming the quarter reached.
"""

import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from multivector import MultivectorModel


def Quarter(model: MultivectorModel) -> solara.Element:
    """The last quarter simulated."""
    update_counter.get()
    done = model.quarters[model.t - 1] if model.t else "nothing yet"
    return solara.Markdown(f"Simulated through: <span class='plain-quarter'>{done}</span>")


model_params = {
    "scenario": "baseline",
    "rng": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    "sanctions__secondary_cost": {"type": "SliderFloat", "value": 4.0, "min": 0.0, "max": 10.0, "step": 0.5,
                                  "label": "sanctions.secondary_cost"},
}

page = SolaraViz(MultivectorModel(rng=1), components=[Quarter, make_plot_component(["hedging_index", "cohesion"])],
                 model_params=model_params, name="Multivector in plain SolaraViz")
