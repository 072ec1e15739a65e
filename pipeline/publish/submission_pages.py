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
    submissions = view.frames["submissions"]
    return {
        "submissions/index.md": render(
            "submissions.md.j2",
            year=view.year,
            summary=list(kind_summary(submissions).itertuples()),
            rows=submission_rows(submissions),
            logins=submissions["login"].nunique(),
        )
    }
