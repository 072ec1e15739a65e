"""The jinja2 environment the page templates render in, with filters for Russian dates and markdown cells."""

import html
import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd

from pipeline.publish.privacy import small_count

TEMPLATES = Path(__file__).resolve().parent / "templates"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
# Markdown cannot backslash-escape these; as entities they show as typed and never become markup.
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_TABLE = str.maketrans(_HTML_SPECIAL)
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch  y  e iu ia".split(" "),
        strict=True,
    )
)


_TRANSLIT_TABLE = str.maketrans(_TRANSLIT)


def ru_date(value: object) -> str:
    """15.10.2026, the form a person reads; blank for a missing date."""
    if value is None or value is pd.NaT or (not isinstance(value, date | datetime) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        value = pd.Timestamp(value)
    return value.strftime("%d.%m.%Y")


def md_text(value: object) -> str:
    """Text placed in markdown as is: special characters escaped, line breaks folded, blanks empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split()).translate(_HTML_TABLE)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def slug(value: object) -> str:
    """A file-name-safe Latin slug of a code: «ИРО-015» becomes «iro-015»."""
    return _slug(str(value))


@cache
def _slug(text: str) -> str:
    text = text.lower().translate(_TRANSLIT_TABLE)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # the output is markdown; values go through md_text or html escaping explicitly
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        # markdown's attribute lists «{#id}» must stay literal, so jinja comments take another spelling
        comment_start_string="{##",
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ru_date"] = ru_date
    env.filters["md"] = md_text
    env.filters["slug"] = slug
    env.filters["count"] = small_count
    # A JSON string is a YAML scalar. HTML-escaped first: mkdocs puts a page's title into <title> and the
    # header as raw HTML, so a program titled «<script>…» would otherwise run in every visitor's browser.
    env.filters["yaml"] = lambda v: json.dumps(html.escape(str(v), quote=False), ensure_ascii=False)
    env.filters["html"] = lambda v: html.escape("" if v is None else str(v), quote=True)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
