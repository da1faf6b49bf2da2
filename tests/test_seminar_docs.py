"""The seminar materials: the tutorial notebook runs, and the documents name real scenarios, claims and commands.

The Chinese documents (``docs/model-card.zh.md``, ``docs/seminar/zh/``) pass
every check the English ones pass, and each carries the same commands, claim
and discrepancy IDs, scenario names and numbers as its English original.

No batch runs here. Every ``python run.py …`` line of the model card and the
seminar documents is parsed with run.py's own parser, and the scenarios,
claims, claim toggles and metrics it names are resolved and checked against
the scenario they apply to, which is what the command would do before its
first run. Lines whose verb the parser does not handle (``bench`` parses its
own options; the page's ``viz`` may not exist yet) are skipped and reported
as skips.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from functools import cache
from pathlib import Path

import pytest

from multivector.commands import build_parser
from multivector.ensemble.batch import coordinates
from multivector.model.calendar import quarter_range
from multivector.model.metrics import MetricError, parse_metric
from multivector.model.outcomes import OUTCOMES, SUMMARY
from multivector.scenarios import ScenarioError, list_scenarios, load_registry, resolve
from multivector.scenarios.ablation import check_switchable

ROOT = Path(__file__).resolve().parents[1]
SEMINAR = ROOT / "docs" / "seminar"
MODEL_CARD = ROOT / "docs" / "model-card.md"
NOTEBOOK = SEMINAR / "tutorial.ipynb"
EXERCISES = sorted(SEMINAR.glob("[0-9][0-9]-*.md"))
ENGLISH = [MODEL_CARD, *sorted(SEMINAR.glob("*.md"))]

SEMINAR_ZH = SEMINAR / "zh"
MODEL_CARD_ZH = MODEL_CARD.with_name("model-card.zh.md")
EXERCISES_ZH = sorted(SEMINAR_ZH.glob("[0-9][0-9]-*.md"))
CHINESE = [MODEL_CARD_ZH, *sorted(SEMINAR_ZH.glob("*.md"))]

DOCUMENTS = ENGLISH + CHINESE
CARDS = [MODEL_CARD, MODEL_CARD_ZH]
INDEXES = [SEMINAR / "README.md", SEMINAR_ZH / "README.md"]


def original_of(path: Path) -> Path:
    """The English document a Chinese one translates."""
    return MODEL_CARD if path == MODEL_CARD_ZH else SEMINAR / path.name


TRANSLATIONS = [(original_of(path), path) for path in CHINESE]


def document_id(path: Path) -> str:
    """A test id that tells the English and the Chinese document of one name apart."""
    return str(path.relative_to(ROOT))

CLAIM_ID = re.compile(r"\b(?:CH25|SU23|ZE23|YA24|DE22)-\d{2,3}\b")
DISCREPANCY_ID = re.compile(r"\b[XD]-\d{2}\b")
FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
COMMAND = re.compile(r"python run\.py\b([^`\n]*)")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
LINK = re.compile(r"\]\(([^)\s]+)\)")

SELF_PARSING_VERBS = {"bench"}
"""Verbs run.py hands to their own parser before its main parser sees them."""

OTHER_WORDS = {"claims_off", "viz"}
"""Backticked identifiers that are neither scenarios, outcomes nor run.py verbs but may appear (``viz``: the page's verb)."""

ARTICLE_CITATIONS = (
    "Cheng Yali & Han Jun (2025)",
    "Sun Qi (2023)",
    "Zeng Xianghong & Pang Weihua (2023)",
    "Yang Shuangmei (2024)",
    "Deng Hao (2022)",
)

ARTICLE_CITATIONS_ZH = (
    "程雅丽、韩隽（2025）",
    "孙祁（2023）",
    "曾向红、庞卫华（2023）",
    "杨双梅（2024）",
    "邓浩（2022）",
)
"""The same five articles as the Chinese documents cite them: the authors' names as the articles print them."""

ARTICLE_TITLES_ZH = (
    "《英国对中亚政策的调整及其评估》",
    "《中亚国家外交战略的独立自主性评析》",
    "《美国对华竞争加剧背景下中亚国家外交政策的新变化》",
    "《中亚地区合作机制的竞争态势与挑战》",
    "《中国对中亚外交：进展、经验与未来方向》",
)
"""The articles' own titles."""

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def citations_for(path: Path) -> tuple[str, ...]:
    return ARTICLE_CITATIONS_ZH if path in CHINESE else ARTICLE_CITATIONS


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def notebook_text() -> str:
    nbformat = pytest.importorskip("nbformat")
    return "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)


def commands(path: Path) -> list[str]:
    """Every ``python run.py …`` line of a document, from code blocks (comments removed) and inline code."""
    text = text_of(path)
    found = []
    for block in FENCED.findall(text):
        found += [match.group(0) for line in block.splitlines() if (match := COMMAND.search(line))]
    for span in INLINE.findall(FENCED.sub("", text)):
        found += [match.group(0) for match in COMMAND.finditer(span)]
    return found


def backticked_identifiers(path: Path) -> set[str]:
    """Inline-code spans outside code blocks that look like a scenario or outcome name."""
    return {span for span in INLINE.findall(FENCED.sub("", text_of(path))) if IDENTIFIER.match(span)}


@cache
def library() -> frozenset[str]:
    return frozenset(list_scenarios())


@cache
def known_verbs() -> frozenset[str]:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return frozenset(subparsers.choices)


def scenarios_named(path: Path) -> set[str]:
    named = {name for name in backticked_identifiers(path) if name in library()}
    for line in commands(path):
        args = shlex.split(line.removeprefix("python run.py"), comments=True)
        named |= {arg for arg in args if arg in library()}
    return named


USER_GUIDES = [ROOT / "README.md", ROOT / "docs" / "batches.md", ROOT / "scenarios" / "README.md"]
"""Other documents whose ``run.py`` command lines are checked the same way (docs/scenarios.md uses placeholders)."""

COMMAND_LINES = [(path, line) for path in DOCUMENTS + USER_GUIDES for line in commands(path)]


# ---------------------------------------------------------------- (a) the notebook


def test_tutorial_notebook_is_stored_as_nbformat_4_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the tutorial has no code cells"
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "store the notebook without outputs"


def test_tutorial_notebook_runs_top_to_bottom_without_error():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"the tutorial notebook failed:\n{error}")
    errors = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
              if output.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    images = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
              if "image/png" in output.get("data", {})]
    assert len(images) >= 3, "the tutorial should draw its figures"


# ------------------------------------------------- (b) scenarios and claims exist


def test_the_documents_exist():
    assert MODEL_CARD.is_file()
    assert (SEMINAR / "README.md").is_file()
    assert 5 <= len(EXERCISES) <= 6, [p.name for p in EXERCISES]


def test_every_english_document_has_its_chinese_version_under_the_same_name():
    assert MODEL_CARD_ZH.is_file()
    assert sorted(p.name for p in SEMINAR_ZH.glob("*.md")) == sorted(p.name for p in SEMINAR.glob("*.md"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=document_id)
def test_every_backticked_name_is_a_scenario_an_outcome_or_a_verb(path):
    allowed = library() | set(OUTCOMES) | set(SUMMARY) | known_verbs() | OTHER_WORDS
    unknown = sorted(backticked_identifiers(path) - allowed)
    assert not unknown, f"{path.name} names what is neither a library scenario nor an outcome: {unknown}"


@pytest.mark.parametrize("name", sorted({n for p in DOCUMENTS for n in scenarios_named(p)}))
def test_every_scenario_named_resolves(name):
    assert name in library()
    resolved = resolve(name)
    assert resolved.scenario.name == name


@pytest.mark.parametrize("path", [*DOCUMENTS, NOTEBOOK], ids=document_id)
def test_every_claim_and_discrepancy_cited_is_in_the_registry(path):
    text = notebook_text() if path.suffix == ".ipynb" else text_of(path)
    registry = load_registry()
    missing = sorted(set(CLAIM_ID.findall(text)) - set(registry.claims))
    assert not missing, f"{path.name} cites claims the registry does not have: {missing}"
    discrepancies = {d.id for d in registry.discrepancies}
    unknown = sorted(set(DISCREPANCY_ID.findall(text)) - discrepancies)
    assert not unknown, f"{path.name} cites discrepancies the registry does not record: {unknown}"


# ---------------------------------------------------- (c) the commands parse


@pytest.mark.parametrize("path", DOCUMENTS, ids=document_id)
def test_every_mention_of_run_py_is_a_whole_command(path):
    # A command broken across lines, or written without 'python', would escape the checks below.
    assert text_of(path).count("run.py") == len(commands(path)), f"{path.name}: write each command on one line as 'python run.py …'"


@pytest.mark.parametrize(("path", "line"), COMMAND_LINES, ids=[f"{document_id(p)}: {line}"[:110] for p, line in COMMAND_LINES])
def test_every_command_parses_and_names_what_exists(path, line):
    args = shlex.split(line.removeprefix("python run.py"), comments=True)
    verb = args[0] if args else "run"
    if verb in ("--help", "-h"):
        with contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as done:
            build_parser().parse_args(args)
        assert done.value.code == 0, f"{path.name}: '{line}' does not print the help"
        return
    if verb in SELF_PARSING_VERBS:
        from multivector.benchmarks.bench import parser as bench_parser

        problem = io.StringIO()
        try:
            with contextlib.redirect_stderr(problem):
                bench_parser().parse_args(args[1:])
        except SystemExit:
            pytest.fail(f"{path.name}: '{line}' does not parse: {problem.getvalue().strip()}")
        return
    assert verb in known_verbs(), f"{path.name}: '{line}' names a verb run.py does not have"
    problem = io.StringIO()
    try:
        with contextlib.redirect_stderr(problem):
            parsed = build_parser().parse_args(args)
    except SystemExit:
        pytest.fail(f"{path.name}: '{line}' does not parse: {problem.getvalue().strip()}")
    try:
        check_names(parsed)
    except (ScenarioError, MetricError) as error:
        pytest.fail(f"{path.name}: '{line}': {error}")


def check_names(args: argparse.Namespace) -> None:
    """What the command would check before its first run: scenarios, claims, toggles and metrics."""
    registry = load_registry()
    off = list(getattr(args, "claims_off", None) or [])
    assert all(claim in registry for claim in off), f"unknown claim in --claims-off: {off}"
    if args.verb == "claims":
        assert args.claim is None or args.claim in registry, f"unknown claim {args.claim}"
        assert args.article is None or args.article in registry.articles, f"unknown article {args.article}"
        assert args.scenario is None or args.scenario in library(), f"unknown scenario {args.scenario}"
        return
    names = [args.a, args.b] if args.verb == "compare" else [args.scenario] if hasattr(args, "scenario") else []
    for name in names:
        assert name in library() or (ROOT / name).is_file(), f"'{name}' is neither a library scenario nor a file"
        resolved = resolve(name, {"claims_off": off} if off else None)
        scenario = resolved.scenario
        for text in getattr(args, "metrics", None) or []:
            parse_metric(text).check(coordinates(scenario), quarter_range(scenario.start, scenario.end))
        if args.verb == "ablate" and args.claims:
            check_switchable(resolved, args.claims)


# ------------------------------------------------------ (d) what an exercise needs


@pytest.mark.parametrize("path", EXERCISES + EXERCISES_ZH, ids=document_id)
def test_each_exercise_cites_an_article_by_claim_and_names_a_scenario(path):
    text = text_of(path)
    assert CLAIM_ID.search(text), f"{path.name} cites no claim ID"
    assert any(citation in text for citation in citations_for(path)), f"{path.name} names no article by author and year"
    assert scenarios_named(path), f"{path.name} names no library scenario"
    assert commands(path), f"{path.name} gives no command to run"


@pytest.mark.parametrize("readme", INDEXES, ids=document_id)
def test_the_seminar_index_links_every_exercise_and_every_link_resolves(readme):
    targets = LINK.findall(text_of(readme))
    for exercise in EXERCISES:
        assert exercise.name in targets, f"the seminar README does not link {exercise.name}"
    for target in targets:
        if not target.startswith(("http://", "https://", "#")):
            assert (readme.parent / target.split("#")[0]).is_file(), f"broken link in the seminar README: {target}"


@pytest.mark.parametrize("card", CARDS, ids=document_id)
def test_the_model_card_is_self_contained(card):
    # The seminar page shows the card on its own, where relative links would lead nowhere.
    local = [target for target in LINK.findall(text_of(card)) if not target.startswith(("http://", "https://"))]
    assert not local, f"the model card links local files: {local}"
    for citation in citations_for(card):
        assert citation in text_of(card), f"the model card does not cite {citation}"


# ------------------------------------------------ (e) the Chinese documents


@pytest.mark.parametrize(("original", "translation"), TRANSLATIONS, ids=[document_id(t) for _, t in TRANSLATIONS])
def test_each_chinese_document_carries_the_commands_claims_and_scenarios_of_its_original(original, translation):
    def arguments(path: Path) -> list[list[str]]:  # the commands without their comments, which are translated
        return sorted(shlex.split(line, comments=True) for line in commands(path))

    assert arguments(translation) == arguments(original), f"{translation.name}: the commands differ from the English"
    for pattern, what in ((CLAIM_ID, "claim IDs"), (DISCREPANCY_ID, "discrepancy IDs")):
        english, chinese = set(pattern.findall(text_of(original))), set(pattern.findall(text_of(translation)))
        assert chinese == english, (f"{translation.name}: {what} only in English {sorted(english - chinese)}, "
                                    f"only in Chinese {sorted(chinese - english)}")
    assert scenarios_named(translation) == scenarios_named(original), f"{translation.name}: the scenarios named differ from the English"
    assert backticked_identifiers(translation) == backticked_identifiers(original), f"{translation.name}: the backticked names differ"


@pytest.mark.parametrize(("original", "translation"), TRANSLATIONS, ids=[document_id(t) for _, t in TRANSLATIONS])
def test_each_chinese_document_keeps_every_number_of_its_original(original, translation):
    # Results, dates and sizes are copied, not re-rounded: every number of the English is in the Chinese.
    english, chinese = set(NUMBER.findall(text_of(original))), set(NUMBER.findall(text_of(translation)))
    assert english <= chinese, f"{translation.name}: numbers of the English missing from the Chinese: {sorted(english - chinese)}"


@pytest.mark.parametrize("path", CHINESE, ids=document_id)
def test_chinese_documents_cite_the_articles_by_their_own_titles(path):
    text = text_of(path)
    for citation, title in zip(ARTICLE_CITATIONS_ZH, ARTICLE_TITLES_ZH, strict=True):
        if citation in text:
            assert f"{citation}{title}" in text or f"{citation}，{title}" in text, f"{path.name} cites {citation} without its title {title}"
    assert any(citation in text for citation in ARTICLE_CITATIONS_ZH), f"{path.name} names no article"
