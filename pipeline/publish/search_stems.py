"""Russian search: the built search index gets a «stems» field of Snowball stems for every page section."""

import hashlib
import html
import json
import re
from functools import cache
from pathlib import Path

import snowballstemmer

from pipeline.memo import Memo

WORD = re.compile(r"[0-9a-zа-яё]+")
TAG = re.compile(r"<[^>]+>")


@cache
def _stemmer():
    return snowballstemmer.stemmer("russian")


# A site repeats a few thousand words hundreds of thousands of times: each is stemmed once, and the stems of
# the words and of the search sections seen are kept between runs (a worker building one year starts with them).
KNOWN = "the stems of the words and texts seen"
_STEMS: dict[str, str] = {}
_TEXTS: dict[bytes, str] = {}  # a section's text's digest -> its stems: runs and years share most sections


def stems_memo() -> Memo:
    return Memo("search-stems", ("pipeline/publish/search_stems.py",), ("snowballstemmer",))


def _stem(word: str) -> str:
    stem = _STEMS.get(word)
    if stem is None:
        stem = _STEMS[word] = _stemmer().stemWord(word)
    return stem


def stems_of(text: str) -> str:
    """Distinct stems of the text's words in order of first appearance; the browser stems queries alike."""
    words = dict.fromkeys(WORD.findall(html.unescape(TAG.sub(" ", text)).lower()))
    return " ".join(dict.fromkeys(_stem(word) for word in words))


def add_stems(site_dir: Path) -> None:
    """Adds the «stems» field to site_dir/search/search_index.json, keeping the file deterministic."""
    memo = stems_memo()
    if not _STEMS:
        kept = memo.recall(KNOWN)[1] or ({}, {})
        _STEMS.update(kept[0])
        _TEXTS.update(kept[1])
    known = len(_STEMS), len(_TEXTS)
    path = site_dir / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    index["config"]["fields"]["stems"] = {"boost": 10.0}
    for doc in index["docs"]:
        text = f"{doc.get('title', '')} {doc.get('text', '')}"
        digest = hashlib.sha256(text.encode()).digest()
        stems = _TEXTS.get(digest)
        if stems is None:
            stems = _TEXTS[digest] = stems_of(text)
        doc["stems"] = stems
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if (len(_STEMS), len(_TEXTS)) != known:
        memo.keep(KNOWN, (_STEMS, _TEXTS))
