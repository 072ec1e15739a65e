"""Finding submissions under inputs/ and telling from each path who sent what, for which period, and when."""

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pipeline import paths
from pipeline.issues import IssueLog, suggestion_text
from schemas.kinds import KINDS, SubmissionKind
from schemas.parse import fold

DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[\s_]+")
YEAR_TOKEN = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
QUARTER_TOKEN = re.compile(
    r"(?<![\w])(?:([1-4])\s*-?\s*(?:кв\.?|квартал)|q([1-4])|(i{1,3}|iv)\s*(?:кв\.?|квартал))(?![\w])"
)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class Submission:
    """One file of one operator, with what its path says about it."""

    path: Path
    name: str  # path relative to inputs/, as people see it
    login: str
    kind: SubmissionKind
    submitted: date
    plan_year: int | None
    quarter: int | None
    digest: str  # sha256 of the bytes: re-sending the same file changes nothing

    @property
    def period_key(self) -> tuple:
        return (self.login, self.kind.slug, self.plan_year, self.quarter)

    @property
    def order_key(self) -> tuple:
        """Precedence of snapshots: submission date, then file name."""
        return (self.submitted, self.path.name)


def list_input_files(inputs: Path) -> list[Path]:
    """Every file under inputs/ except the region config and hidden files, in a stable order (by the parts of
    the path: a folder's files come before those of a longer-named folder that begins alike). A link to a file is
    a file; a link to a folder is not walked into. One directory listing per folder and a system call per file
    only for a link: a country's inputs hold a hundred thousand files in tens of thousands of folders."""
    found = []
    folders = [(inputs, ())]
    while folders:
        folder, parts = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:  # gone, or not readable: nothing in it can be taken in
            continue
        for entry in listed:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((folder / name, (*parts, name)))
                elif entry.is_file() and _is_input(name, parts):
                    found.append(((*parts, name), folder, name))
            except OSError:  # gone while listed
                continue
    found.sort(key=lambda item: item[0])
    return [folder / name for _, folder, name in found]


def _is_input(name: str, parts: tuple[str, ...]) -> bool:
    if name.startswith((".", "~$")) or name.lower() in ("readme.md", "readme.txt"):
        return False
    return bool(parts) or name != paths.REGION_CONFIG_NAME


class Places:
    """The inputs folder and the files' folders, each resolved once. resolve() costs a system call per component
    of the path, and a country's inputs hold tens of thousands of folders: a folder that is not a link is
    resolved as its resolved parent and its name."""

    def __init__(self, inputs: Path):
        self.inputs = inputs
        self.root = inputs.resolve()
        self._folders: dict[Path, Path] = {inputs: self.root}

    def real(self, path: Path) -> Path:
        """path.resolve(), with the folder's resolution reused (a link itself is followed wherever it goes)."""
        if path.is_symlink():
            return path.resolve()
        return self._folder(path.parent) / path.name

    def _folder(self, folder: Path) -> Path:
        found = self._folders.get(folder)
        if found is None:
            parent = folder.parent
            plain = parent != folder and folder.name not in ("", ".", "..") and not folder.is_symlink()
            found = self._folder(parent) / folder.name if plain else folder.resolve()
            self._folders[folder] = found
        return found


def describe(
    path: Path,
    inputs: Path,
    plan_years: tuple[int, ...],
    log: IssueLog,
    login: str | None = None,
    places: Places | None = None,
) -> Submission | None:
    """What the file's place and name say; None (and an issue) when that cannot be told. `places` carries
    the folders already resolved when many files are described."""
    places = places or Places(inputs)
    try:
        relative = places.real(path).relative_to(places.root)
        name = relative.as_posix()
    except ValueError:
        relative, name = None, path.name
    if login is None:
        if relative is None or len(relative.parts) != 2:
            log.add("file_outside_folder", file=name, value=name)
            return None
        login = relative.parts[0]
    if path.suffix.lower() not in paths.SPREADSHEET_SUFFIXES:
        log.add(
            "file_format_unsupported",
            file=name,
            login=login,
            value=f"расширение «{path.suffix or 'нет'}», ожидается .xlsx, .xlsm, .xls или .ods",
        )
        return None
    stem = path.stem
    match = DATE_PREFIX.match(stem)
    if not match:
        log.add("file_date_missing", file=name, login=login, value=path.name)
        return None
    try:
        submitted = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        log.add("file_date_invalid", file=name, login=login, value=match.group(0).strip())
        return None
    rest = fold(stem[match.end() :].replace("_", " "))
    quarter = _quarter(rest)
    rest_no_quarter = QUARTER_TOKEN.sub(" ", rest)
    years = YEAR_TOKEN.findall(rest_no_quarter)
    words = fold(YEAR_TOKEN.sub(" ", rest_no_quarter))
    kind = _kind(words)
    if kind is None:
        known = [k.file_word for k in KINDS]
        import difflib

        close = difflib.get_close_matches(words, known, n=1, cutoff=0.5)
        log.add(
            "file_kind_unknown",
            file=name,
            login=login,
            value=path.name,
            suggestion=suggestion_text(close[0] if close else None),
            expected="; ".join(known),
        )
        return None
    plan_year = int(years[0]) if years else None

    def period_missing(what: str) -> None:
        log.add(
            "file_period_missing",
            file=name,
            login=login,
            kind=kind.slug,
            value=path.name,
            expected=what,
            quarter_hint=_quarter_hint(kind),
        )

    if kind.period in ("year", "quarter"):
        if plan_year is None:
            period_missing("плановый год")
            return None
        if plan_year not in plan_years:
            log.add(
                "file_period_invalid",
                file=name,
                login=login,
                kind=kind.slug,
                value=plan_year,
                expected=", ".join(str(y) for y in plan_years),
            )
            return None
    else:
        plan_year = None
    if kind.period == "quarter" and quarter is None:
        period_missing("квартал")
        return None
    if kind.period != "quarter":
        quarter = None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Submission(path, name, login, kind, submitted, plan_year, quarter, digest)


def _quarter_hint(kind: SubmissionKind) -> str:
    return " и квартал (например, «1кв»)" if kind.period == "quarter" else ""


def _quarter(text: str) -> int | None:
    match = QUARTER_TOKEN.search(text)
    if not match:
        return None
    digit = match.group(1) or match.group(2)
    return int(digit) if digit else ROMAN[match.group(3)]


def _kind(words: str) -> SubmissionKind | None:
    words = words.replace("-", " ").strip()
    names, file_words = _kind_words()
    for kind, folded in names:
        if words in folded:
            return kind
    # Longer file words win over their prefixes («утверждение плана-графика» over «план-график»).
    for kind, folded in file_words:
        if folded in words:
            return kind
    return None


@cache
def _kind_words() -> tuple[tuple, tuple]:
    """Every kind's names folded once: (kind, its names) in KINDS order, (kind, file word) longest first."""
    names = tuple(
        (
            kind,
            {fold(n).replace("-", " ").replace("_", " ") for n in (kind.file_word, kind.slug, *kind.aliases)},
        )
        for kind in KINDS
    )
    longest = sorted(KINDS, key=lambda k: -len(k.file_word))
    return names, tuple((kind, fold(kind.file_word).replace("-", " ")) for kind in longest)
