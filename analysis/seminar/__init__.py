"""The seminar page: explore a scenario quarter by quarter, predict-then-run, play one state.

The page is a Solara app built around Mesa's ``SolaraViz`` (``app.py``); the
logic behind it lives in modules that do not import Solara, so it can be tested
and reused on its own:

* ``play`` — :class:`SeminarModel`, the model with an optional human player for one state,
  and the state's utility each quarter;
* ``narrative`` — the event log in plain words;
* ``predict`` — the menu of quantities and the small batch behind "predict, then run";
* ``figures`` — the matplotlib figures the page shows;
* ``card`` — the model card text;
* ``server`` — :func:`serve`, which starts the page.

Unlike the rest of ``analysis``, this package runs the model (it is interactive).
"""

from multivector.analysis.seminar.server import serve

__all__ = ["serve"]
