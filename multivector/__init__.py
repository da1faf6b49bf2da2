"""The Multivector model as Mesa sees it: ``MultivectorModel`` and its agents.

A thin face over the engine (``model.engine``) at one run: the Central Asian
states and the external powers are Mesa agents whose attributes read their
row of the engine's arrays, so SolaraViz, ``mesa.batch_run`` and any Mesa tool
work unchanged. A model can be built by scenario name; the ``scenarios``
package reads the YAML.

Example:
    >>> from multivector import MultivectorModel
    >>> model = MultivectorModel("baseline", rng=1)
    >>> model.step()
"""

from multivector.agents import CentralAsianState, ExternalPower
from multivector.model import MultivectorModel

__all__ = ["CentralAsianState", "ExternalPower", "MultivectorModel"]
