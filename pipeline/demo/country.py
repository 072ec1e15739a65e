"""A synthetic country-sized region configuration: about 1,870 municipal formations with 4-digit codes, in
synthetic subjects of the federation of SUBJECT_SIZE municipalities each (consecutive codes)."""

import random

ROOTS = (
    "Берёз Зареч Север Лесн Озёр Степн Горн Речн Солнеч Светл Кедр Сосн Заволж Приокск Прибреж Дальн Луг Ключев "
    "Камен Полев Боров Криволук Верхн Нижн Красн Белогор Черноречен Новосёл Староселен Высок Широк Тих Ясн "
    "Холмогор Ручьёв Липов Дубров Ольхов Рябинов Яблонев Малинов Калинов Журавл Лебяж Соколов Орлов Медвеж"
).split()


SUBJECT_SIZE = 22  # 1,870 municipalities in 85 subjects


def subject_of(municipality_code: str) -> int:
    """The synthetic subject a municipality of the country belongs to. Its providers, their programs' places
    and the teachers who apply to them stay within it: each subject runs its own cycle, as each region runs
    its own ASUPK, and so a program's applicants come from a subject's towns, not from across the country."""
    return (int(municipality_code) - 1) // SUBJECT_SIZE


def synthetic_country(rng: random.Random, municipalities: int = 1870) -> dict:
    """The raw YAML content of a Russia-sized configuration: one plan year, synthetic municipalities."""
    rows = []
    for i in range(1, municipalities + 1):
        root = ROOTS[(i * 7) % len(ROOTS)]
        city = rng.random() < 0.3
        name = f"{root}ый {'городской округ' if city else 'район'} № {i}"
        rows.append(
            {
                "code": f"{i:04d}",
                "name": name,
                "kind": "городской округ" if city else "муниципальный район",
                "centre": f"{root}ый",
                "lat": round(rng.uniform(43.0, 70.0), 4),
                "lon": round(rng.uniform(28.0, 170.0), 4),
                "population": rng.randint(8000, 400000),
            }
        )
    return {
        "region": {
            "code": "00",
            "name": "Российская Федерация (синтетический набор)",
            "short_name": "РФ (синт.)",
        },
        "regional_operator": {"login": "iro", "name": "Федеральный оператор АСУПК (синтетический)"},
        "plan_years": [2027],
        "deadlines": {"catalog": "15.06", "applications": "15.10", "schedule": "15.12", "monitoring_day": 10},
        "closed_periods": [
            {"from": "01.01", "to": "08.01", "name": "новогодние каникулы"},
            {"from": "01.05", "to": "11.05", "name": "майские праздники"},
            {"from": "15.07", "to": "15.08", "name": "период отпусков"},
        ],
        "training_interval_years": 3,
        "small_count_threshold": 5,
        "municipalities": rows,
    }
