"""The seminar page in several languages: gettext catalogues, compiled in memory with Babel.

The page is written in English; every visible string is a message looked up in
the chosen language's catalogue::

    _ = translator(lang)              # lang: a key of LANGUAGES
    ngettext = plural_translator(lang)
    solara.Button(_("Run to the end"))
    _("{done} of {total} quarters").format(done=3, total=40)
    ngettext("{n} run", "{n} runs", n).format(n=n)

Messages with values are ``str.format`` templates with named fields, filled in
*after* translation, so a translation can put the fields where its grammar
wants them. A template kept in a variable and translated later is marked with
``N_`` (:func:`mark`) where it is written, so that extraction finds it. Names that reach
the page as data (states, powers, corridors, formats, scenario titles and
questions, the quantities of "Predict, then run", the moves of "Play a
state") are messages too: :func:`data_messages` lists them, and the page
passes them through ``_`` like any other string.

Where the catalogues live: ``locale/seminar.pot`` beside this module is the
template (every message, no translations); ``locale/<code>/LC_MESSAGES/seminar.po``
holds one language's translations. They are read and compiled with Babel at
first use, once per language and process, so an installed package needs no
build step. Untranslated and fuzzy entries fall back to English.

After the page's strings change, :func:`update_template` re-extracts the
messages (the ``_``, ``N_`` and ``ngettext`` calls in this package's modules, plus
:func:`data_messages`) into the template, and :func:`update_catalogues` merges
it into every catalogue: new messages arrive empty, changed ones marked fuzzy
(with the old translation to start from), gone ones dropped, and the tests
list each one still to translate. ``python -m
multivector.analysis.seminar.i18n`` does both. (``babel.cfg`` at the project
root maps the same files for Babel's own ``pybabel extract``.)

Adding a language, Russian say:

1. ``init_catalogue("ru")`` (or copy ``locale/seminar.pot`` to
   ``locale/ru/LC_MESSAGES/seminar.po`` and set its ``Language`` and
   ``Plural-Forms`` headers);
2. translate every ``msgstr``;
3. done: :data:`LANGUAGES` lists every catalogue it finds, under the
   language's own name. A translated model card, ``docs/model-card.ru.md``,
   is picked up the same way (see ``card.py``); without one the page shows the
   English card.
"""

from __future__ import annotations

import ast
import functools
import gettext
import io
import re
import string
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import IO

from babel.core import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
"""This package's folder: the modules whose messages the page shows."""

LOCALE_DIR = PACKAGE / "locale"
"""Where the template and the catalogues live."""

DOMAIN = "seminar"
"""The gettext domain: the file name of the template and of every catalogue."""

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
"""The message template: every message, no translations."""

SOURCE_LANGUAGE = "en"
"""The language the page is written in: its translator is the identity."""

KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "ngettext": (1, 2)}
"""Calls whose string arguments are messages: ``_(message)``, ``ngettext(singular, plural, n)``, and
``N_(message)``, which marks a message kept in a variable and translated later (``_(template)``)."""

PROJECT = "Multivector seminar page"
"""Project name written into the template's and the catalogues' headers."""

HEADER = """\
# {what} of the Multivector seminar page.
# Distributed under the same license as the project (MIT).
#"""
"""The comment at the top of the template and of every catalogue."""

Translate = Callable[[str], str]
"""A translator: an English message → the same message in the page's language."""

PERCENT = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0+]?\d*(?:\.\d+)?[sdifgeErxX]")
"""A ``%``-style conversion (``%s``, ``%(name)d``, ``%.2f``)."""

TranslatePlural = Callable[[str, str, int], str]
"""A plural translator: (singular, plural, n) → the form for ``n`` in the page's language."""


def catalogue_path(lang: str) -> Path:
    """Where a language's catalogue lives (whether or not it exists).

    Args:
        lang: A language code, such as ``zh``.
    """
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def own_name(lang: str) -> str:
    """A language's name in that language, capitalised where the script has capitals: ``中文``, ``Русский``.

    Args:
        lang: A language code Babel knows.
    """
    name = Locale.parse(lang).display_name or lang
    return name[:1].upper() + name[1:]


def new_catalogue(lang: str | None = None) -> Catalog:
    """An empty catalogue (a template if ``lang`` is ``None``) with the project's headers.

    Args:
        lang: A language code Babel knows, which sets the catalogue's plural rules.
    """
    try:
        version = metadata.version("multivector")
    except metadata.PackageNotFoundError:
        version = "0"
    language = Locale.parse(lang).english_name if lang else ""
    what = f"{language} translations" if lang else "Message template"
    return Catalog(locale=lang, domain=DOMAIN, project=PROJECT, version=version, fuzzy=False, header_comment=HEADER.format(what=what),
                   copyright_holder="the Multivector project", last_translator="the Multivector project", language_team=language)


def _discover() -> dict[str, str]:
    """English, then every language with a catalogue, by code."""
    codes = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return {SOURCE_LANGUAGE: own_name(SOURCE_LANGUAGE), **{code: own_name(code) for code in codes if code != SOURCE_LANGUAGE}}


LANGUAGES: dict[str, str] = _discover()
"""Language code → the language's own name, for a language picker: ``{"en": "English", "zh": "中文"}``."""


def check_language(lang: str) -> str:
    """The language code itself, if the page speaks it.

    Raises:
        ValueError: Naming the languages the page speaks.
    """
    if lang not in LANGUAGES:
        known = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
        raise ValueError(f"the seminar page has no language {lang!r}; it speaks {known}")
    return lang


def best_language(preferred: Iterable[str]) -> str:
    """The first language of a preference list the page speaks, else English.

    Args:
        preferred: Language tags in order of preference, as a browser sends them (``["zh-CN", "en"]``).
    """
    for tag in preferred:
        subtags = tag.strip().replace("_", "-").lower().split("-")
        for code in ("-".join(subtags), subtags[0]):
            if code in LANGUAGES:
                return code
    return SOURCE_LANGUAGE


def read_catalogue(lang: str) -> Catalog:
    """A language's catalogue as Babel reads it from its ``.po`` file.

    Raises:
        ValueError: If the page does not speak ``lang`` or it is English (which has no catalogue).
    """
    if check_language(lang) == SOURCE_LANGUAGE:
        raise ValueError(f"{SOURCE_LANGUAGE} is the page's own language and has no catalogue")
    with catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """A language's translations, compiled from its catalogue in memory once per process.

    Untranslated and fuzzy messages are left out of the compiled catalogue, so
    they show in English.

    Raises:
        ValueError: If the page does not speak ``lang``.
    """
    if check_language(lang) == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, read_catalogue(lang), use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translator(lang: str) -> Translate:
    """The page's ``_``: an English message → the message in ``lang`` (English: the identity).

    Args:
        lang: A key of :data:`LANGUAGES`.

    Raises:
        ValueError: If the page does not speak ``lang``, naming the languages it speaks.
    """
    return translations(lang).gettext


def plural_translator(lang: str) -> TranslatePlural:
    """The page's ``ngettext``: (singular, plural, n) → the right form for ``n`` in ``lang``.

    Args:
        lang: A key of :data:`LANGUAGES`.

    Raises:
        ValueError: If the page does not speak ``lang``.
    """
    return translations(lang).ngettext


# ------------------------------------------------------------------ extraction


def mark(message: str) -> str:
    """Mark a message kept in a variable for extraction; it is translated where it is shown (``_(template)``)."""
    return message


N_ = mark
"""The gettext name of :func:`mark`, which extraction looks for: ``TEMPLATE = N_("{state} formally joins …")``.

Extraction matches the call's name, not where it comes from: a module this one
reads (:data:`TABLES`) may define its own identity ``N_`` instead of importing
this one, and so keep out of an import circle."""


def extract_python(fileobj: IO[bytes], keywords: Iterable[str], comment_tags: Iterable[str],
                   options: dict[str, str]) -> Iterator[tuple[int, str, tuple[str | None, ...], list[str]]]:
    """A Babel extraction method for Python modules that also finds the calls inside f-strings.

    Babel's own ``python`` method reads tokens, and before Python 3.12 an
    f-string is one token: ``f"<th>{_('Unit')}</th>"`` would go unseen. This
    method reads the syntax tree instead. A call whose message is not a string
    literal (``_(template)``) is skipped: its message is found where it is
    written (``N_``) or listed by :func:`data_messages`.

    Args:
        fileobj: The module, opened in binary mode.
        keywords: The names of the calls whose arguments are messages.
        comment_tags: Not used (translator comments are not extracted).
        options: ``encoding`` of the module (default UTF-8).

    Yields:
        Line, name of the call, and its positional arguments (string literals, else ``None``), as Babel expects.
    """
    names = set(keywords)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names]
    for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
        args = tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in call.args)
        if args and args[0] is not None:
            yield call.lineno, call.func.id, args, []


def extract_messages(folder: Path = PACKAGE) -> dict[str, tuple[str, ...] | None]:
    """Every message of the ``_``, ``N_`` and ``ngettext`` calls (:data:`KEYWORDS`) in a folder's modules.

    Args:
        folder: The folder whose ``*.py`` files are read (not its subfolders).

    Returns:
        Message (the singular, for a plural) → its plural form, or ``None``
        for a plain message; in the order found.
    """
    found: dict[str, tuple[str, ...] | None] = {}
    for path in sorted(folder.glob("*.py")):
        for _line, message, _comments, _context in extract_from_file(extract_python, str(path), keywords=KEYWORDS):
            if isinstance(message, tuple):
                found[message[0]] = tuple(message[1:])
            elif message:
                found.setdefault(message, None)
    return found


Columns = str | tuple[int, ...]
"""Which words of a table are messages: ``"keys"`` or ``"values"`` of a dictionary, or the columns (0-based)
of each row, the rows being a dictionary's values or a tuple's or list's items."""

TABLES: dict[str, dict[str, Columns]] = {
    "predict.py": {"QUANTITIES": "keys"},
    "play.py": {"MOVES": "values"},
    "figures.py": {"BLOC_LABELS": "values"},
    "regionmap.py": {"BLOC_NAMES": "values", "PLACE_NAMES": "values"},
    "levers.py": {"SECTION_NAMES": "values", "EVENT_LEVERS": (1, 2)},
    "scorecard.py": {"_ROWS": (0, 1, 2)},
    "explore.py": {"DOMAIN_WORDS": "values"},
    "narrative.py": {"LEADER_TEMPLATES": "values"},
}
"""Module → its tables of words the page shows: read from the source, as extraction reads the ``_`` calls,
so that this module need not import the page's modules (of which it imports only ``levers``, for words it computes)."""


UNMARKED: tuple[str, ...] = (
    "{power}'s capacity in the region rises by {percent:.0f}%",
    "{power}'s capacity in the region falls by {percent:.0f}%",
    "; {power} intervenes, {state}'s security alignment with {power} rises ({shift})",
    "; {power} intervenes, {state}'s security alignment with {power} falls ({shift})",
    "{state} formally joins Western sanctions on Russia",
    "{state} stops applying Western sanctions on Russia",
    "seeds",
    "posterior draws, each on its own seed",
    "Goodwill",
    "multiple of 2021",
)
"""Messages the page's modules write in a variable and translate later without marking them with ``N_``
(the event log's alternative templates, what a prediction's runs vary over, the scorecard's goodwill rows).
Once a module marks one, extraction finds it and it can leave this list; the tests check that each still
occurs in the modules' source."""


def literals(folder: Path = PACKAGE) -> set[str]:
    """Every string literal of a folder's modules (this one excepted)."""
    found: set[str] = set()
    for path in folder.glob("*.py"):
        if path.name != Path(__file__).name:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found.update(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str))
    return found


def _strings(nodes: Iterable[ast.expr | None]) -> list[str]:
    return [node.value for node in nodes if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value]


def _table_words(table: ast.expr, columns: Columns) -> list[str]:
    """The message words of one table literal."""
    if isinstance(table, ast.Dict) and columns in ("keys", "values"):
        return _strings(table.keys if columns == "keys" else table.values)
    rows = table.values if isinstance(table, ast.Dict) else table.elts if isinstance(table, ast.Tuple | ast.List) else []
    if isinstance(columns, str):
        return []
    return _strings(row.elts[k] for row in rows if isinstance(row, ast.Tuple | ast.List) for k in columns if k < len(row.elts))


def table_messages(folder: Path = PACKAGE, tables: dict[str, dict[str, Columns]] = TABLES) -> list[str]:
    """The words of the tables :data:`TABLES` names, read from the modules' source.

    Args:
        folder: The folder of the modules.
        tables: Module file name → table name → its :data:`Columns`; a module or
            table that does not exist adds nothing.
    """
    found: dict[str, None] = {}
    for module, names in tables.items():
        path = folder / module
        if not path.is_file():
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else getattr(node, "target", None)
            if isinstance(target, ast.Name) and target.id in names and isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                found.update(dict.fromkeys(_table_words(node.value, names[target.id])))
    return list(found)


def data_messages() -> list[str]:
    """Strings that reach the page as data and are translated there.

    Every library scenario's title, question, names of states, powers,
    corridors and formats, and the words of its levers (whose quantity, what it
    means, the labelled assumption behind its value); the domains and
    enforcement stages; and the words of :data:`TABLES` (the quantities of
    "Predict, then run", the moves of "Play a state", the blocs, the map's
    places, the scorecard's rows); and :data:`UNMARKED`.
    """
    from multivector.analysis.seminar.levers import levers_of
    from multivector.model.events import STAGES
    from multivector.model.params import DOMAINS
    from multivector.scenarios import list_scenarios, load_scenario, resolve

    found: dict[str, None] = {}
    for name in list_scenarios():
        data = resolve(name).data
        found.update(dict.fromkeys(text for text in (data.get("title"), data.get("question")) if text))
        scenario = load_scenario(name)
        for kind in (scenario.states, scenario.powers, scenario.corridors, scenario.formats):
            found.update(dict.fromkeys(item.name or code for code, item in kind.items()))
        for lever in levers_of(name):
            found.update(dict.fromkeys(text for text in (lever.owner, lever.quantity, lever.doc, lever.assumption) if text))
    found.update(dict.fromkeys([*DOMAINS, "none", *STAGES, *table_messages(), *UNMARKED]))
    return list(found)


def template() -> Catalog:
    """The message template: the package's ``_``/``ngettext`` messages, then :func:`data_messages`."""
    catalog = new_catalogue()
    for message, plural in extract_messages().items():
        catalog.add((message, *plural) if plural else message)
    for message in data_messages():
        if message not in catalog:
            catalog.add(message)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120, omit_header=False, sort_output=False, include_previous=True)
    path.write_bytes(buffer.getvalue())


def update_template(path: Path = TEMPLATE) -> Catalog:
    """Re-extract the messages and write the template.

    Args:
        path: Where to write it.

    Returns:
        The template written.
    """
    catalog = template()
    _write(catalog, path)
    return catalog


def update_catalogues(pot: Path = TEMPLATE, keep_obsolete: bool = False) -> list[Path]:
    """Merge the template into every language's catalogue: new messages empty, changed ones fuzzy, gone ones dropped.

    Args:
        pot: The template to merge.
        keep_obsolete: Keep the translations of messages the page no longer shows,
            as ``#~`` entries at the end of the catalogue (the history keeps them anyway).

    Returns:
        The catalogues rewritten.
    """
    with pot.open("rb") as file:
        tmpl = read_po(file, domain=DOMAIN)
    written = []
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        catalog = read_catalogue(lang)
        catalog.update(tmpl, update_header_comment=False)
        if not keep_obsolete:
            catalog.obsolete.clear()
        _write(catalog, catalogue_path(lang))
        written.append(catalogue_path(lang))
    return written


def init_catalogue(lang: str, pot: Path = TEMPLATE) -> Path:
    """Start a new language's catalogue from the template, with its plural rules (then translate it).

    Args:
        lang: A language code Babel knows, such as ``ru``.
        pot: The template.

    Raises:
        ValueError: If the language already has a catalogue, or is the page's own.
    """
    path = catalogue_path(lang)
    if lang == SOURCE_LANGUAGE or path.exists():
        raise ValueError(f"{lang!r} already has its messages ({path.name if path.exists() else 'the page is written in it'})")
    with pot.open("rb") as file:
        tmpl = read_po(file, domain=DOMAIN)
    catalog = new_catalogue(lang)
    catalog.update(tmpl, no_fuzzy_matching=True, update_header_comment=False)
    _write(catalog, path)
    return path


# ------------------------------------------------------------------ checks


def placeholders(message: str) -> list[str]:
    """The fields a message fills in, sorted: ``{name}``/``{n:g}`` fields and ``%s``-style conversions.

    Raises:
        ValueError: If the message's braces do not pair up.
    """
    fields = [f"{{{name}{':' + spec if spec else ''}}}" for _text, name, spec, _conv in string.Formatter().parse(message) if name is not None]
    return sorted(fields + PERCENT.findall(message))


def missing(lang: str, messages: Iterable[str]) -> list[str]:
    """The messages a language's catalogue does not translate (or marks fuzzy), in the order given.

    Args:
        lang: A language with a catalogue.
        messages: English messages.
    """
    catalog = read_catalogue(lang)
    out = []
    for message in messages:
        entry = catalog.get(message)
        text = entry.string if entry is not None else None
        done = entry is not None and not entry.fuzzy and (all(text) if isinstance(text, tuple) else bool(text))
        if not done:
            out.append(message)
    return out


def main() -> None:
    """Re-extract the template and merge it into every catalogue, then list what is left to translate."""
    tmpl = update_template()
    for path in update_catalogues():
        lang = path.parent.parent.name
        todo = missing(lang, [m.id if isinstance(m.id, str) else m.id[0] for m in tmpl if m.id])
        print(f"{path.relative_to(PACKAGE)}: {len(todo)} message(s) to translate")


if __name__ == "__main__":
    main()
