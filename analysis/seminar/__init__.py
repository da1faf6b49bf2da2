"""The seminar page: explore a scenario, predict then run, compare side by side, play a state, and class mode.

The page is a Solara app (``app.py``) whose tabs and cards live in ``controls``,
``explore``, ``predict_tab``, ``compare_tab``, ``play_tab`` and ``class_tab``;
the logic behind them lives in modules that do not import Solara, so it can be
tested and reused on its own:

* ``session`` — :class:`ExploreSession`, what one browser tab holds (scenario, seed, levers, model);
* ``levers`` — each scenario's own levers, in words, with unit, range and claims;
* ``play`` — :class:`SeminarModel`, the model with human players for some states;
* ``scorecard`` — what a government weighs, for a played run beside the model's rule;
* ``classroom`` — the shared state of one class (seats, prediction rounds, a shared game);
* ``narrative`` and ``sources`` — the event log in plain words and the claims behind each entry;
* ``predict`` — the menu of quantities and the batch behind "predict, then run";
* ``charts`` (Vega-Lite) and ``regionmap`` (SVG) — what the page draws; ``style`` — its look;
* ``i18n`` — the page's languages (gettext catalogues in ``locale/``); ``card`` — the model card;
* ``assets`` — the JavaScript the charts need, served offline;
* ``figures`` — the matplotlib figures of the first page, kept as the benchmark's reference for the
  cost of a redraw (``run.py bench --only seminar``);
* ``server`` — :func:`serve`, which starts the page (in class mode with a join code first).

Unlike the rest of ``analysis``, this package runs the model (it is interactive).
"""

from multivector.analysis.seminar.server import serve

__all__ = ["serve"]
