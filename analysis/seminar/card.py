"""The model card shown on the seminar page: the project's own if it has one, else a short summary."""

from __future__ import annotations

from pathlib import Path

CARD = Path(__file__).resolve().parents[2] / "docs" / "model-card.md"
"""Where the project keeps its model card."""

SUMMARY = """\
## Multivector in brief

*This is the page's built-in summary; the project's model card (`docs/model-card.md`) replaces it once it exists.*

**What it is.** An agent-based model of how Kazakhstan, Uzbekistan, Kyrgyzstan, Tajikistan and Turkmenistan
spread their engagement — in security, the economy and diplomacy — across eleven external powers, quarter by
quarter from 2021 to 2030.

**What it is for.** An argument machine: it asks *"if the claims of five articles on sanctions, transport
corridors and cooperation formats hold, what follows?"* and answers with a distribution over many stochastic runs.
It does not forecast, and it is not calibrated to predict events.

**How it works.** Each quarter, dated events fire (sanctions packages, unrest, investments, changed settings), the
powers set their effort and spread it across the states, the sanctions, corridor and format submodels run, and every
state moves part of the way toward the mix of partners it values most in each domain: the value of each power's
offers and of existing ties, less the threat a close and growing power poses, less a price for depending on any one
partner. The 2021 mix is each state's own best choice under 2021 conditions, so only changes from 2021 move it.
Pressure to choose sides, and the leverage that competing formats and regional cohesion give, raise the price of
dependence: they make states spread their bets more, not less. Every number that encodes the world cites a claim
of the project's registry or is a labelled assumption.

**Limits.** Alignment shares are an abstraction, not measured data; states and powers follow simple rules, not
strategies, and form no expectations; results hold only as far as the articles' claims and the labelled assumptions
do.
"""
"""Shown when the project has no model card."""


def model_card(path: Path = CARD) -> str:
    """The model card's Markdown text: the file if it exists, else :data:`SUMMARY`."""
    return path.read_text(encoding="utf-8") if path.is_file() else SUMMARY
