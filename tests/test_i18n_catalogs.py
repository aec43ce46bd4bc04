"""The catalogs: complete for the current code, placeholders intact, and the tooling that keeps them so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from impact import i18n, i18n_catalog

TEMPLATE = i18n_catalog.extract()


def _messages(language: str) -> Catalog:
    with i18n.catalog_path(language).open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", i18n_catalog.TRANSLATED)
def test_every_catalog_has_every_string_of_the_code_translated(language: str) -> None:
    """No msgid of pages/ and impact/ is missing, empty, fuzzy, left in English or in the other script."""
    problems = [p for p in i18n_catalog.check(TEMPLATE, [language]) if p.kind != "obsolete"]
    listing = "\n".join(str(p) for p in problems)
    assert not problems, (
        f"{len(problems)} of {len(TEMPLATE)} strings need work in {language}; run "
        f"`python -m impact.i18n_catalog update` and translate them (README, Languages):\n{listing}"
    )


@pytest.mark.parametrize("language", i18n_catalog.TRANSLATED)
def test_catalogs_hold_no_strings_the_code_no_longer_has(language: str) -> None:
    """A catalog is pruned by `update`; stale entries would hide that a msgid changed."""
    obsolete = [str(p) for p in i18n_catalog.check(TEMPLATE, [language]) if p.kind == "obsolete"]
    assert not obsolete, "\n".join(obsolete)


@pytest.mark.parametrize("language", i18n_catalog.TRANSLATED)
def test_translations_keep_every_placeholder(language: str) -> None:
    """`{n}` in the English is `{n}` in the translation, so .format() fills it and never raises."""
    checked = 0
    for message in _messages(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = i18n_catalog.placeholders(ids[-1]) | i18n_catalog.placeholders(ids[0])
        for translated in filter(None, strings):  # empty ones are the completeness test's business
            # placeholders() parses like str.format, so a broken brace fails here too
            assert i18n_catalog.placeholders(translated) == wanted, (message.id, translated)
        checked += bool(wanted)
    assert checked > 0, "the catalogs should contain strings with placeholders"


def test_traditional_chinese_is_written_in_traditional_characters() -> None:
    """The 繁體中文 catalog holds no Simplified-only character, and the 简体中文 one no Traditional-only one."""
    script = [str(p) for p in i18n_catalog.check(TEMPLATE, ["zh_Hant", "zh_Hans"]) if p.kind == "script"]
    assert not script, "\n".join(script)


def test_catalogs_are_text_and_no_compiled_file_is_committed() -> None:
    """Only .po files are in locales/: they are compiled in memory, there is no build step."""
    files = sorted(p.relative_to(i18n.LOCALES_DIR).as_posix() for p in i18n.LOCALES_DIR.rglob("*") if p.is_file())
    assert [f for f in files if not f.endswith(".pot")] == [
        f"{language}/LC_MESSAGES/messages.po" for language in sorted(i18n_catalog.TRANSLATED)
    ]


def test_extraction_finds_markers_with_context_and_plurals() -> None:
    """_(), N_(), NP_() with msgctxt and ngettext() are all extracted."""
    keys = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in TEMPLATE if m.id}
    assert (None, "Language") in keys  # _() in impact/ui_i18n.py
    assert (None, "Overview") in keys  # N_() in impact/ui.py
    assert ("event_type", "Stakeholder meeting") in keys  # NP_() in impact/labels.py
    assert ("channel", "Other") in keys and ("language", "Other") in keys
    assert any(isinstance(m.id, tuple) for m in TEMPLATE), "ngettext() plurals are extracted"


# --- the tooling, on a copy of the catalogs ----------------------------------------------------


@pytest.fixture
def scratch_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Empty catalogs in a temporary locales/ folder."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {})
    return tmp_path


def _template(*messages: tuple[str | None, str | tuple[str, str]]) -> Catalog:
    template = Catalog(domain=i18n.DOMAIN, fuzzy=False)
    for context, msgid in messages:
        template.add(msgid, None, [("pages/x.py", 1)], context=context)
    return template


def test_update_adds_new_strings_keeps_translations_and_marks_changed_ones_fuzzy(scratch_catalogs: Path) -> None:
    """A translation pass is mechanical: update, todo, fill in, apply, check."""
    first = _template((None, "Loaded {rows} rows."), ("channel", "Phone"))
    i18n_catalog.update(first)
    entries = i18n_catalog.todo(first)
    assert [e["msgid"] for e in entries] == ["Loaded {rows} rows.", "Phone"]
    for entry in entries:
        entry.update(
            {"zh_Hant": "已載入 {rows} 行。", "zh_Hans": "已载入 {rows} 行。", "es": "Se cargaron {rows} filas."}
            if entry["msgid"].startswith("Loaded")
            else {"zh_Hant": "電話", "zh_Hans": "电话", "es": "Teléfono"}
        )
    (scratch_catalogs / "todo.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    assert i18n_catalog.main(["apply", str(scratch_catalogs / "todo.json")]) == 0
    assert i18n_catalog.check(first) == []
    with i18n.using("zh_Hant"):
        assert i18n._("Loaded {rows} rows.").format(rows=3) == "已載入 3 行。"

    second = _template((None, "Loaded {rows} rows now."), ("channel", "Phone"), (None, "Sign out"))
    i18n_catalog.update(second)
    kinds = {(p.language, p.kind, p.msgid) for p in i18n_catalog.check(second)}
    assert ("es", "fuzzy", "Loaded {rows} rows now.") in kinds  # old translation kept for review
    assert ("es", "empty", "Sign out") in kinds
    assert not any(p[2] == "Phone" for p in kinds)
    with i18n.using("es"):
        assert i18n.pgettext("channel", "Phone") == "Teléfono"
        assert i18n._("Loaded {rows} rows now.") == "Loaded {rows} rows now."  # fuzzy shows English


def test_check_catches_lost_placeholders_english_left_behind_and_the_wrong_script(scratch_catalogs: Path) -> None:
    """The checks that guard quality actually fire."""
    template = _template((None, "{n} problems"), (None, "Mission"), (None, "Data dictionary"))
    i18n_catalog.update(template)
    entries = i18n_catalog.todo(template)
    values = {
        "{n} problems": {"zh_Hant": "{count} 個問題", "zh_Hans": "{n} 个问题", "es": "{n} problemas"},
        "Mission": {"zh_Hant": "米慎區", "zh_Hans": "米慎区", "es": "Mission"},
        "Data dictionary": {"zh_Hant": "数据字典", "zh_Hans": "數據字典", "es": "Diccionario de datos"},
    }
    for entry in entries:
        entry.update(values[entry["msgid"]])
    i18n_catalog.apply(entries)
    found = {(p.language, p.kind, p.msgid) for p in i18n_catalog.check(template)}
    assert found == {
        ("zh_Hant", "placeholders", "{n} problems"),
        ("es", "untranslated", "Mission"),
        ("zh_Hant", "script", "Data dictionary"),
        ("zh_Hans", "script", "Data dictionary"),
    }
    mission = next(e for e in entries if e["msgid"] == "Mission")
    mission["same_as_english"] = ["es"]
    i18n_catalog.apply([mission])
    assert ("es", "untranslated", "Mission") not in {
        (p.language, p.kind, p.msgid) for p in i18n_catalog.check(template)
    }


def test_plural_messages_get_every_plural_form(scratch_catalogs: Path) -> None:
    """Chinese has one plural form and Spanish two; ngettext picks the right one."""
    template = _template((None, ("{n} problem", "{n} problems")))
    i18n_catalog.update(template)
    [entry] = i18n_catalog.todo(template)
    entry.update({"zh_Hant": ["{n} 個問題"], "zh_Hans": ["{n} 个问题"], "es": ["{n} problema", "{n} problemas"]})
    i18n_catalog.apply([entry])
    assert i18n_catalog.check(template) == []
    with i18n.using("es"):
        assert i18n.ngettext("{n} problem", "{n} problems", 1) == "{n} problema"
        assert i18n.ngettext("{n} problem", "{n} problems", 3) == "{n} problemas"
    with i18n.using("zh_Hant"):
        assert i18n.ngettext("{n} problem", "{n} problems", 3) == "{n} 個問題"


def test_update_does_not_rewrite_unchanged_catalogs(scratch_catalogs: Path) -> None:
    """Running update twice leaves the files byte for byte (no date-only diffs in git)."""
    template = _template((None, "Sign out"))
    assert all(i18n_catalog.update(template).values())
    before = {lang: i18n.catalog_path(lang).read_bytes() for lang in i18n_catalog.TRANSLATED}
    assert not any(i18n_catalog.update(template).values())
    assert before == {lang: i18n.catalog_path(lang).read_bytes() for lang in i18n_catalog.TRANSLATED}
