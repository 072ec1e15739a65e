"""The sections of the public site in nav order: which frames each needs and which pages it writes."""

from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from types import CodeType

from pipeline.publish.catalog_pages import catalog_pages
from pipeline.publish.ci_pages import ci_pages
from pipeline.publish.figures import key_figures
from pipeline.publish.home import home_pages
from pipeline.publish.model import YearView
from pipeline.publish.monitoring_pages import monitoring_pages
from pipeline.publish.municipality_pages import municipality_pages
from pipeline.publish.open_data import open_data_pages, open_tables
from pipeline.publish.operator_help import help_pages
from pipeline.publish.provider_pages import provider_pages
from pipeline.publish.schedule_pages import schedule_pages
from pipeline.publish.section_cache import cached_section, section_memo
from pipeline.publish.submission_pages import submission_pages


@dataclass(frozen=True)
class Section:
    """A part of the site. Later stages add theirs here (schedule, providers, monitoring, open data...)."""

    title: str  # the tab's Russian title
    index: str  # the page the nav points at, relative to docs_dir
    needs: tuple[str, ...]  # frames that must exist for the section to be generated at all
    pages: Callable[[YearView], dict[str, str | bytes]]  # path under docs_dir -> markdown text or file bytes


def data_pages(view: YearView) -> dict[str, str | bytes]:
    return open_data_pages(view, open_tables(view, key_figures(view)))


SECTIONS: tuple[Section, ...] = (
    Section("Главная", "index.md", (), home_pages),
    Section("Каталог программ", "catalog/index.md", ("catalog",), catalog_pages),
    Section("План-график", "schedule/index.md", ("schedule",), schedule_pages),
    Section("Муниципалитеты", "municipalities/index.md", (), municipality_pages),
    Section("Операторы ПК", "providers/index.md", ("providers_public",), provider_pages),
    Section("Мониторинг", "monitoring/index.md", ("schedule",), monitoring_pages),
    Section("Сведения операторов", "submissions/index.md", ("submissions",), submission_pages),
    Section("Открытые данные", "data/index.md", (), data_pages),
    Section("Операторам", "help/index.md", (), help_pages),
    Section("Публикация", "ci/index.md", (), ci_pages),
)


def year_pages(view: YearView, sections: tuple[Section, ...] = SECTIONS) -> tuple[dict, list]:
    """Every page of one plan year and the nav that lists the sections present. A section whose inputs are
    those of a kept run takes its pages from the memo."""
    pages: dict[str, str | bytes] = {}
    nav = []
    memo, digests = section_memo(), {}
    for section in sections:
        if not view.has(*section.needs):
            continue
        # two lambdas of a module share a qualified name; their code tells them apart
        code = _code_digest(section.pages.__code__)
        name = f"{section.index}:{section.pages.__module__}.{section.pages.__qualname__}:{code}"
        written = cached_section(memo, name, section.pages, view, digests)
        clash = sorted(set(written) & set(pages))
        if clash:
            raise ValueError(f"section {section.title!r} overwrites pages {clash}")
        pages.update(written)
        nav.append({section.title: section.index})
    return pages, nav


def _code_digest(code: CodeType) -> str:
    """A digest of a function's code that is the same in every process (marshal's bytes are not)."""
    digest = sha256(code.co_code)
    digest.update(repr(code.co_names).encode())
    for constant in code.co_consts:
        digest.update(
            _code_digest(constant).encode() if isinstance(constant, CodeType) else repr(constant).encode()
        )
    return digest.hexdigest()
