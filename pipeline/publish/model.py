"""What the public site is built from: the region, the date, and per plan year the public frames by name."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.config import RegionConfig

# Frames the site shows (columns as contracts.md lists them); a section whose frames are absent is not generated.
KNOWN_FRAMES = (
    "catalog",
    "schedule",
    "schedule_status",
    "providers_public",
    "municipality_stats",
    "monitoring",
    "monitoring_municipality",
    "report_status",
    "assignment",
    "demand_and_capacity",
    "submissions",
    "organisations",
    "municipal_operators",
    "group_municipalities",
    "placement",
)


@dataclass(frozen=True)
class SiteModel:
    """Everything a build of the public site reads; frames must already be public (no personal columns)."""

    config: RegionConfig
    as_of: date
    plan_years: tuple[int, ...]
    frames: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)
    templates_dir: Path | None = None
    # the open data (JSON records by resource name) of the site this build replaces, per plan year
    previous: dict[int, dict[str, list[dict]]] = field(default_factory=dict)

    def frames_of(self, year: int) -> dict[str, pd.DataFrame]:
        return self.frames.get(year, {})

    @property
    def latest_year(self) -> int:
        return max(self.plan_years)


@dataclass(frozen=True)
class YearView:
    """One plan year's slice of the model, as every page generator receives it."""

    model: SiteModel
    year: int
    frames: dict[str, pd.DataFrame]

    @property
    def config(self) -> RegionConfig:
        return self.model.config

    def has(self, *names: str) -> bool:
        return all(name in self.frames for name in names)

    def frame(self, name: str) -> pd.DataFrame | None:
        return self.frames.get(name)

    @property
    def threshold(self) -> int:
        return self.config.small_count_threshold
