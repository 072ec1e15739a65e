"""Russian search: the built search index gets a «stems» field of Snowball stems for every page section."""

import html
import json
import re
from functools import cache
from pathlib import Path

import snowballstemmer

WORD = re.compile(r"[0-9a-zа-яё]+")
TAG = re.compile(r"<[^>]+>")


@cache
def _stemmer():
    return snowballstemmer.stemmer("russian")


@cache
def _stem(word: str) -> str:
    """A site repeats a few thousand words hundreds of thousands of times: each is stemmed once."""
    return _stemmer().stemWord(word)


def stems_of(text: str) -> str:
    """Distinct stems of the text's words in order of first appearance; the browser stems queries alike."""
    words = dict.fromkeys(WORD.findall(html.unescape(TAG.sub(" ", text)).lower()))
    return " ".join(dict.fromkeys(_stem(word) for word in words))


def add_stems(site_dir: Path) -> None:
    """Adds the «stems» field to site_dir/search/search_index.json, keeping the file deterministic."""
    path = site_dir / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    index["config"]["fields"]["stems"] = {"boost": 10.0}
    for doc in index["docs"]:
        doc["stems"] = stems_of(f"{doc.get('title', '')} {doc.get('text', '')}")
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
