"""Multivector: an agent-based model of Central Asian multi-vector balancing.

The model package holds the simulation only: it imports neither plotting nor
YAML. Scenarios are read by the ``scenarios`` package and results are handled
by ``analysis``.
"""

from model.agents import CentralAsianState, ExternalPower
from model.model import MultivectorModel
from model.outcomes import OUTCOMES
from model.params import DOMAINS, Scenario

__all__ = ["DOMAINS", "OUTCOMES", "CentralAsianState", "ExternalPower", "MultivectorModel", "Scenario"]
