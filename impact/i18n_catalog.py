"""Keep the translation catalogs in step with the code: `python -m impact.i18n_catalog COMMAND`.

    extract   write the strings of pages/, impact/ and app.py to locales/messages.pot (not committed)
    update    add new strings to every locales/<code>/LC_MESSAGES/messages.po, keep existing
              translations, drop strings the code no longer has (a changed string comes back
              marked fuzzy with its old translation, for review)
    check     list what is missing, empty, fuzzy, left in English, has other {placeholders},
              or is written in the other Chinese script; exit 1 if anything is
    todo      write what needs translating as JSON (to fill in, then `apply`)
    apply F   put the translations of a filled-in `todo` file into the catalogs
    scan      list user-visible English in pages/ and impact/ that is not wrapped in _()
              (what counts as user-visible: impact/i18n_scan.py)

A translation pass: `scan` (wrap what it lists in _()), `update`, `todo -o todo.json`, fill in every empty value, `apply
todo.json`, `check` (it must print nothing but the totals). Editing the .po files in a
PO editor (Poedit, Weblate...) works as well; `check` is the judge either way.

A value may stay as in English (a neighborhood without a common name in that language)
only when the entry carries the `same-as-english` flag; `apply` sets it for the
languages listed in an entry's "same_as_english".
"""

from __future__ import annotations

import argparse
import io
import json
import re
import string
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

from impact import config, i18n, i18n_scan

ROOT = config.PROJECT_ROOT
SOURCES = ("app.py", "pages", "impact")  # what is scanned for strings, relative to ROOT
TEMPLATE = i18n.LOCALES_DIR / f"{i18n.DOMAIN}.pot"
TRANSLATED = tuple(code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE)
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "NP_": ((1, "c"), 2),
    "NN_": (1, 2),
}
COMMENT_TAGS = ("Translators:",)
SAME_AS_ENGLISH = "same-as-english"
PROJECT = "Coalition Impact"
HEADER = "# Coalition Impact: what the interface says, translated.\n# Kept in step with the code by `python -m impact.i18n_catalog` (see the README).\n#"
CATALOG_META = {
    "project": PROJECT,
    "version": "1",
    "domain": i18n.DOMAIN,
    "charset": "utf-8",
    "fuzzy": False,
    "header_comment": HEADER,
    "msgid_bugs_address": "the coalition's data team",
    "last_translator": "the coalition's data team",
    "language_team": "Coalition Impact",
}
_DATE_LINES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)

# Characters that exist in only one of the two Chinese scripts, in pairs (the n-th
# Simplified character is written as the n-th Traditional one): a Traditional catalog
# must not contain the first, a Simplified one the second.
_SIMPLIFIED_ONLY = frozenset(
    "们区门务动会这时对数据语话请间线员业与为发过还个东车长让应经济网页选择条显报导载"
    "关闭开户号码输确认错误总计参项组织历电讯邮传统无实际设级权图达标览检筛编辑删录记"
    "负责讲读写说听见现场儿华湾访汇万亿众庆节农师帮护险养龄岁旧换类况帐质费资讨论议构"
    "机义签属尔广观觉响领优势"
)
_TRADITIONAL_ONLY = frozenset(
    "們區門務動會這時對數據語話請間線員業與為發過還個東車長讓應經濟網頁選擇條顯報導載"
    "關閉開戶號碼輸確認錯誤總計參項組織歷電訊郵傳統無實際設級權圖達標覽檢篩編輯刪錄記"
    "負責講讀寫說聽見現場兒華灣訪匯萬億眾慶節農師幫護險養齡歲舊換類況帳質費資討論議構"
    "機義簽屬爾廣觀覺響領優勢"
)


@dataclass(frozen=True)
class Problem:
    language: str
    kind: str  # missing, empty, fuzzy, untranslated, placeholders, script, obsolete
    msgid: str
    context: str | None
    detail: str = ""

    def __str__(self) -> str:
        where = f"[{self.context}] " if self.context else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.language}: {self.kind}: {where}{self.msgid!r}{detail}"


# --- extraction ---------------------------------------------------------------------------


def _source_files() -> Iterable[tuple[str, Iterable[tuple]]]:
    options = {"**.py": {"encoding": "utf-8"}}
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            yield source, extract_from_file("python", path, KEYWORDS, COMMENT_TAGS, options["**.py"])
        else:
            for filename, lineno, message, comments, context in extract_from_dir(
                path,
                [("**.py", "python")],
                options,
                KEYWORDS,
                COMMENT_TAGS,
                directory_filter=lambda d: "__pycache__" not in d,
            ):
                yield f"{source}/{filename}", [(lineno, message, comments, context)]


def extract() -> Catalog:
    """Every marked string of the code, as a catalog template (msgid = the English)."""
    template = Catalog(**CATALOG_META)
    for filename, found in _source_files():
        for lineno, message, comments, context in found:
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _render(catalog: Catalog) -> bytes:
    """PO text sorted by msgid, locations without line numbers: editing code elsewhere does
    not move or change entries, so a catalog's diff shows only what was translated."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=True, ignore_obsolete=True, include_lineno=False)
    return buffer.getvalue()


def _write_if_changed(path: Path, content: bytes) -> bool:
    """Write unless only the header dates would change (keeps diffs to what changed)."""
    if path.exists() and _DATE_LINES.sub(b"", path.read_bytes()) == _DATE_LINES.sub(b"", content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def load(language: str) -> Catalog:
    path = i18n.catalog_path(language)
    if not path.exists():
        return Catalog(locale=language, **CATALOG_META)
    with path.open("rb") as source:
        return read_po(source, locale=language, domain=i18n.DOMAIN)


def save(language: str, catalog: Catalog) -> bool:
    catalog.revision_date = datetime.now().astimezone()
    return _write_if_changed(i18n.catalog_path(language), _render(catalog))


def update(template: Catalog | None = None) -> dict[str, bool]:
    """Bring every catalog in step with the code; returns which files changed."""
    template = template or extract()
    changed = {}
    for language in TRANSLATED:
        catalog = load(language)
        catalog.update(template, update_creation_date=False)
        catalog.obsolete.clear()
        changed[language] = save(language, catalog)
    return changed


# --- checking ------------------------------------------------------------------------------


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a str.format template (and printf-style %(name)s ones)."""
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return fields | set(re.findall(r"%\([a-z_]+\)[sd]", text))


def _placeholder_problem(message: Message) -> str:
    try:
        wanted = placeholders(_ids(message)[-1]) | placeholders(_ids(message)[0])
        for translated in _strings(message):
            got = placeholders(translated)
            if got != wanted:
                return f"expected {sorted(wanted)}, found {sorted(got)} in {translated!r}"
    except ValueError as exc:  # an unmatched { or }
        return f"unreadable braces: {exc}"
    return ""


def _script_problem(language: str, message: Message) -> str:
    wrong = _SIMPLIFIED_ONLY if language == "zh_Hant" else _TRADITIONAL_ONLY if language == "zh_Hans" else set()
    found = sorted({ch for text in _strings(message) for ch in text if ch in wrong})
    return f"characters of the other script: {''.join(found)}" if found else ""


def check(template: Catalog | None = None, languages: Sequence[str] = TRANSLATED) -> list[Problem]:
    """Everything that keeps a catalog from being complete and correct for the current code."""
    template = template or extract()
    problems: list[Problem] = []
    for language in languages:
        catalog = load(language)
        for wanted in template:
            if not wanted.id:
                continue
            message = catalog.get(wanted.id, wanted.context)
            key = _ids(wanted)[0]

            found: list[tuple[str, str]] = []
            if message is None:
                found.append(("missing", ""))
            else:
                if message.fuzzy:
                    found.append(("fuzzy", "review the translation and remove the fuzzy flag"))
                if not all(_strings(message)):
                    found.append(("empty", ""))
                else:
                    if SAME_AS_ENGLISH not in message.flags and set(_strings(message)) & set(_ids(message)):
                        found.append(("untranslated", f"same as English; flag it {SAME_AS_ENGLISH} if intended"))
                    if detail := _placeholder_problem(message):
                        found.append(("placeholders", detail))
                    if detail := _script_problem(language, message):
                        found.append(("script", detail))
            problems.extend(Problem(language, kind, key, wanted.context, detail) for kind, detail in found)
        wanted_keys = {(_ids(m)[0], m.context) for m in template if m.id}
        for message in catalog:
            if message.id and (_ids(message)[0], message.context) not in wanted_keys:
                problems.append(Problem(language, "obsolete", _ids(message)[0], message.context, "run update"))
    return problems


# --- translating in bulk -------------------------------------------------------------------


def todo(template: Catalog | None = None, everything: bool = False) -> list[dict]:
    """Entries that need work in at least one language, with what each catalog holds now."""
    template = template or extract()
    catalogs = {language: load(language) for language in TRANSLATED}
    entries = []
    for wanted in template:
        if not wanted.id:
            continue
        entry: dict = {"context": wanted.context, "msgid": _ids(wanted)[0]}
        if isinstance(wanted.id, (list, tuple)):
            entry["msgid_plural"] = wanted.id[1]
        entry["where"] = sorted({filename for filename, _ in wanted.locations})
        if wanted.auto_comments:
            entry["note"] = " ".join(wanted.auto_comments)
        needs_work = everything
        same = []
        for language, catalog in catalogs.items():
            message = catalog.get(wanted.id, wanted.context)
            strings = _strings(message) if message is not None else [""]
            entry[language] = strings if isinstance(wanted.id, (list, tuple)) else strings[0]
            if message is None or message.fuzzy or not all(strings):
                needs_work = True
            if message is not None and SAME_AS_ENGLISH in message.flags:
                same.append(language)
        if same:
            entry["same_as_english"] = same
        if needs_work:
            entries.append(entry)
    return entries


def apply(entries: Iterable[dict]) -> dict[str, int]:
    """Write the filled-in values of `todo` entries into the catalogs (after `update`)."""
    catalogs = {language: load(language) for language in TRANSLATED}
    written = dict.fromkeys(TRANSLATED, 0)
    for entry in entries:
        msgid = (entry["msgid"], entry["msgid_plural"]) if "msgid_plural" in entry else entry["msgid"]
        for language, catalog in catalogs.items():
            value = entry.get(language)
            if not value:
                continue
            message = catalog.get(msgid, entry.get("context"))
            if message is None:
                raise SystemExit(f"{entry['msgid']!r} is not in the {language} catalog: run update first")
            if isinstance(message.id, (list, tuple)):
                forms = [value] if isinstance(value, str) else list(value)
                value = tuple((forms + [forms[-1]] * catalog.num_plurals)[: catalog.num_plurals])
            message.string = value
            message.flags.discard("fuzzy")
            if language in entry.get("same_as_english", ()):
                message.flags.add(SAME_AS_ENGLISH)
            else:
                message.flags.discard(SAME_AS_ENGLISH)
            written[language] += 1
    for language, catalog in catalogs.items():
        save(language, catalog)
    return written


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m impact.i18n_catalog", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract_cmd = commands.add_parser("extract", help="write the template of every marked string")
    extract_cmd.add_argument("-o", "--output", type=Path, default=TEMPLATE)
    commands.add_parser("update", help="add new strings to every catalog, keep translations")
    commands.add_parser("check", help="list missing, empty, fuzzy and suspicious translations")
    todo_cmd = commands.add_parser("todo", help="what needs translating, as JSON")
    todo_cmd.add_argument("-o", "--output", type=Path)
    todo_cmd.add_argument("--all", action="store_true", help="every entry, not only those that need work")
    apply_cmd = commands.add_parser("apply", help="write a filled-in todo file into the catalogs")
    apply_cmd.add_argument("file", type=Path)
    commands.add_parser("scan", help="list user-visible literals that are not wrapped in _()")
    args = parser.parse_args(argv)

    if args.command == "extract":
        template = extract()
        _write_if_changed(args.output, _render(template))
        print(f"{len(template)} strings -> {args.output}")
    elif args.command == "update":
        template = extract()
        for language, changed in update(template).items():
            print(f"{i18n.catalog_path(language).relative_to(ROOT)}: {'updated' if changed else 'unchanged'}")
        print(f"{len(template)} strings in the code")
    elif args.command == "check":
        template = extract()
        problems = check(template)
        for problem in problems:
            print(problem)
        counts = {language: sum(p.language == language for p in problems) for language in TRANSLATED}
        print(f"{len(template)} strings; problems: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 1 if problems else 0
    elif args.command == "todo":
        entries = todo(everything=args.all)
        text = json.dumps(entries, ensure_ascii=False, indent=1) + "\n"
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            print(f"{len(entries)} entries -> {args.output}")
        else:
            sys.stdout.write(text)
    elif args.command == "apply":
        entries = json.loads(args.file.read_text(encoding="utf-8"))
        written = apply(entries)
        print("written: " + ", ".join(f"{k} {v}" for k, v in written.items()))
    elif args.command == "scan":
        findings = i18n_scan.scan()
        for finding in findings:
            print(finding)
        print(f"{len(findings)} user-visible literals outside the catalog")
        return 1 if findings else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
