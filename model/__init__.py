"""The dynamics of Multivector: the world's arrays and the submodels that step them.

``model.engine.Engine`` holds the state of R runs as arrays with a leading run
axis and steps them together; each submodule (``powers``, ``sanctions``,
``corridors``, ``institutions``, ``decision_rules``, ``domestic``) is a set of
functions of those arrays. The package holds the simulation only: it imports
neither plotting nor YAML, nor any other package of the project. Scenarios are
read by ``scenarios``, Mesa's face is ``multivector``, many runs are driven by
``ensemble`` and results are analysed by ``analysis``.
"""

from multivector.model.engine import Engine
from multivector.model.outcomes import OUTCOMES
from multivector.model.params import DOMAINS, Scenario

__all__ = ["DOMAINS", "OUTCOMES", "Engine", "Scenario"]
