"""Programs of ПК and retraining with plausible titles and annotations, and the yearly catalogs."""

import datetime as dt
import random
from dataclasses import dataclass

from pipeline.demo.registries import ProviderInfo

T, V, SV, PDO, PSY, LOG, DEF, SOC, ORG, MUS, PE = (
    "учитель",
    "воспитатель",
    "старший воспитатель",
    "педагог дополнительного образования",
    "педагог-психолог",
    "учитель-логопед",
    "учитель-дефектолог",
    "социальный педагог",
    "педагог-организатор",
    "музыкальный руководитель",
    "инструктор по физической культуре",
)
HEAD, DEPUTY, MET, TUT, ADV, LIB, OBZR, COACH, ACC, VOZH, LECT, MASTER, SPDO = (
    "руководитель",
    "заместитель руководителя",
    "методист",
    "тьютор",
    "советник директора по воспитанию",
    "педагог-библиотекарь",
    "преподаватель-организатор основ безопасности и защиты Родины",
    "тренер-преподаватель",
    "концертмейстер",
    "старший вожатый",
    "преподаватель",
    "мастер производственного обучения",
    "старший педагог дополнительного образования",
)

RETRAINING = "профессиональная переподготовка"
PK = "повышение квалификации"

# (title variants, audience, the topic's sentence, retraining?)
TOPICS = (
    (
        (
            "Формирование функциональной грамотности обучающихся",
            "Функциональная грамотность: читательская, математическая и естественнонаучная",
        ),
        (T, DEPUTY, MET),
        "Программа знакомит с заданиями на функциональную грамотность и приёмами их включения в урок.",
        False,
    ),
    (
        (
            "Реализация требований обновлённых ФГОС НОО и ФГОС ООО в работе учителя",
            "Федеральные рабочие программы и обновлённые ФГОС: практика учителя",
        ),
        (T, DEPUTY),
        "Рассматриваются требования обновлённых ФГОС к результатам и федеральные рабочие программы по предметам.",
        False,
    ),
    (
        (
            "Реализация федеральной образовательной программы дошкольного образования",
            "ФОП ДО: планирование образовательной деятельности в детском саду",
        ),
        (V, SV, MUS, PE, DEPUTY),
        "Слушатели разбирают содержание ФОП ДО и учатся строить на её основе рабочую программу группы.",
        False,
    ),
    (
        (
            "Инклюзивное образование детей с ограниченными возможностями здоровья",
            "Адаптированные образовательные программы для обучающихся с ОВЗ",
        ),
        (T, V, LOG, DEF, PSY, TUT, SOC),
        "Программа посвящена созданию специальных условий и разработке адаптированных программ для детей с ОВЗ.",
        False,
    ),
    (
        (
            "Цифровая образовательная среда: инструменты и сервисы для педагога",
            "Использование ФГИС «Моя школа» и цифровых сервисов в обучении",
        ),
        (T, LECT, PDO, MET),
        "Слушатели осваивают цифровые сервисы для подготовки уроков, проверки работ и обратной связи.",
        False,
    ),
    (
        (
            "Воспитательная работа и деятельность советника директора по воспитанию",
            "Рабочая программа воспитания: разработка и реализация",
        ),
        (ADV, ORG, VOZH, SOC, DEPUTY),
        "Рассматриваются федеральная программа воспитания, календарный план воспитательной работы и работа с детскими объединениями.",
        False,
    ),
    (
        (
            "Наставничество в образовательной организации",
            "Организация наставничества педагогов и обучающихся",
        ),
        (T, V, DEPUTY, MET, LECT),
        "Программа раскрывает целевую модель наставничества и формы работы с молодыми педагогами.",
        False,
    ),
    (
        (
            "Развитие речи детей дошкольного возраста",
            "Логопедическая работа в дошкольной образовательной организации",
        ),
        (V, LOG, SV),
        "Слушатели знакомятся с методиками развития связной речи и раннего выявления речевых нарушений.",
        False,
    ),
    (
        (
            "Психолого-педагогическое сопровождение обучающихся",
            "Профилактика кризисных состояний и психологическая безопасность в школе",
        ),
        (PSY, SOC, DEPUTY),
        "Программа даёт инструменты диагностики и сопровождения обучающихся в трудной жизненной ситуации.",
        False,
    ),
    (
        (
            "Методика преподавания математики в условиях обновлённых ФГОС",
            "Подготовка обучающихся к ГИА по математике",
        ),
        (T,),
        "Разбираются типичные затруднения обучающихся и методические приёмы их преодоления.",
        False,
    ),
    (
        (
            "Подготовка обучающихся к ГИА по русскому языку",
            "Современные подходы к преподаванию русского языка и литературы",
        ),
        (T,),
        "Слушатели анализируют результаты ГИА в округе и отрабатывают приёмы подготовки к итоговому сочинению и экзаменам.",
        False,
    ),
    (
        (
            "Проектирование дополнительных общеразвивающих программ",
            "Дополнительное образование детей: содержание, навигатор, сертификаты",
        ),
        (PDO, SPDO, MET, ORG),
        "Программа помогает спроектировать общеразвивающую программу и разместить её в региональном навигаторе.",
        False,
    ),
    (
        (
            "Управление образовательной организацией: современные подходы",
            "Управление качеством образования в школе и детском саду",
        ),
        (HEAD, DEPUTY),
        "Рассматриваются нормативные изменения, внутренняя система оценки качества и управление командой.",
        False,
    ),
    (
        (
            "Профилактика деструктивного поведения и безопасность детей в сети",
            "Профилактика безнадзорности и правонарушений несовершеннолетних",
        ),
        (T, SOC, PSY, ADV),
        "Программа знакомит с признаками деструктивного поведения и порядком межведомственного взаимодействия.",
        False,
    ),
    (
        ("Преподавание учебного предмета «Основы безопасности и защиты Родины»",),
        (OBZR, T),
        "Слушатели осваивают содержание нового предмета, включая модули по первой помощи и начальной военной подготовке.",
        False,
    ),
    (
        (
            "Физическое воспитание обучающихся и подготовка к ГТО",
            "Современные технологии физического воспитания",
        ),
        (T, PE, COACH),
        "Разбираются методики подготовки к нормативам ГТО и организация здоровьесберегающей среды.",
        False,
    ),
    (
        (
            "Практико-ориентированное обучение в СПО и демонстрационный экзамен",
            "Профессионалитет: проектирование образовательных программ СПО",
        ),
        (LECT, MASTER),
        "Программа посвящена подготовке обучающихся к демонстрационному экзамену и взаимодействию с работодателями.",
        False,
    ),
    (
        ("Выявление и сопровождение одарённых детей", "Подготовка обучающихся к олимпиадам и конкурсам"),
        (T, PDO),
        "Слушатели знакомятся с системой выявления способных детей и индивидуальными маршрутами их развития.",
        False,
    ),
    (
        ("Музыкальное развитие детей дошкольного возраста",),
        (MUS, ACC),
        "Рассматриваются современные методики музыкального воспитания, подготовка праздников и работа с семьёй.",
        False,
    ),
    (
        ("Школьная библиотека как информационно-библиотечный центр",),
        (LIB,),
        "Программа посвящена обновлению школьной библиотеки и продвижению детского чтения.",
        False,
    ),
    (
        ("Обучение детей-инофонов русскому языку как неродному",),
        (T, V),
        "Слушатели осваивают приёмы обучения русскому языку детей, для которых он неродной, и их адаптации.",
        False,
    ),
    (
        ("Тьюторское сопровождение индивидуальных образовательных траекторий",),
        (TUT, DEPUTY),
        "Программа раскрывает позицию тьютора и инструменты сопровождения индивидуальных учебных планов.",
        False,
    ),
    (
        (
            "Робототехника и программирование в дополнительном образовании",
            "Основы программирования на Python для учителя",
        ),
        (PDO, T),
        "Слушатели собирают и программируют учебные модели и разрабатывают занятия для школьников.",
        False,
    ),
    (
        (
            "Оценка образовательных результатов: ВПР и формирующее оценивание",
            "Объективность оценивания образовательных результатов",
        ),
        (T, DEPUTY),
        "Рассматриваются процедуры оценки качества, критерии объективности и формирующее оценивание на уроке.",
        False,
    ),
    (
        ("Экологическое образование и краеведение Югры",),
        (T, V, PDO),
        "Программа знакомит с природой и историей Югры и с проектами экологической направленности для детей.",
        False,
    ),
    (
        ("Языки и культура коренных малочисленных народов Севера в образовании",),
        (T, V, PDO),
        "Слушатели изучают методики обучения родным языкам ханты и манси и включения этнокультурного компонента.",
        False,
    ),
    (
        ("Педагогика и психология дошкольного образования",),
        (V, SV),
        "Программа даёт право на ведение профессиональной деятельности в сфере дошкольного образования.",
        True,
    ),
    (
        ("Педагогическое образование: учитель начальных классов",),
        (T,),
        "Программа готовит к работе учителем начальных классов лиц с высшим или средним профессиональным образованием.",
        True,
    ),
    (
        ("Менеджмент в образовании",),
        (HEAD, DEPUTY),
        "Программа формирует компетенции руководителя: финансы, право, управление персоналом и проектами.",
        True,
    ),
    (
        ("Логопедия: коррекционная работа с детьми",),
        (LOG, DEF, V),
        "Программа даёт квалификацию учителя-логопеда для работы с детьми с нарушениями речи.",
        True,
    ),
    (
        ("Педагог дополнительного образования детей и взрослых",),
        (PDO, COACH, ORG),
        "Программа готовит к ведению дополнительных общеразвивающих программ разной направленности.",
        True,
    ),
)

CLOSING = (
    "Итоговая аттестация — защита методической разработки.",
    "Занятия включают практикумы и разбор случаев из практики образовательных организаций округа.",
    "По итогам слушатели получают готовые материалы для использования в работе.",
    "Часть занятий проходит в форме стажировки на базе организаций с успешным опытом.",
)


@dataclass
class ProgramInfo:
    code: str
    provider: ProviderInfo
    title: str
    program_type: str
    hours: int
    audience: tuple[str, ...]
    form: str
    distance: bool
    places: str  # as written in the programs sheet
    group_min: int
    group_max: int
    days: int | None
    expertise_number: str
    expertise_date: dt.date
    since: int  # the year its programs file first lists it

    @property
    def span_days(self) -> int:
        """Calendar days a group takes."""
        if self.days:
            return self.days
        workdays = max(1, -(-self.hours // 8))
        return workdays + 2 * ((workdays - 1) // 5)

    def row(self) -> dict:
        return {
            "program_code": self.code,
            "provider_code": self.provider.code,
            "title": self.title,
            "program_type": self.program_type,
            "hours": self.hours,
            "audience": "; ".join(self.audience),
            "annotation": self.annotation,
            "form": self.form,
            "distance": "да" if self.distance else "нет",
            "places": self.places,
            "group_min": self.group_min,
            "group_max": self.group_max,
            "days": self.days,
            "expertise_number": self.expertise_number,
            "expertise_date": self.expertise_date,
        }

    annotation: str = ""


def program_bank(
    rng: random.Random,
    providers: list[ProviderInfo],
    count: int,
    municipality_names: list[str],
    first_year: int,
    neighbours=None,
) -> list[ProgramInfo]:
    """`count` programs spread over the providers; the first ones cover every topic once. A program meets at
    its provider's town and up to three more of `municipality_names`, or of `neighbours(provider)` if given."""
    order = list(range(len(TOPICS)))
    rng.shuffle(order)
    programs: list[ProgramInfo] = []
    used: set[tuple[str, str]] = set()
    for i in range(count):
        provider = providers[i % len(providers)] if i < len(providers) * 2 else rng.choice(providers)
        topic = TOPICS[order[i % len(order)]]
        titles, audience, sentence, retraining = topic
        title = rng.choice(titles)
        if (provider.code, title) in used:
            title = f"{title}: {rng.choice(('практикум', 'углублённый курс', 'новые подходы', 'опыт Югры'))}"
        used.add((provider.code, title))
        number = sum(1 for p in programs if p.provider is provider) + 1
        names = neighbours(provider) if neighbours else municipality_names
        programs.append(
            _program(rng, provider, number, title, audience, sentence, retraining, names, first_year)
        )
    return programs


def _program(
    rng, provider, number, title, audience, sentence, retraining, municipality_names, first_year
) -> ProgramInfo:
    since = first_year - 1 if rng.random() < 0.75 else first_year + 1
    if retraining:
        hours, form, distance = rng.choice((252, 288, 324, 360, 504)), "очно-заочная", True
        days = rng.randint(50, 75)
    else:
        hours = rng.choice((16, 24, 36, 36, 36, 48, 72, 72, 72, 108, 144))
        form = rng.choices(("очная", "очно-заочная", "заочная"), (5, 4, 1))[0]
        distance = form != "очная" or rng.random() < 0.3
        days = None if form == "очная" else max(3, hours // 6 + rng.randint(0, 4))
    kind = rng.random()
    if kind < 0.2:
        places = "все муниципалитеты"
    elif kind < 0.35 and distance:
        places = "дистанционно"
    else:
        others = rng.sample(
            [m for m in municipality_names if m != provider.municipality.name],
            k=max(0, min(3, len(municipality_names) - 1)),
        )
        chosen = [provider.municipality.name] + others[: rng.randint(0, 3)]
        places = "; ".join(chosen + (["дистанционно"] if distance and rng.random() < 0.5 else []))
    group_min = rng.choice((10, 10, 12, 15))
    expertise = dt.date(since, rng.randint(2, 4), rng.randint(1, 28))
    sentences = [sentence, rng.choice(CLOSING)]
    if distance:
        sentences.insert(
            1, "Часть занятий проводится с применением дистанционных образовательных технологий."
        )
    info = ProgramInfo(
        code=f"{provider.code}-{number:03d}",
        provider=provider,
        title=title,
        program_type=RETRAINING if retraining else PK,
        hours=hours,
        audience=tuple(audience),
        form=form,
        distance=distance,
        places=places,
        group_min=group_min,
        group_max=rng.choice((20, 25, 25, 30)),
        days=days,
        expertise_number=f"ЭЗ-{since}/{rng.randint(1, 250):03d}",
        expertise_date=expertise,
        since=since,
    )
    info.annotation = " ".join(sentences)
    return info


def catalog_programs(bank: list[ProgramInfo], plan_year: int, rng: random.Random) -> list[ProgramInfo]:
    """Programs of a plan year's catalog: those in the bank by June of the year before, a few left out."""
    available = [p for p in bank if p.since <= plan_year - 1]
    kept = [p for p in available if rng.random() < 0.92]
    return kept or available
