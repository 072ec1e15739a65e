"""The key figures of a plan year, as plain counts: the home page shows them, open data publishes them."""

import pandas as pd

from pipeline.publish.model import YearView


def key_figures(view: YearView) -> pd.DataFrame:
    """indicator (Russian label), value (int); only figures whose frames this year has."""
    rows: list[tuple[str, int]] = [("Муниципальных образований", len(view.config.municipalities))]
    catalog = view.frame("catalog")
    if catalog is not None:
        rows.append(("Программ в каталоге", len(catalog)))
        rows.append(("Операторов ПК с программами", catalog["provider_code"].nunique()))
    stats = view.frame("municipality_stats")
    if stats is not None:
        rows.append(("Образовательных организаций", int(stats["organisations"].sum())))
        rows.append(("Педагогических работников", int(stats["staff"].sum())))
        rows.append(("Педагогов, которым подошёл срок ПК", int(stats["due"].sum())))
        rows.append(("Заявок педагогов", int(stats["applications"].sum())))
    schedule = view.frame("schedule")
    if schedule is not None:
        rows.append(("Учебных групп в плане-графике", len(schedule)))
        rows.append(("Мест в группах", int(schedule["capacity"].fillna(0).sum())))
        rows.append(("Слушателей в группах", int(schedule["listeners"].fillna(0).sum())))
    placement = view.frame("placement")
    if placement is not None:
        rows.append(("Заявок без места в группах", int(placement["unplaced"].sum())))
    monitoring = view.frame("monitoring")
    if monitoring is not None:
        rows.append(("Групп проведено", int(monitoring["groups_held"].sum())))
        rows.append(("Слушателей обучено", int(monitoring["listeners_trained"].sum())))
    return pd.DataFrame(rows, columns=["indicator", "value"]).astype({"value": "int64"})
