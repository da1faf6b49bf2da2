"""The seminar page's translations: the translator, the catalogues, and that every message the page shows is translated.

The coverage tests guard the page: a new ``_("...")`` (or ``N_``/``ngettext``)
message in ``analysis/seminar/*.py``, or a new scenario, quantity or move that
reaches the page as data, fails them, listing the messages to translate (run
``python -m multivector.analysis.seminar.i18n`` to merge them into the
catalogues, then translate them).
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from multivector.analysis.seminar import i18n

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]


def english_ids(catalog) -> list[str]:
    """The singular English message of every entry of a catalogue."""
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id]


def translations_of(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


# ------------------------------------------------------------------ the translator


def test_the_page_speaks_english_and_chinese_under_their_own_names():
    assert i18n.LANGUAGES == {"en": "English", "zh": "中文"}
    assert next(iter(i18n.LANGUAGES)) == "en"


def test_the_english_translator_is_the_identity():
    _ = i18n.translator("en")
    for message in ("Run to the end", "lean to Russia", "a message no catalogue has", "{power} intervenes"):
        assert _(message) == message
    ngettext = i18n.plural_translator("en")
    assert ngettext("{n} run", "{n} runs", 1) == "{n} run"
    assert ngettext("{n} run", "{n} runs", 2) == "{n} runs"


def test_chinese_translates_a_known_message_and_leaves_an_unknown_one_in_english():
    _ = i18n.translator("zh")
    assert _("lean to Russia") == "倾向俄罗斯"
    assert _("Kazakhstan") == "哈萨克斯坦"
    assert _("sanctions package on Russia (intensity {intensity:g})").format(intensity=0.7) == "对俄制裁方案（强度 0.7）"
    assert _("a message no catalogue has") == "a message no catalogue has"


@pytest.fixture
def own_catalogues(tmp_path, monkeypatch):
    """A locale folder of the test's own, and translations compiled afresh from it."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    yield tmp_path
    i18n.translations.cache_clear()


def test_plurals_follow_each_language_s_rule(own_catalogues, monkeypatch):
    monkeypatch.setitem(i18n.LANGUAGES, "ru", "Русский")
    for lang, forms in (("zh", ("{n} 次运行",)), ("ru", ("{n} прогон", "{n} прогона", "{n} прогонов"))):
        catalog = i18n.new_catalogue(lang)
        catalog.add(("{n} run", "{n} runs"), forms)
        i18n._write(catalog, own_catalogues / lang / "LC_MESSAGES" / "seminar.po")
    chinese = i18n.plural_translator("zh")
    assert [chinese("{n} run", "{n} runs", n).format(n=n) for n in (1, 2, 20)] == ["1 次运行", "2 次运行", "20 次运行"]
    russian = i18n.plural_translator("ru")
    assert [russian("{n} run", "{n} runs", n).format(n=n) for n in (1, 3, 5, 21)] == ["1 прогон", "3 прогона", "5 прогонов", "21 прогон"]
    english = i18n.plural_translator("en")
    assert [english("{n} run", "{n} runs", n).format(n=n) for n in (1, 2)] == ["1 run", "2 runs"]


@pytest.mark.parametrize("lang", ["ru", "", "EN", "zh-CN", "chinese"])
def test_an_unknown_language_is_refused_naming_the_known_ones(lang):
    with pytest.raises(ValueError, match=r"no language .*; it speaks en \(English\), zh \(中文\)"):
        i18n.translator(lang)
    with pytest.raises(ValueError, match=r"it speaks en \(English\), zh \(中文\)"):
        i18n.plural_translator(lang)


def test_translations_are_compiled_once_per_language():
    assert i18n.translations("zh") is i18n.translations("zh")
    assert isinstance(i18n.translations("zh"), gettext.GNUTranslations)
    assert type(i18n.translations("en")) is gettext.NullTranslations


@pytest.mark.parametrize(("preferred", "expected"), [
    (["zh-CN", "en"], "zh"), (["zh_Hans_CN"], "zh"), (["ru-RU", "zh-TW"], "zh"), (["de", "fr"], "en"), ([], "en"), (["EN-gb"], "en"),
])
def test_best_language_picks_the_first_the_page_speaks(preferred, expected):
    assert i18n.best_language(preferred) == expected


def test_english_has_no_catalogue_to_read():
    with pytest.raises(ValueError, match="page's own language and has no catalogue"):
        i18n.read_catalogue("en")


# ------------------------------------------------------------------ the catalogues


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_compiles_with_its_plural_rule(lang):
    catalog = i18n.read_catalogue(lang)
    assert str(catalog.locale) == lang
    assert catalog.plural_forms == i18n.new_catalogue(lang).plural_forms
    compiled = i18n.translations(lang)
    assert compiled.info()["language"] == lang
    assert len(compiled._catalog) > 100


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_translation_is_fuzzy_or_empty(lang):
    catalog = i18n.read_catalogue(lang)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    empty = [m.id for m in catalog if m.id and not all(translations_of(m))]
    assert not fuzzy, f"{lang}: fuzzy translations to review: {fuzzy}"
    assert not empty, f"{lang}: untranslated messages: {empty}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_original(lang):
    wrong = []
    for message in i18n.read_catalogue(lang):
        if not message.id:
            continue
        originals = (message.id,) if isinstance(message.id, str) else message.id
        for text in filter(None, translations_of(message)):
            if any(i18n.placeholders(text) != i18n.placeholders(original) for original in originals[:1]):
                wrong.append((originals[0], text))
    assert not wrong, f"{lang}: translations whose fields differ from the original's: {wrong}"


@pytest.mark.parametrize(("message", "fields"), [
    ("unrest in {state} (severity {severity:g})", ["{severity:g}", "{state}"]),
    ("{above:.0%} of {runs} runs; 80% of runs", ["{above:.0%}", "{runs}"]),
    ("%s of %(total)d, %.2f", ["%(total)d", "%.2f", "%s"]),
    ("{power}'s capacity rises by {percent:.0f}%", ["{percent:.0f}", "{power}"]),
    ("no fields at all", []),
])
def test_placeholders_finds_format_fields_and_percent_conversions(message, fields):
    assert i18n.placeholders(message) == fields


def test_placeholders_refuses_unpaired_braces():
    with pytest.raises(ValueError, match="Single '}'"):
        i18n.placeholders("a } alone")


def test_the_template_lists_what_extraction_finds():
    with i18n.TEMPLATE.open("rb") as file:
        template = i18n.read_po(file)
    listed = set(english_ids(template))
    current = set(english_ids(i18n.template()))
    assert not current - listed, f"messages missing from {i18n.TEMPLATE.name}; run the module to update it: {sorted(current - listed)}"


# ------------------------------------------------------------------ coverage of the page


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_seminar_package_is_translated(lang):
    todo = i18n.missing(lang, i18n.extract_messages())
    assert not todo, f"{lang}: messages the page shows without a translation: {todo}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_name_the_page_shows_as_data_is_translated(lang):
    todo = i18n.missing(lang, i18n.data_messages())
    assert not todo, f"{lang}: names, scenario titles or menu entries without a translation: {todo}"


def test_extraction_finds_underscore_marker_and_plural_calls_also_inside_f_strings(tmp_path):
    (tmp_path / "page.py").write_text(
        'TEMPLATE = N_("{n} seeds left")\n'
        'def show(_, ngettext, n):\n'
        '    return _("Run to the end"), _(TEMPLATE), ngettext("{n} run", "{n} runs", n), print("not a message")\n'
        'def head(_):\n'
        '    return f"<th>{_(\'Unit\')}</th><td>{_(\'You\')}</td>"\n',
        encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.py").write_text('_("in a subfolder")\n', encoding="utf-8")
    assert i18n.extract_messages(tmp_path) == {"{n} seeds left": None, "Run to the end": None, "{n} run": ("{n} runs",), "Unit": None, "You": None}


def test_missing_lists_untranslated_and_fuzzy_messages(tmp_path, monkeypatch):
    catalog = i18n.new_catalogue("zh")
    catalog.add("done", "完成")
    catalog.add("to review", "待审", flags=["fuzzy"])
    catalog.add("empty", "")
    path = tmp_path / "zh" / "LC_MESSAGES" / "seminar.po"
    i18n._write(catalog, path)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.missing("zh", ["done", "to review", "empty", "absent"]) == ["to review", "empty", "absent"]


def test_babel_cfg_maps_the_same_modules_as_the_extractor():
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {message if isinstance(message, str) else message[0]
             for _file, _line, message, _comments, _context in extract_from_dir(ROOT / "analysis" / "seminar", method_map, options_map,
                                                                              keywords=i18n.KEYWORDS)}
    found_by_babel = {m for m in found if m}
    assert found_by_babel == set(i18n.extract_messages())


# ------------------------------------------------------------------ a new language


def test_a_new_language_needs_only_its_catalogue(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    pot = tmp_path / "seminar.pot"
    i18n._write(i18n.template(), pot)
    path = i18n.init_catalogue("ru", pot)
    assert path == tmp_path / "ru" / "LC_MESSAGES" / "seminar.po"
    catalog = i18n.read_po(path.open("rb"))
    assert str(catalog.locale) == "ru" and catalog.num_plurals == 3
    assert set(english_ids(catalog)) == set(english_ids(i18n.template()))
    assert i18n._discover() == {"en": "English", "ru": "Русский"}
    with pytest.raises(ValueError, match="'ru' already has its messages"):
        i18n.init_catalogue("ru", pot)


def test_the_page_tables_are_read_from_source_as_the_modules_define_them():
    from multivector.analysis.seminar.play import MOVES
    from multivector.analysis.seminar.predict import QUANTITIES

    found = i18n.table_messages()
    assert set(QUANTITIES) <= set(found)
    assert set(MOVES.values()) <= set(found)
    assert not set(QUANTITIES.values()) & set(found), "metric expressions are not messages"


def test_table_messages_reads_keys_values_or_columns_and_skips_what_is_absent(tmp_path):
    (tmp_path / "menu.py").write_text(
        'A = {"one": "x", 2: "y"}\n'
        'B: dict[str, str] = {"k": "shown", "j": "also shown"}\n'
        'C = ["not a dict"]\n'
        'ROWS: tuple = (("Growth", "Real GDP", "2021Q1 = 1", "higher"), ("Growth", "Real growth", "%/yr", "higher"))\n'
        'BY_KIND = {int: ("field", "Owner", "quantity"), str: ("field", "", "other quantity")}\n',
        encoding="utf-8")
    tables = {"menu.py": {"A": "keys", "B": "values", "C": "values", "D": "keys", "ROWS": (0, 2), "BY_KIND": (1, 2, 7)},
              "gone.py": {"A": "keys"}}
    assert i18n.table_messages(tmp_path, tables) == ["one", "shown", "also shown", "Growth", "2021Q1 = 1", "%/yr", "Owner", "quantity",
                                                     "other quantity"]


# ------------------------------------------------------------------ the model card


def test_the_model_card_is_read_in_each_language():
    from multivector.analysis.seminar.card import CARD, model_card

    assert model_card() == model_card("en") == CARD.read_text(encoding="utf-8")
    chinese = model_card("zh")
    assert chinese == CARD.with_name("model-card.zh.md").read_text(encoding="utf-8")
    assert chinese.startswith("# Multivector") and "模型卡" in chinese


def test_a_card_not_yet_translated_falls_back_to_english_then_to_the_summary(tmp_path):
    from multivector.analysis.seminar.card import SUMMARY, SUMMARY_ZH, card_path, model_card

    english = tmp_path / "model-card.md"
    assert card_path("zh", english) == tmp_path / "model-card.zh.md"
    assert model_card("zh", english) == SUMMARY_ZH
    assert model_card("en", english) == SUMMARY
    english.write_text("# The card\n", encoding="utf-8")
    assert model_card("zh", english) == "# The card\n"
    (tmp_path / "model-card.zh.md").write_text("# 模型卡\n", encoding="utf-8")
    assert model_card("zh", english) == "# 模型卡\n"
    assert model_card("en", english) == "# The card\n"


def test_the_card_refuses_a_language_the_page_does_not_speak():
    from multivector.analysis.seminar.card import model_card

    with pytest.raises(ValueError, match="no language 'fr'; it speaks en"):
        model_card("fr")


def test_updating_the_catalogues_keeps_every_translation_of_a_current_message(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(i18n.LOCALE_DIR, tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    pot = tmp_path / "seminar.pot"
    template = i18n.update_template(pot)
    written = i18n.update_catalogues(pot)
    assert written == [tmp_path / lang / "LC_MESSAGES" / "seminar.po" for lang in TRANSLATED]
    current = english_ids(template)
    for lang in TRANSLATED:
        assert i18n.missing(lang, current) == []
        merged = i18n.read_catalogue(lang)
        assert set(english_ids(merged)) == set(current), "the merged catalogue lists exactly the template's messages"


def test_every_unmarked_message_is_still_written_in_the_page():
    gone = [message for message in i18n.UNMARKED if message not in i18n.literals()]
    assert not gone, f"no module writes these any more: remove them from i18n.UNMARKED (or fix their text): {gone}"
    found = set(i18n.extract_messages())
    marked = [message for message in i18n.UNMARKED if message in found]
    assert not marked, f"extraction finds these now: remove them from i18n.UNMARKED: {marked}"
