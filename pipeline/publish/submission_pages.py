"""Submission status: who has sent what, how many rows were accepted or refused, on time or late."""

import pandas as pd

from pipeline.publish.model import YearView
from pipeline.publish.render import render


def timeliness(row) -> str:
    if pd.isna(row.deadline):
        return "срока нет"
    return "с опозданием" if bool(row.late) else "в срок"


def kind_summary(submissions: pd.DataFrame) -> pd.DataFrame:
    """Per kind of submission: files, logins, in time, late, rows accepted and refused."""
    frame = submissions.assign(
        on_time=~submissions["late"].astype(bool) & submissions["deadline"].notna(),
        is_late=submissions["late"].astype(bool),
    )
    return (
        frame.groupby("kind_title", as_index=False)
        .agg(
            files=("file", "size"),
            logins=("login", "nunique"),
            on_time=("on_time", "sum"),
            late=("is_late", "sum"),
            accepted=("accepted", "sum"),
            refused=("refused", "sum"),
        )
        .sort_values("kind_title", kind="stable")
    )


def submission_rows(submissions: pd.DataFrame) -> list[dict]:
    ordered = submissions.sort_values(["login", "submitted", "file"], kind="stable")
    return [
        dict(
            row._asdict(),
            timeliness=timeliness(row),
            quarter_text="" if pd.isna(row.quarter) else str(row.quarter),
        )
        for row in ordered.itertuples()
    ]


def submission_pages(view: YearView) -> dict[str, str]:
    """The summary over the region, then a page of files per municipal formation: one school's upload changes
    its municipality's page and the summary, not one page listing every file of the region."""
    submissions = view.frames["submissions"]
    rows = submission_rows(submissions)
    municipality_of = login_municipalities(view)
    mine: dict[str, list[dict]] = {m.code: [] for m in view.config.municipalities}
    regional = []
    for row in rows:
        codes = [code for code in municipality_of.get(row["login"], ()) if code in mine]
        for code in codes:
            mine[code].append(row)
        if not codes:
            regional.append(row)
    pages = {
        "submissions/index.md": render(
            "submissions.md.j2",
            year=view.year,
            summary=list(kind_summary(submissions).itertuples()),
            municipalities=[(m, municipality_summary(mine[m.code])) for m in view.config.municipalities],
            rows=regional,
            logins=submissions["login"].nunique(),
        )
    }
    for m in view.config.municipalities:
        pages[f"submissions/{m.code}.md"] = render(
            "submissions_municipality.md.j2", year=view.year, m=m, rows=mine[m.code]
        )
    return pages


def login_municipalities(view: YearView) -> dict[str, list[str]]:
    """The municipalities of each organisation's and municipal operator's login (one, unless the registries
    disagree)."""
    found: dict[str, list[str]] = {}
    for name in ("organisations", "municipal_operators"):
        frame = view.frame(name)
        if frame is not None:
            for municipality, login in zip(frame["municipality"].astype(str), frame["login"], strict=True):
                if not pd.isna(login) and municipality not in found.get(login, ()):
                    found.setdefault(login, []).append(municipality)
    return found


def municipality_summary(rows: list[dict]) -> dict[str, int]:
    return {
        "logins": len({r["login"] for r in rows}),
        "files": len(rows),
        "on_time": sum(r["timeliness"] == "в срок" for r in rows),
        "late": sum(r["timeliness"] == "с опозданием" for r in rows),
        "accepted": sum(_count(r["accepted"]) for r in rows),
        "refused": sum(_count(r["refused"]) for r in rows),
    }


def _count(value: object) -> int:
    return 0 if pd.isna(value) else int(value)
