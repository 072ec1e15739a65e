"""The region configuration: the KhMAO default, deadlines, distances, and broken files named by key."""

from datetime import date

import pytest
import yaml

from pipeline import paths
from pipeline.config import ConfigError, load_config, parse_config


def test_default_region_has_the_22_municipal_formations():
    config = load_config(paths.ROOT / "no-such-folder")
    assert len(config.municipalities) == 22
    kinds = [m.kind for m in config.municipalities]
    assert kinds.count("городской округ") == 13 and kinds.count("муниципальный район") == 9


def test_deadlines_of_the_cycle():
    config = load_config(paths.ROOT / "no-such-folder")
    assert config.deadline("catalog", 2027) == date(2026, 6, 15)
    assert config.deadline("applications", 2027) == date(2026, 10, 15)
    assert config.deadline("schedule", 2027) == date(2026, 12, 15)
    assert config.deadline("monitoring", 2027, 1) == date(2027, 4, 10)
    assert config.deadline("monitoring", 2027, 4) == date(2028, 1, 10)


def test_distance_between_surgut_and_nizhnevartovsk_is_about_170_km():
    config = load_config(paths.ROOT / "no-such-folder")
    surgut = next(m.code for m in config.municipalities if m.name == "Сургут")
    nv = next(m.code for m in config.municipalities if m.name == "Нижневартовск")
    assert 150 < config.distance_km(surgut, nv) < 200


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda c: c["deadlines"].update(applications="31.02"), "deadlines.applications"),
        (lambda c: c["regional_operator"].pop("login"), "regional_operator.login"),
        (lambda c: c["municipalities"][3].update(kind="город"), "municipalities[3].kind"),
        (lambda c: c.pop("region"), "region"),
        (lambda c: c.update(plan_years="2027"), "plan_years"),
    ],
)
def test_broken_config_names_the_key(mutate, key):
    raw = yaml.safe_load(paths.DEFAULT_REGION_CONFIG.read_text(encoding="utf-8"))
    mutate(raw)
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    assert f"«{key}»" in str(error.value)
