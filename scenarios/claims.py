"""The claims registry: what the source articles say, one YAML file per article.

Each ``scenarios/claims/<ARTICLE>.yaml`` holds an ``article`` mapping and a
``claims`` list. Scenario values cite these claims by ID (``SU23-04``); the
registry is read once per directory and cached.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multivector.scenarios.errors import MISSING, ScenarioError
from multivector.scenarios.source import Source, display_name, read_yaml

DEFAULT_DIR = Path(__file__).resolve().parent / "claims"
"""Where the project's claims registry lives."""

CLAIM_KINDS: tuple[str, ...] = ("fact", "causal", "prediction", "normative")
STATUSES: tuple[str, ...] = ("encoded", "not-represented")
"""Whether the model carries a claim (a scenario value, event or mechanism cites it) or leaves it out, saying why."""
ARTICLE_ID = re.compile(r"^[A-Z]{2}\d{2}$")
CLAIM_ID = re.compile(r"^[A-Z]{2}\d{2}-\d{2,3}$")

_ARTICLE_REQUIRED = ("id", "authors", "year", "title", "title_original", "perspective")
_ARTICLE_OPTIONAL = ("venue",)
_CLAIM_REQUIRED = ("id", "section", "kind", "contested", "elements", "actors", "status", "text")
_CLAIM_OPTIONAL = ("figures", "note", "reason")


@dataclass(frozen=True)
class Article:
    """A source article whose claims the registry paraphrases."""

    id: str
    authors: str
    year: int
    title: str
    title_original: str
    venue: str
    perspective: str


@dataclass(frozen=True)
class Claim:
    """One claim of an article, in the project's own paraphrase.

    Attributes:
        id: ``<ARTICLE>-<nn>``, e.g. ``SU23-04``.
        article: The article ID, e.g. ``SU23``.
        section: Where in the article the claim is made.
        kind: ``fact``, ``causal``, ``prediction`` or ``normative``.
        contested: True when other sources dispute it (values citing it need a ``neutral``).
        elements: Model elements the claim bears on.
        actors: Actor codes the claim concerns.
        figures: Figures quoted with the claim ("" if none).
        note: Editorial note ("" if none).
        text: The paraphrase.
        status: ``encoded`` or ``not-represented``.
        reason: Why a claim is not represented ("" when encoded).
    """

    id: str
    article: str
    section: str
    kind: str
    contested: bool
    elements: tuple[str, ...]
    actors: tuple[str, ...]
    figures: str
    note: str
    text: str
    status: str = "encoded"
    reason: str = ""


@dataclass(frozen=True)
class Discrepancy:
    """A point on which the articles (or an article and its source) disagree, and the model's choice.

    Attributes:
        id: ``X-nn`` (between articles) or ``D-nn`` (a figure stated differently from its source).
        topic: What the disagreement is about.
        claims: The claims involved.
        relation: ``agree``, ``disagree``, ``partial``, ``complement`` or ``figure``.
        choice: What the model does, and why.
    """

    id: str
    topic: str
    claims: tuple[str, ...]
    relation: str
    choice: str


RELATIONS: tuple[str, ...] = ("agree", "disagree", "partial", "complement", "figure")
DISCREPANCIES_FILE = "discrepancies.yaml"


@dataclass(frozen=True)
class Registry:
    """All claims and articles of one registry directory, and the recorded discrepancies."""

    claims: dict[str, Claim] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    directory: Path | None = None
    discrepancies: tuple[Discrepancy, ...] = ()

    def get(self, claim_id: str, default: Claim | None = None) -> Claim | None:
        """The claim with this ID, or ``default`` if there is none."""
        return self.claims.get(claim_id, default)

    def __contains__(self, claim_id: object) -> bool:
        """Whether the registry holds a claim with this ID."""
        return claim_id in self.claims

    def is_contested(self, claim_id: str) -> bool:
        """Whether a (known) claim is marked contested."""
        claim = self.claims.get(claim_id)
        return bool(claim and claim.contested)


def load_registry(directory: Path | str | None = None) -> Registry:
    """Read (once, then from cache) the claims registry of a directory.

    Args:
        directory: Folder of ``<ARTICLE>.yaml`` files; the project's
            ``scenarios/claims`` when omitted.

    Returns:
        The registry.

    Raises:
        ScenarioError: If a file is malformed, a claim ID is repeated or does
            not carry its article's prefix.
    """
    return _load_cached(Path(directory) if directory is not None else DEFAULT_DIR)


@functools.lru_cache(maxsize=16)
def _load_cached(directory: Path) -> Registry:
    files = sorted(p for p in directory.glob("*.yaml") if ARTICLE_ID.match(p.stem))
    if not files:
        raise ScenarioError(display_name(directory), None, "<registry>", "no claims files", str(directory),
                            "one or more <ARTICLE>.yaml files")
    claims: dict[str, Claim] = {}
    where: dict[str, str] = {}
    articles: dict[str, Article] = {}
    for path in files:
        source = read_yaml(path, display_name(path))
        article, items = _read_file(source, path.stem)
        articles[article.id] = article
        for index, claim in items:
            if claim.id in claims:
                raise source.error(("claims", index, "id"), "duplicate claim ID", claim.id,
                                   f"a new ID (already defined in {where[claim.id]})")
            claims[claim.id] = claim
            where[claim.id] = source.name
    return Registry(claims, articles, directory, _read_discrepancies(directory / DISCREPANCIES_FILE, claims))


def _read_discrepancies(path: Path, claims: dict[str, Claim]) -> tuple[Discrepancy, ...]:
    if not path.is_file():
        return ()
    source = read_yaml(path, display_name(path))
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("discrepancies"), list):
        raise source.error((), "not a discrepancies file", data, "a mapping with a 'discrepancies' list")
    found = []
    keys = ("id", "topic", "claims", "relation", "choice")
    for i, item in enumerate(data["discrepancies"]):
        path_i = ("discrepancies", i)
        if not isinstance(item, dict):
            raise source.error(path_i, "not a mapping", item, "keys: " + ", ".join(keys))
        _check_keys(source, path_i, item, keys, ())
        if item["relation"] not in RELATIONS:
            raise source.error((*path_i, "relation"), "unknown relation", item["relation"], "one of: " + ", ".join(RELATIONS))
        for j, claim in enumerate(item["claims"] if isinstance(item["claims"], list) else [item["claims"]]):
            if claim not in claims:
                raise source.error((*path_i, "claims", j), "unknown claim ID", claim, "an ID from the claims registry")
        for key in ("id", "topic", "choice"):
            _check_text(source, (*path_i, key), item[key])
        found.append(Discrepancy(item["id"], item["topic"], tuple(item["claims"]), item["relation"], item["choice"].strip()))
    return tuple(found)


def _read_file(source: Source, stem: str) -> tuple[Article, list[tuple[int, Claim]]]:
    data = source.data
    if not isinstance(data, dict):
        raise source.error((), "a claims file must be a mapping", data, "keys: article, claims")
    _check_keys(source, (), data, ("article", "claims"), ())
    article = _read_article(source, data["article"], stem)
    items = data["claims"]
    if not isinstance(items, list):
        raise source.error(("claims",), "not a list", items, "a list of claim mappings")
    return article, [(i, _read_claim(source, i, item, article.id)) for i, item in enumerate(items)]


def _read_article(source: Source, data: Any, stem: str) -> Article:
    path = ("article",)
    if not isinstance(data, dict):
        raise source.error(path, "not a mapping", data, "a mapping with keys: " + ", ".join(_ARTICLE_REQUIRED))
    _check_keys(source, path, data, _ARTICLE_REQUIRED, _ARTICLE_OPTIONAL)
    art_id = data["id"]
    if not isinstance(art_id, str) or not ARTICLE_ID.match(art_id) or art_id != stem:
        raise source.error((*path, "id"), "bad article ID", art_id, f"{stem!r} (two capitals and two digits, "
                           "the file name)")
    if not isinstance(data["year"], int) or isinstance(data["year"], bool):
        raise source.error((*path, "year"), "not a year", data["year"], "an integer year such as 2023")
    for key in ("authors", "title", "title_original", "perspective", "venue"):
        _check_text(source, (*path, key), data.get(key, ""))
    return Article(art_id, data["authors"], data["year"], data["title"], data["title_original"],
                   data.get("venue", ""), data["perspective"])


def _read_claim(source: Source, index: int, data: Any, article: str) -> Claim:
    path: tuple[Any, ...] = ("claims", index)
    if not isinstance(data, dict):
        raise source.error(path, "not a mapping", data, "a claim mapping with keys: " + ", ".join(_CLAIM_REQUIRED))
    _check_keys(source, path, data, _CLAIM_REQUIRED, _CLAIM_OPTIONAL)
    claim_id = data["id"]
    if not isinstance(claim_id, str) or not CLAIM_ID.match(claim_id) or not claim_id.startswith(article + "-"):
        raise source.error((*path, "id"), "bad claim ID", claim_id, f"{article}-<nn> (the article's prefix)")
    if data["kind"] not in CLAIM_KINDS:
        raise source.error((*path, "kind"), "unknown claim kind", data["kind"], "one of: " + ", ".join(CLAIM_KINDS))
    if not isinstance(data["contested"], bool):
        raise source.error((*path, "contested"), "not a flag", data["contested"], "true or false")
    for key in ("elements", "actors"):
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise source.error((*path, key), "not a list of text", value, "a list of strings")
    for key in ("section", "text", "figures", "note", "reason"):
        _check_text(source, (*path, key), data.get(key, ""))
    _check_status(source, path, data)
    return Claim(claim_id, article, data["section"], data["kind"], data["contested"], tuple(data["elements"]),
                 tuple(data["actors"]), data.get("figures", ""), data.get("note", ""), data["text"],
                 data["status"], data.get("reason", ""))


def _check_status(source: Source, path: tuple[Any, ...], data: dict[str, Any]) -> None:
    status = data["status"]
    if status not in STATUSES:
        raise source.error((*path, "status"), "unknown status", status, "one of: " + ", ".join(STATUSES))
    reason = data.get("reason", "").strip()
    if status == "not-represented" and not reason:
        raise source.error((*path, "reason"), "a claim left out of the model needs a reason", MISSING,
                           "one line saying why the model does not represent it")
    if status == "encoded" and reason:
        raise source.error((*path, "reason"), "an encoded claim takes no reason", reason,
                           "no reason (or status: not-represented)")


def _check_keys(source: Source, path: tuple[Any, ...], data: dict[str, Any],
                required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    valid = sorted(required + optional)
    for key in data:
        if key not in valid:
            raise source.error((*path, key), "unknown key", key, "one of: " + ", ".join(valid))
    for key in required:
        if key not in data:
            raise source.error((*path, key), "missing key", MISSING, f"a value for {key!r}")


def _check_text(source: Source, path: tuple[Any, ...], value: Any) -> None:
    if not isinstance(value, str):
        raise source.error(path, "not text", value, "a string")
