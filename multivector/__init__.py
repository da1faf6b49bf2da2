"""The Multivector model as Mesa sees it: ``MultivectorModel`` and its agents.

A thin face over the engine (``model.engine``) at one run: the Central Asian
states and the external powers are Mesa agents whose attributes read their
row of the engine's arrays, so SolaraViz, ``mesa.batch_run`` and any Mesa tool
work unchanged. A model can be built by scenario name; the ``scenarios``
package reads the YAML.

``multivector`` is also the one name the project installs: its folders become
subpackages (``model/`` is :mod:`multivector.model`, ``scenarios/`` is
:mod:`multivector.scenarios`, and so on). The Mesa classes are loaded on first
use, so that importing the engine alone (as every worker process does) does not
load Mesa.

Example:
    >>> from multivector import MultivectorModel
    >>> model = MultivectorModel("baseline", rng=1)
    >>> model.step()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multivector.agents import CentralAsianState, ExternalPower
    from multivector.mesa_model import MultivectorModel

__all__ = ["CentralAsianState", "ExternalPower", "MultivectorModel"]

_HOMES = {"CentralAsianState": "multivector.agents", "ExternalPower": "multivector.agents", "MultivectorModel": "multivector.mesa_model"}


def __getattr__(name: str) -> Any:
    """Load the Mesa face's classes when first asked for (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module 'multivector' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
