"""Find user-visible English that does not go through the catalog (`python -m impact.i18n_catalog scan`).

What counts as user-visible, precisely (anything else is left alone):

1. A string literal (or an f-string, or a "..." + ... concatenation, or "...".format(...))
   with at least one letter in it, passed to a Streamlit call that shows it:
   - the text argument of st.title, header, subheader, markdown, caption, text, write
     (every positional argument), info, warning, error, success, toast, badge, spinner,
     status, expander, popover, dialog, progress (`text`);
   - the label of every widget (button, download_button, link_button, form_submit_button,
     checkbox, toggle, radio, selectbox, multiselect, pills, segmented_control, slider,
     select_slider, text_input, text_area, number_input, date_input, time_input,
     datetime_input, file_uploader, color_picker, chat_input, camera_input, audio_input),
     st.metric's label and delta, st.page_link's label, st.Page's title,
     st.set_page_config's page_title, st.column_config.*Column's label;
   - the keywords help, placeholder, label, title, text, body, caption(s) of those calls;
   - each literal of st.tabs' list, and the literal options of a choice widget that has
     no format_func (options shown as written).
   The call is recognised by its receiver: `st` itself, or a name bound from a Streamlit
   expression in the same module (`left, right = st.columns(2)`, `with st.sidebar as bar`,
   `for column, kpi in zip(st.columns(4), ...)`), or a parameter annotated DeltaGenerator.
2. In modules that import plotly: literals given as title, title_text, xaxis_title,
   yaxis_title, legend_title(_text), name (a trace's legend entry), text (annotations),
   annotation_text, hovertemplate (outside its %{...} fields and tags), the "text" of a
   title dict, the values of a `labels` dict, and positional arguments bound to a
   parameter whose name contains "title", "label" or "name" of a function defined in the
   same module (`_layout(fig, "Reach by month", "People")`), and the literal defaults of
   such parameters and of parameters handed to such a keyword (`def chart(frame,
   title="Reach", people="People")` with `name=people`: shown whenever a page omits them);
   in pages, such keywords given to a `charts.` builder.
3. A `_()`/`N_()` call whose argument is an f-string, a concatenation or an already
   formatted string: the extractor cannot see the msgid; format after translating.

Markdown or HTML that holds no letters ("---", "### {title}") and <style> blocks are not
text. A literal on a line that ends with `# i18n: ignore` (or whose call starts on such
a line) is an explicit exception.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from impact import config

ROOT = config.PROJECT_ROOT
SCANNED = ("app.py", "pages", "impact")
IGNORE_MARK = re.compile(r"#\s*i18n:\s*ignore\b")

_TEXT_FIRST = {
    "title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success",
    "toast", "badge", "spinner", "status", "expander", "popover", "dialog",
}  # fmt: skip
_WIDGETS = {
    "button", "download_button", "link_button", "form_submit_button", "checkbox", "toggle", "radio",
    "selectbox", "multiselect", "pills", "segmented_control", "slider", "select_slider", "text_input",
    "text_area", "number_input", "date_input", "time_input", "datetime_input", "file_uploader",
    "color_picker", "chat_input", "camera_input", "audio_input", "metric", "feedback",
}  # fmt: skip
_CHOICE_WIDGETS = {"radio", "selectbox", "multiselect", "pills", "segmented_control", "select_slider"}
_TEXT_KEYWORDS = {"help", "placeholder", "label", "title", "text", "body", "caption", "page_title", "delta"}
_LIST_KEYWORDS = {"captions"}
_STREAMLIT_NAMES = {"st"}
_WRAPPERS = {"zip", "enumerate", "list", "reversed", "iter", "tuple"}

_PLOTLY_KEYWORDS = {
    "title", "title_text", "xaxis_title", "yaxis_title", "xaxis_title_text", "yaxis_title_text",
    "legend_title", "legend_title_text", "name", "text", "annotation_text", "hovertemplate",
}  # fmt: skip
_PLOTLY_ROOTS = {"go", "px", "plotly", "fig", "figure"}
_HELPER_PARAM = re.compile(r"title|label|name")
_HOVER_FIELDS = re.compile(r"%\{[^}]*\}|<[^>]*>")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    text: str
    why: str = "user-visible text outside the catalog: wrap it in _()"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}: {self.text!r} ({self.why})"


def _has_letters(text: str) -> bool:
    return bool(_LETTER.search(text))


def _dotted(node: ast.expr) -> list[str]:
    """['st', 'sidebar', 'button'] for st.sidebar.button; the root may be a call's receiver."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            return parts[::-1]
        else:
            return parts[::-1]


def _literal_texts(node: ast.expr | None, markup: re.Pattern[str] | None = None) -> Iterator[tuple[int, str]]:
    """The English a node shows as written: literals, f-string parts, concatenations.

    `markup` removes what is not text before looking for letters (plotly's %{y} fields).
    """

    def wording(text: str) -> bool:
        return _has_letters(markup.sub("", text) if markup else text)

    if node is None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if wording(node.value) and not node.value.lstrip().lower().startswith(("<style", "<script")):
            yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if wording(literal):
            yield node.lineno, ast.unparse(node)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        yield from _literal_texts(node.left, markup)
        if isinstance(node.op, ast.Add):
            yield from _literal_texts(node.right, markup)
    elif isinstance(node, ast.IfExp):
        yield from _literal_texts(node.body, markup)
        yield from _literal_texts(node.orelse, markup)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "join"}:
        yield from _literal_texts(node.func.value, markup)


def _elements(node: ast.expr | None) -> Iterator[ast.expr]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        yield from node.elts


def _ignored_lines(source: str) -> set[int]:
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and IGNORE_MARK.search(token.string):
            lines.add(token.start[0])
    return lines


def _bound_names(target: ast.expr) -> Iterator[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id


def _streamlit_names(tree: ast.Module) -> set[str]:
    """`st` and every name bound from a Streamlit expression (columns, containers, tabs...)."""
    names = set(_STREAMLIT_NAMES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name for a in node.names if a.name == "streamlit"}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in node.args.args + node.args.kwonlyargs:
                if arg.annotation is not None and "DeltaGenerator" in ast.unparse(arg.annotation):
                    names.add(arg.arg)

    def rooted(expr: ast.expr | None) -> bool:
        """A Streamlit expression, or zip/enumerate/a tuple of them (`zip(st.columns(4), kpis)`)."""
        chain = _dotted(expr) if isinstance(expr, (ast.Attribute, ast.Call, ast.Subscript)) else []
        if chain and chain[0] in names:
            return True
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _WRAPPERS:
            return any(rooted(arg) for arg in expr.args)
        return isinstance(expr, (ast.Tuple, ast.List)) and any(rooted(e) for e in expr.elts)

    while True:
        before = len(names)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and rooted(node.value):
                for target in node.targets:
                    names.update(_bound_names(target))
            elif isinstance(node, (ast.For, ast.comprehension)) and rooted(node.iter):
                names.update(_bound_names(node.target))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None and rooted(node.context_expr):
                names.update(_bound_names(node.optional_vars))
        if len(names) == before:
            return names


def _streamlit_findings(call: ast.Call, chain: list[str]) -> Iterator[tuple[int, str]]:
    function = chain[-1]
    texts: list[ast.expr] = []
    is_column = "column_config" in chain and function.endswith("Column")
    if function == "write":
        texts += call.args
    elif function in _TEXT_FIRST or function in _WIDGETS or is_column:
        texts += call.args[:1]
    elif function == "progress":
        texts += call.args[1:2]
    elif function == "tabs":
        texts += list(_elements(call.args[0] if call.args else None))
    elif function not in {"page_link", "Page", "set_page_config"}:
        return
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    texts += [value for key, value in keywords.items() if key in _TEXT_KEYWORDS]
    for key in _LIST_KEYWORDS & keywords.keys():
        texts += list(_elements(keywords[key]))
    if function == "tabs" and "tabs" in keywords:
        texts += list(_elements(keywords["tabs"]))
    if function in _CHOICE_WIDGETS and "format_func" not in keywords:
        options = call.args[1] if len(call.args) > 1 else keywords.get("options")
        texts += list(_elements(options))
    for node in texts:
        yield from _literal_texts(node)


def _is_plotly_call(chain: list[str]) -> bool:
    return bool(chain) and (chain[0] in _PLOTLY_ROOTS or (len(chain) > 1 and chain[-1].startswith(("add_", "update_"))))


def _plotly_findings(call: ast.Call, chain: list[str], helpers: dict[str, list[str]]) -> Iterator[tuple[int, str]]:
    for keyword in call.keywords if _is_plotly_call(chain) else ():
        if keyword.arg in _PLOTLY_KEYWORDS:
            value = keyword.value
            if keyword.arg == "hovertemplate":
                yield from _literal_texts(value, _HOVER_FIELDS)
                continue
            if isinstance(value, ast.Dict):
                value = next((v for k, v in zip(value.keys, value.values, strict=True) if _is_key(k, "text")), None)
            yield from _literal_texts(value)
        elif keyword.arg == "labels" and isinstance(keyword.value, ast.Dict):
            for value in keyword.value.values:
                yield from _literal_texts(value)
    name = call.func.id if isinstance(call.func, ast.Name) else None
    if name in helpers:
        for param, arg in zip(helpers[name], call.args, strict=False):
            if _HELPER_PARAM.search(param):
                yield from _literal_texts(arg)


def _translation_misuse(call: ast.Call) -> Iterator[tuple[int, str]]:
    if isinstance(call.func, ast.Name) and call.func.id in {"_", "N_"} and call.args:
        arg = call.args[0]
        formatted = isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
            isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
        )
        if formatted:
            yield arg.lineno, ast.unparse(arg)


def _defaults(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, ast.expr]]:
    positional = function.args.posonlyargs + function.args.args
    with_default = positional[len(positional) - len(function.args.defaults) :]
    pairs = [(a.arg, d) for a, d in zip(with_default, function.args.defaults, strict=True)]
    keyword_only = zip(function.args.kwonlyargs, function.args.kw_defaults, strict=True)
    return pairs + [(a.arg, d) for a, d in keyword_only if d is not None]


def _shown_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names handed straight to a plotly text keyword in the function (`name=people`)."""
    shown = set()
    for call in ast.walk(function):
        if isinstance(call, ast.Call) and _is_plotly_call(_dotted(call.func)):
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg in _PLOTLY_KEYWORDS and isinstance(value, ast.Dict):
                    value = next((v for k, v in zip(value.keys, value.values, strict=True) if _is_key(k, "text")), None)
                if keyword.arg in _PLOTLY_KEYWORDS and isinstance(value, ast.Name):
                    shown.add(value.id)
    return shown


def _is_key(node: ast.expr | None, key: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == key


def scan_source(source: str, path: str) -> list[Finding]:
    tree = ast.parse(source, filename=path)
    ignored = _ignored_lines(source)
    names = _streamlit_names(tree)
    uses_plotly = any(
        isinstance(n, (ast.Import, ast.ImportFrom))
        and any((getattr(n, "module", None) or a.name).startswith("plotly") for a in n.names)
        for n in ast.walk(tree)
    )
    helpers = {
        n.name: [a.arg for a in n.args.posonlyargs + n.args.args]
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and any(_HELPER_PARAM.search(a.arg) for a in n.args.args)
    }
    findings = []
    if uses_plotly:  # a chart builder's English default shows whenever a page leaves the argument out
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                shown = _shown_parameters(function)
                for argument, default in _defaults(function):
                    if (_HELPER_PARAM.search(argument) or argument in shown) and default.lineno not in ignored:
                        findings += [
                            Finding(path, line, f"{function.name}({argument}=...)", text)
                            for line, text in _literal_texts(default)
                        ]
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        chain = _dotted(call.func)
        found: list[tuple[int, str, str]] = []
        if len(chain) >= 2 and chain[0] in names:
            found += [(line, text, "") for line, text in _streamlit_findings(call, chain)]
        if uses_plotly:
            found += [(line, text, "") for line, text in _plotly_findings(call, chain, helpers)]
        if chain[:1] == ["charts"]:  # a page handing a title to a chart builder
            found += [
                (line, text, "")
                for k in call.keywords
                if k.arg and _HELPER_PARAM.search(k.arg)
                for line, text in _literal_texts(k.value)
            ]
        found += [
            (line, text, "the extractor cannot read a formatted msgid: translate the template, then .format()")
            for line, text in _translation_misuse(call)
        ]
        for line, text, why in found:
            if line in ignored or call.lineno in ignored:
                continue
            label = ".".join(chain) or ast.unparse(call.func)
            findings.append(Finding(path, line, label, text, *([why] if why else [])))
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.text))


def python_files() -> Iterator[Path]:
    for entry in SCANNED:
        path = ROOT / entry
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def scan() -> list[Finding]:
    """Every user-visible literal of app.py, pages/ and impact/ that is outside the catalog."""
    findings = []
    for path in python_files():
        findings += scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return findings
