"""A seeded demo region: every level's submissions for plan years 2025–2027, with a few planted mistakes."""

from pipeline.demo.generate import DemoSummary, generate_demo, generate_demo_cli
from pipeline.demo.mistakes import PlantedMistake

__all__ = ["DemoSummary", "PlantedMistake", "generate_demo", "generate_demo_cli"]
