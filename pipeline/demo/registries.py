"""Who is who in the demo region: municipal operators, providers of ПК and educational organisations."""

import random
from dataclasses import dataclass

from pipeline.config import Municipality, RegionConfig
from pipeline.demo.people import full_name, phone, translit

# KhMAO-Yugra: settlements (prefix, name, postcode) of each municipal formation, its phone code and the
# education authority. Codes follow pipeline/defaults/region-khmao.yaml.
GEOGRAPHY = {
    "01": ("34667", "Управление образования Администрации города Когалыма", [("г.", "Когалым", "628481")]),
    "02": (
        "34669",
        "Управление образования и молодёжной политики администрации города Лангепаса",
        [("г.", "Лангепас", "628672")],
    ),
    "03": (
        "34643",
        "Департамент образования администрации города Мегиона",
        [("г.", "Мегион", "628680"), ("пгт", "Высокий", "628690")],
    ),
    "04": (
        "3463",
        "Департамент образования Администрации города Нефтеюганска",
        [("г.", "Нефтеюганск", "628300")],
    ),
    "05": (
        "3466",
        "Департамент образования администрации города Нижневартовска",
        [("г.", "Нижневартовск", "628600")],
    ),
    "06": ("34672", "Управление образования администрации города Нягани", [("г.", "Нягань", "628181")]),
    "07": ("34669", "Управление образования администрации города Покачи", [("г.", "Покачи", "628661")]),
    "08": ("3463", "Отдел по образованию администрации города Пыть-Яха", [("г.", "Пыть-Ях", "628380")]),
    "09": ("34668", "Управление образования администрации города Радужный", [("г.", "Радужный", "628461")]),
    "10": ("3462", "Департамент образования Администрации города Сургута", [("г.", "Сургут", "628400")]),
    "11": ("34676", "Управление образования администрации города Урай", [("г.", "Урай", "628285")]),
    "12": (
        "3467",
        "Департамент образования Администрации города Ханты-Мансийска",
        [("г.", "Ханты-Мансийск", "628011")],
    ),
    "13": ("34675", "Управление образования администрации города Югорска", [("г.", "Югорск", "628260")]),
    "14": (
        "34670",
        "Комитет по образованию администрации Белоярского района",
        [("г.", "Белоярский", "628162"), ("с.", "Казым", "628174"), ("п.", "Сосновка", "628169")],
    ),
    "15": (
        "34674",
        "Комитет образования администрации Берёзовского района",
        [("пгт", "Берёзово", "628140"), ("пгт", "Игрим", "628146"), ("с.", "Саранпауль", "628148")],
    ),
    "16": (
        "34677",
        "Управление образования администрации Кондинского района",
        [("пгт", "Междуреченский", "628200"), ("пгт", "Кондинское", "628210"), ("пгт", "Луговой", "628205")],
    ),
    "17": (
        "3463",
        "Департамент образования Нефтеюганского района",
        [("пгт", "Пойковский", "628331"), ("с.", "Салым", "628327"), ("п.", "Сингапай", "628320")],
    ),
    "18": (
        "3466",
        "Управление образования администрации Нижневартовского района",
        [("пгт", "Излучинск", "628634"), ("пгт", "Новоаганск", "628647"), ("с.", "Покур", "628630")],
    ),
    "19": (
        "34678",
        "Управление образования администрации Октябрьского района",
        [("пгт", "Октябрьское", "628100"), ("пгт", "Андра", "628125"), ("п.", "Унъюган", "628128")],
    ),
    "20": (
        "34675",
        "Управление образования администрации Советского района",
        [("г.", "Советский", "628240"), ("пгт", "Пионерский", "628250"), ("пгт", "Зеленоборск", "628256")],
    ),
    "21": (
        "3462",
        "Департамент образования Сургутского района",
        [("г.", "Лянтор", "628449"), ("пгт", "Фёдоровский", "628456"), ("пгт", "Белый Яр", "628433")],
    ),
    "22": (
        "3467",
        "Комитет по образованию администрации Ханты-Мансийского района",
        [("п.", "Горноправдинск", "628520"), ("с.", "Селиярово", "628504"), ("п.", "Кедровый", "628544")],
    ),
}

STREETS = (
    "ул. Ленина",
    "ул. Мира",
    "ул. Молодёжная",
    "ул. Школьная",
    "ул. Советская",
    "ул. Гагарина",
    "ул. Нефтяников",
    "ул. Строителей",
    "ул. Энергетиков",
    "ул. Комсомольская",
    "ул. Северная",
    "ул. Пионерская",
    "ул. 60 лет Октября",
    "ул. Юбилейная",
    "ул. Набережная",
    "ул. Губкина",
    "ул. Дружбы Народов",
    "ул. Профсоюзов",
    "пр. Победы",
    "ул. Чехова",
    "ул. Геологов",
    "ул. Кедровая",
    "ул. Сибирская",
    "мкр. 7-й",
)

# Providers of the KhMAO demo: code, full name, municipality code. The first five are the demo scale.
KHMAO_PROVIDERS = (
    ("ИРО", "АУ ДПО ХМАО – Югры «Институт развития образования»", "12"),
    ("СУРГУ", "БУ ВО ХМАО – Югры «Сургутский государственный университет»", "10"),
    ("СУРГПУ", "БУ ВО ХМАО – Югры «Сургутский государственный педагогический университет»", "10"),
    ("НВГУ", "ФГБОУ ВО «Нижневартовский государственный университет»", "05"),
    ("ЮГУ", "ФГБОУ ВО «Югорский государственный университет»", "12"),
    ("СПК", "БУ ХМАО – Югры «Сургутский политехнический колледж»", "10"),
    ("НСГК", "БУ ХМАО – Югры «Нижневартовский социально-гуманитарный колледж»", "05"),
    ("ХМТПК", "БУ ХМАО – Югры «Ханты-Мансийский технолого-педагогический колледж»", "12"),
    ("СКРК", "БУ ХМАО – Югры «Сургутский колледж русской культуры им. А. С. Знаменского»", "10"),
    ("ЮПК", "БУ ХМАО – Югры «Югорский политехнический колледж»", "13"),
    ("НТК", "БУ ХМАО – Югры «Няганский технологический колледж»", "06"),
    ("БПК", "БУ ХМАО – Югры «Белоярский политехнический колледж»", "14"),
    ("КПК", "БУ ХМАО – Югры «Когалымский политехнический колледж»", "01"),
    ("МПК", "БУ ХМАО – Югры «Мегионский политехнический колледж»", "03"),
    ("НПК", "БУ ХМАО – Югры «Нефтеюганский политехнический колледж»", "04"),
    ("ЛПК", "БУ ХМАО – Югры «Лангепасский политехнический колледж»", "02"),
    ("СОВПК", "БУ ХМАО – Югры «Советский политехнический колледж»", "20"),
    ("РПК", "БУ ХМАО – Югры «Радужнинский политехнический колледж»", "09"),
    ("УПК", "БУ ХМАО – Югры «Урайский политехнический колледж»", "11"),
    ("НСК", "БУ ХМАО – Югры «Нижневартовский строительный колледж»", "05"),
    ("ЦИДС", "БУ ХМАО – Югры «Колледж-интернат Центр искусств для одарённых детей Севера»", "12"),
)
TRAINING_CENTRES = (
    "Развитие Перспектива Компетенция Профи Эрудит Горизонт Вектор Импульс Лидер Траектория Открытие Мастер "
    "Навигатор Сфера Созвездие Прогресс Успех Знание Ресурс Основа Диалог Кругозор Меридиан Академия"
).split()

SCHOOL, PRESCHOOL, ADDITIONAL, COLLEGE = (
    "общеобразовательная организация",
    "дошкольная образовательная организация",
    "организация дополнительного образования",
    "профессиональная образовательная организация",
)
KINDERGARTEN_NAMES = (
    "Солнышко Ромашка Берёзка Сказка Радуга Теремок Колокольчик Улыбка Светлячок Снегирёк Северяночка "
    "Журавушка Белочка Ёлочка Капелька Семицветик Родничок Золушка Медвежонок Росинка Звёздочка Буратино "
    "Аистёнок Дюймовочка Лесная сказка"
).split()
ADDITIONAL_KINDS = (
    ("Центр дополнительного образования «Поиск»", "ЦДО «Поиск»"),
    ("Дом детского творчества", "ДДТ"),
    ("Детско-юношеская спортивная школа", "ДЮСШ"),
    ("Детская школа искусств", "ДШИ"),
    ("Центр детского творчества", "ЦДТ"),
    ("Станция юных техников", "СЮТ"),
)
REGIONAL_ORGANISATIONS = (
    ("Югорский физико-математический лицей-интернат", "ЮФМЛ", SCHOOL, "12"),
    ("Сургутский политехнический колледж", "СПК", COLLEGE, "10"),
    ("Школа-интернат для обучающихся с ограниченными возможностями здоровья", "ШИ ОВЗ", SCHOOL, "05"),
    ("Нижневартовский социально-гуманитарный колледж", "НСГК", COLLEGE, "05"),
    ("Ханты-Мансийский технолого-педагогический колледж", "ХМТПК", COLLEGE, "12"),
    ("Югорский политехнический колледж", "ЮПК", COLLEGE, "13"),
    ("Няганский технологический колледж", "НТК", COLLEGE, "06"),
    ("Белоярский политехнический колледж", "БПК", COLLEGE, "14"),
    ("Когалымский политехнический колледж", "КПК", COLLEGE, "01"),
    ("Мегионский политехнический колледж", "МПК", COLLEGE, "03"),
    ("Нефтеюганский политехнический колледж", "НПК", COLLEGE, "04"),
    ("Лангепасский политехнический колледж", "ЛПК", COLLEGE, "02"),
    ("Советский политехнический колледж", "СОВПК", COLLEGE, "20"),
    ("Радужнинский политехнический колледж", "РПК", COLLEGE, "09"),
    ("Урайский политехнический колледж", "УПК", COLLEGE, "11"),
    ("Нижневартовский строительный колледж", "НСК", COLLEGE, "05"),
    ("Кадетская школа-интернат имени Г. К. Жукова", "КШИ", SCHOOL, "12"),
    ("Сургутский колледж русской культуры им. А. С. Знаменского", "СКРК", COLLEGE, "10"),
    ("Колледж-интернат Центр искусств для одарённых детей Севера", "ЦИДС", COLLEGE, "12"),
    ("Школа-интернат для детей с нарушениями зрения", "ШИ НЗ", SCHOOL, "10"),
    ("Лицей-интернат для одарённых детей", "ЛИОД", SCHOOL, "10"),
    ("Межшкольный учебный комбинат", "МУК", SCHOOL, "05"),
    ("Югорский колледж-интернат олимпийского резерва", "ЮКИОР", COLLEGE, "12"),
    ("Школа-интернат среднего общего образования", "ШИ СОО", SCHOOL, "19"),
    ("Центр психолого-педагогической помощи «Доверие»", "ЦППП", SCHOOL, "10"),
    ("Специальная школа-интернат № 2", "СШИ № 2", SCHOOL, "05"),
    ("Учебно-методический центр культуры", "УМЦ", COLLEGE, "12"),
    ("Нефтеюганский индустриальный колледж", "НИК", COLLEGE, "04"),
)


@dataclass
class Organisation:
    code: str
    name: str
    short_name: str
    org_type: str
    municipality: Municipality
    address: str
    responsible: str
    position: str
    phone: str
    email: str
    regional: bool = False

    @property
    def login(self) -> str:
        return f"oo-{self.code}"


@dataclass
class ProviderInfo:
    code: str
    name: str
    municipality: Municipality
    address: str
    login: str
    row: dict


class Geography:
    """Addresses, phones and authorities of a region's municipalities (synthetic where the region is)."""

    def __init__(self, config: RegionConfig):
        self.config = config

    def entry(self, muni: Municipality):
        if muni.code in GEOGRAPHY and muni.name in _KHMAO_NAMES:
            return GEOGRAPHY[muni.code]
        postcode = f"{(int(muni.code) * 37) % 900 + 100}{int(muni.code) % 1000:03d}"
        settlement = muni.centre.removesuffix(" район")
        authority = f"Управление образования администрации муниципального образования «{muni.name}»"
        return ("3" + muni.code[-3:].rjust(3, "4"), authority, [("г.", settlement, postcode)])

    def phone_code(self, muni: Municipality) -> str:
        return self.entry(muni)[0]

    def authority(self, muni: Municipality) -> str:
        return self.entry(muni)[1]

    def address(self, rng: random.Random, muni: Municipality, main: bool = False) -> str:
        settlements = self.entry(muni)[2]
        prefix, name, postcode = settlements[0] if main or rng.random() < 0.6 else rng.choice(settlements)
        return f"{postcode}, {prefix} {name}, {rng.choice(STREETS)}, {rng.randint(1, 60)}"


_KHMAO_NAMES = {
    "Когалым Лангепас Мегион Нефтеюганск Нижневартовск Нягань Покачи Пыть-Ях Радужный Сургут Урай "
    "Ханты-Мансийск Югорск".split()[i]
    for i in range(13)
} | {
    "Белоярский район",
    "Берёзовский район",
    "Кондинский район",
    "Нефтеюганский район",
    "Нижневартовский район",
    "Октябрьский район",
    "Советский район",
    "Сургутский район",
    "Ханты-Мансийский район",
}


def municipal_operator_login(muni: Municipality) -> str:
    return "uo-" + translit(muni.name.replace(" район", " r-n"))[:36]


def municipal_operators(rng: random.Random, geo: Geography) -> list[dict]:
    rows = []
    for muni in geo.config.municipalities:
        login = municipal_operator_login(muni)
        rows.append(
            {
                "municipality": muni.name,
                "institution": geo.authority(muni),
                "responsible_name": full_name(rng),
                "position": rng.choice(("главный специалист", "начальник отдела", "ведущий специалист")),
                "phone": phone(rng, geo.phone_code(muni)),
                "email": f"{login.removeprefix('uo-')}.edu@admhmao-demo.ru",
                "login": login,
            }
        )
    return rows


def providers(rng: random.Random, geo: Geography, count: int) -> list[ProviderInfo]:
    """The region's providers of ПК: universities and the institute first, then colleges and centres."""
    by_code = geo.config.municipality_by_code
    munis = list(geo.config.municipalities)
    entries = [(c, n, by_code[m]) for c, n, m in KHMAO_PROVIDERS if m in by_code]
    if len(entries) < len(KHMAO_PROVIDERS):  # a synthetic region: institutes and centres of its own
        entries = [
            (f"ИРО{i:02d}", f"АУ ДПО «Институт развития образования № {i}»", munis[i % len(munis)])
            for i in range(1, 4)
        ]
    centre = 0
    while len(entries) < count:
        word = TRAINING_CENTRES[centre % len(TRAINING_CENTRES)]
        suffix = "" if centre < len(TRAINING_CENTRES) else str(centre // len(TRAINING_CENTRES) + 1)
        code = (word.upper()[:8] + suffix)[:12]
        entries.append(
            (code, f"АНО ДПО «Учебный центр «{word}{suffix and ' ' + suffix}»»", rng.choice(munis))
        )
        centre += 1
    result = []
    for code, name, muni in entries[:count]:
        login = "pk-" + translit(code)
        address = geo.address(rng, muni, main=True)
        indefinite = rng.random() < 0.85
        row = {
            "provider_code": code,
            "name": name,
            "legal_address": address,
            "actual_address": address if rng.random() < 0.7 else geo.address(rng, muni, main=True),
            "municipality": muni.name,
            "responsible_name": full_name(rng),
            "position": rng.choice(("проректор по ДПО", "начальник центра ДПО", "заместитель директора")),
            "phone": phone(rng, geo.phone_code(muni)),
            "email": f"dpo@{translit(code)}-demo.ru",
            "login": login,
            "licence_number": f"Л035-01{rng.randint(100, 999)}-86/00{rng.randint(100000, 999999)}",
            "licence_date": _date(rng, 2012, 2022),
            "licence_valid_until": "бессрочно" if indefinite else _date(rng, 2030, 2034),
        }
        result.append(ProviderInfo(code, name, muni, address, login, row))
    return result


def _date(rng: random.Random, first_year: int, last_year: int):
    import datetime as dt

    return dt.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def allocate(total: int, weights: list[int], minimum: int = 1) -> list[int]:
    """Split a total in proportion to weights (largest remainder), at least `minimum` each."""
    base = total - minimum * len(weights)
    whole = sum(weights) or 1
    shares = [base * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: base - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


def municipal_organisations(
    rng: random.Random, geo: Geography, muni: Municipality, count: int, mix: tuple[float, float]
) -> list[Organisation]:
    """A municipality's schools, kindergartens and centres of additional education."""
    schools = max(1, round(count * mix[0]))
    preschools = min(count - schools, round(count * mix[1]))
    additional = count - schools - preschools
    orgs = []
    numbers = sorted(rng.sample(range(1, 60), min(59, max(schools, preschools))))
    for i in range(schools):
        n = numbers[i] if i < len(numbers) else 60 + i
        form = rng.choice(("бюджетное", "автономное"))
        kind, short = rng.choices(
            (
                ("Средняя общеобразовательная школа", "СОШ"),
                ("Гимназия", "Гимназия"),
                ("Лицей", "Лицей"),
                ("Основная общеобразовательная школа", "ООШ"),
            ),
            (10, 2, 1, 1),
        )[0]
        orgs.append(
            _organisation(
                rng,
                geo,
                muni,
                f"{muni.code}{i + 1:04d}",
                SCHOOL,
                f"Муниципальное {form} общеобразовательное учреждение «{kind} № {n}»",
                f"М{form[0].upper()}ОУ {short} № {n}",
            )
        )
    names = rng.sample(KINDERGARTEN_NAMES, min(len(KINDERGARTEN_NAMES), max(preschools, 1)))
    for i in range(preschools):
        n = numbers[i] if i < len(numbers) else 60 + i
        title = names[i % len(names)]
        form = rng.choice(("бюджетное", "автономное"))
        orgs.append(
            _organisation(
                rng,
                geo,
                muni,
                f"{muni.code}{2001 + i:04d}",
                PRESCHOOL,
                f"Муниципальное {form} дошкольное образовательное учреждение «Детский сад № {n} «{title}»»",
                f"М{form[0].upper()}ДОУ ДС № {n} «{title}»",
            )
        )
    for i in range(additional):
        kind, short = ADDITIONAL_KINDS[i % len(ADDITIONAL_KINDS)]
        if i >= len(ADDITIONAL_KINDS):
            kind, short = (
                f"{kind} № {i // len(ADDITIONAL_KINDS) + 1}",
                f"{short} № {i // len(ADDITIONAL_KINDS) + 1}",
            )
        form = rng.choice(("бюджетное", "автономное"))
        orgs.append(
            _organisation(
                rng,
                geo,
                muni,
                f"{muni.code}{5001 + i:04d}",
                ADDITIONAL,
                f"Муниципальное {form} учреждение дополнительного образования «{kind}»",
                f"М{form[0].upper()}У ДО {short}",
            )
        )
    return orgs


def regional_organisations(rng: random.Random, geo: Geography, count: int) -> list[Organisation]:
    by_code = geo.config.municipality_by_code
    orgs = []
    seq: dict[str, int] = {}
    for name, short, org_type, muni_code in REGIONAL_ORGANISATIONS[:count]:
        if muni_code not in by_code:
            continue
        muni = by_code[muni_code]
        seq[muni_code] = seq.get(muni_code, 0) + 1
        prefix = (
            ("БУ", "бюджетное учреждение профессионального образования")
            if org_type == COLLEGE
            else ("БОУ", "бюджетное общеобразовательное учреждение")
        )
        orgs.append(
            _organisation(
                rng,
                geo,
                muni,
                f"{muni_code}{9000 + seq[muni_code]:04d}",
                org_type,
                f"{prefix[1].capitalize()} Ханты-Мансийского автономного округа – Югры «{name}»",
                f"{prefix[0]} «{short}»",
                regional=True,
            )
        )
    return orgs


def _organisation(rng, geo, muni, code, org_type, name, short_name, regional=False) -> Organisation:
    return Organisation(
        code=code,
        name=name,
        short_name=short_name,
        org_type=org_type,
        municipality=muni,
        address=geo.address(rng, muni),
        responsible=full_name(rng),
        position=rng.choice(("заместитель директора", "методист", "заместитель заведующего", "секретарь")),
        phone=phone(rng, geo.phone_code(muni)),
        email=f"oo{code}@edu86-demo.ru",
        regional=regional,
    )


def organisation_row(org: Organisation) -> dict:
    return {
        "org_code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "org_type": org.org_type,
        "municipality": org.municipality.name,
        "address": org.address,
        "responsible_name": org.responsible,
        "position": org.position,
        "phone": org.phone,
        "email": org.email,
        "login": org.login,
    }
