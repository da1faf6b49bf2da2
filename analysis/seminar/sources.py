"""Where a number or an event on the page comes from: claims, their articles and the registry's paraphrase.

The page links every lever, event and large shift to the claims behind it. A
claim is shown as its ID, the article (authors, year, title) and the
registry's own paraphrase, and is marked when it is contested.
"""

from __future__ import annotations

from dataclasses import dataclass

from multivector.model.mechanisms import MECHANISMS
from multivector.scenarios import load_registry


@dataclass(frozen=True)
class ClaimNote:
    """One claim as the page shows it.

    Attributes:
        id: The claim ID (``SU23-04``).
        article: Authors, year and title of its article.
        text: The registry's paraphrase.
        contested: Whether other sources dispute it.
    """

    id: str
    article: str
    text: str
    contested: bool


def claim_note(claim_id: str) -> ClaimNote:
    """The page's view of one claim; an ID missing from the registry is shown as such (never an error on the page)."""
    registry = load_registry()
    claim = registry.get(claim_id)
    if claim is None:
        return ClaimNote(claim_id, "", "not in the claims registry", False)
    article = registry.articles.get(claim.article)
    cited = f"{article.authors} ({article.year}), “{article.title}”" if article else claim.article
    return ClaimNote(claim.id, cited, claim.text, claim.contested)


def claim_notes(claim_ids: tuple[str, ...] | list[str]) -> tuple[ClaimNote, ...]:
    """Several claims, in the order given, each once."""
    return tuple(claim_note(c) for c in dict.fromkeys(claim_ids))


def mechanism_claims(*names: str) -> tuple[str, ...]:
    """The claims of the named mechanisms (``model.mechanisms.MECHANISMS``), in order, each once."""
    return tuple(dict.fromkeys(c for name in names for c in MECHANISMS[name].claims))
