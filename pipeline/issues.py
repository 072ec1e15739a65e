"""The issue table: every problem anyone reports is one row, its Russian message made from a template."""

from dataclasses import dataclass, field

import pandas as pd

ERROR, WARNING, INFO = "ошибка", "предупреждение", "сведения"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

COLUMNS = (
    "file",
    "login",
    "kind",
    "sheet",
    "row",
    "column",
    "cell",
    "value",
    "code",
    "severity",
    "message",
    "fix",
)


@dataclass(frozen=True)
class Template:
    severity: str
    message: str
    fix: str


# Messages keyed by code. Placeholders are filled from the issue's fields and parameters; {column} is the
# Russian header, {value} the cell as typed.
TEMPLATES: dict[str, Template] = {
    # --- the file as a whole
    "file_name_unrecognised": Template(
        ERROR,
        "Не удалось определить по имени файла, что в нём: «{value}».",
        "Назовите файл по образцу «2026-10-01 заявки 2027.xlsx»: дата отправки, вид сведений, плановый год "
        "(для отчёта об исполнении — ещё квартал: «2027-04-08 исполнение 2027 1кв.xlsx»).",
    ),
    "file_date_missing": Template(
        ERROR,
        "В имени файла нет даты отправки: «{value}».",
        "Начните имя файла с даты отправки в виде ГГГГ-ММ-ДД, например «2026-10-01 заявки 2027.xlsx».",
    ),
    "file_date_invalid": Template(
        ERROR,
        "Дата в имени файла не существует: «{value}».",
        "Исправьте дату в начале имени файла (ГГГГ-ММ-ДД).",
    ),
    "file_kind_unknown": Template(
        ERROR,
        "Не удалось понять вид сведений по имени файла «{value}»{suggestion}.",
        "Используйте одно из слов: {expected}.",
    ),
    "file_period_missing": Template(
        ERROR,
        "В имени файла не указан {expected}.",
        "Добавьте в имя файла плановый год (например, 2027){quarter_hint}.",
    ),
    "file_period_invalid": Template(
        ERROR,
        "Плановый год {value} не входит в годы, которые ведёт система ({expected}).",
        "Проверьте год в имени файла или попросите регионального оператора добавить год в настройки.",
    ),
    "file_outside_folder": Template(
        ERROR,
        "Файл лежит не в папке оператора: «{value}».",
        "Положите файл в папку со своим логином: inputs/<логин>/.",
    ),
    "submitter_unknown": Template(
        ERROR,
        "Логин «{value}» не зарегистрирован в АСУПК, файл не принят.",
        "Проверьте имя папки: это должен быть ваш логин. Если логин новый, попросите вышестоящего оператора "
        "зарегистрировать вас.",
    ),
    "submitter_not_allowed": Template(
        ERROR,
        "Сведения вида «{kind_title}» не может отправлять {level_title}.",
        "Такие сведения отправляет {allowed}.",
    ),
    "file_format_unsupported": Template(
        ERROR,
        "Файл не является таблицей Excel или OpenDocument: {value}.",
        "Сохраните таблицу в формате .xlsx (Файл → Сохранить как → Книга Excel) и отправьте снова.",
    ),
    "file_unreadable": Template(
        ERROR,
        "Файл не удалось прочитать: {value}. Ранее принятые сведения остаются в силе.",
        "Откройте файл в Excel или LibreOffice, сохраните его заново как .xlsx и отправьте снова.",
    ),
    "file_encrypted": Template(
        ERROR,
        "Файл защищён паролем, прочитать его нельзя.",
        "Снимите защиту паролем (Файл → Сведения → Защита книги) и отправьте файл снова.",
    ),
    "file_empty": Template(
        ERROR,
        "В файле нет ни одной строки со сведениями. Ранее принятые сведения остаются в силе.",
        "Заполните таблицу по шаблону, начиная со второй строки листа «{sheet}».",
    ),
    "file_unchanged": Template(
        INFO,
        "Файл совпадает с уже принятым «{value}»; ничего не изменилось.",
        "Ничего делать не нужно.",
    ),
    "file_superseded": Template(
        INFO,
        "Действует более новый файл «{value}» того же вида; этот файл сохранён в истории.",
        "Ничего делать не нужно.",
    ),
    "file_late": Template(
        WARNING,
        "Файл отправлен {value}, после срока {expected}.",
        "Сведения приняты, но опоздание отмечено в статусе отправки. Соблюдайте сроки циклa.",
    ),
    "macros_ignored": Template(
        WARNING,
        "В книге есть макросы; система их никогда не запускает и читает только значения ячеек.",
        "Сохраняйте файл как .xlsx без макросов.",
    ),
    "external_links": Template(
        WARNING,
        "В книге есть ссылки на другие файлы; учтены только сохранённые значения.",
        "Замените ссылки значениями (Копировать → Вставить значения).",
    ),
    "embedded_objects": Template(
        WARNING,
        "В книге есть встроенные объекты ({value}); они не читаются.",
        "Удалите встроенные объекты.",
    ),
    # --- the file's safety inspection (pipeline/intake/inspect.py), before any parser sees it
    "file_too_large": Template(
        ERROR,
        "Файл слишком большой ({value}, допустимо не более {expected}); он не прочитан.",
        "Удалите лишнее (картинки, пустые строки с оформлением) или разделите сведения на несколько файлов.",
    ),
    "file_suffix_mismatch": Template(
        INFO,
        "Файл назван «{value}», но на самом деле это {expected}; он прочитан по содержимому.",
        "Сохраняйте таблицу в формате .xlsx (Файл → Сохранить как → Книга Excel).",
    ),
    "zip_bomb": Template(
        ERROR,
        "Архив книги распаковывается в недопустимо большой объём ({value}); файл не прочитан, чтобы не "
        "нарушить работу системы.",
        "Обычная таблица так не сжимается. Сохраните её заново в Excel или LibreOffice как .xlsx; если сведений "
        "действительно так много, разделите их на несколько файлов.",
    ),
    "too_many_members": Template(
        ERROR,
        "В архиве книги слишком много частей ({value}, допустимо не более {expected}); файл не прочитан.",
        "Сохраните таблицу заново в Excel или LibreOffice как .xlsx; удалите лишние листы, картинки и объекты.",
    ),
    "zip_suspicious_member": Template(
        ERROR,
        "В архиве книги есть подозрительная часть: {value}; файл не прочитан.",
        "Книги Excel такими не бывают. Сохраните таблицу заново в Excel или LibreOffice как .xlsx и отправьте снова.",
    ),
    "xml_entities": Template(
        ERROR,
        "В файле есть объявления DTD или XML-сущностей ({value}); из соображений безопасности он не прочитан.",
        "Excel и LibreOffice таких файлов не создают. Сохраните таблицу заново в Excel или LibreOffice как .xlsx "
        "и отправьте снова.",
    ),
    "absurd_range": Template(
        ERROR,
        "На листе «{sheet}» указан недопустимо большой диапазон {value} (допустимо не более {expected}); "
        "файл не прочитан.",
        "Удалите пустые строки и столбцы с оформлением после данных (выделите их → Удалить), сохраните и "
        "отправьте снова; если строк действительно так много, разделите сведения на несколько файлов.",
    ),
    "giant_cell": Template(
        ERROR,
        "В книге есть текст длиной {value} знаков, больше предела Excel ({expected}); файл не прочитан.",
        "Сократите текст в ячейке, сохраните файл в Excel и отправьте снова.",
    ),
    "activex": Template(
        WARNING,
        "В книге есть элементы управления ActiveX; система их никогда не запускает и читает только значения "
        "ячеек.",
        "Удалите элементы управления ActiveX (кнопки, флажки) и сохраните файл как .xlsx.",
    ),
    # --- sheets and headers
    "sheet_missing": Template(
        ERROR,
        "Нет листа «{sheet}»{suggestion}.",
        "Переименуйте лист в «{sheet}» или заполните шаблон заново.",
    ),
    "sheet_hidden": Template(
        WARNING,
        "Лист «{sheet}» скрыт; он прочитан как обычный.",
        "Покажите лист (Формат → Лист → Показать).",
    ),
    "sheet_extra": Template(
        INFO,
        "Лист «{sheet}» не относится к этому виду сведений и не прочитан.",
        "Ничего делать не нужно.",
    ),
    "header_missing": Template(
        ERROR,
        "На листе «{sheet}» не найдена строка заголовков.",
        "Первая строка листа должна содержать заголовки столбцов, как в шаблоне.",
    ),
    "column_missing": Template(
        ERROR,
        "Нет обязательного столбца «{column}»{suggestion}; лист не принят, в силе остаются ранее принятые сведения.",
        "Добавьте столбец «{column}» (точное название — в шаблоне).",
    ),
    "column_missing_optional": Template(
        INFO,
        "Нет необязательного столбца «{column}»; он считается пустым.",
        "Ничего делать не нужно.",
    ),
    "column_unknown": Template(
        WARNING,
        "Столбец «{value}» не известен и не прочитан{suggestion}.",
        "Переименуйте столбец как в шаблоне или удалите его.",
    ),
    "column_duplicate": Template(
        ERROR,
        "Столбец «{column}» встречается дважды; прочитан первый.",
        "Удалите лишний столбец.",
    ),
    "column_renamed": Template(
        INFO,
        "Заголовок «{value}» понят как «{column}».",
        "Ничего делать не нужно.",
    ),
    "password_column": Template(
        ERROR,
        "Столбец «{value}» с паролями не прочитан и нигде не сохранён: пароли нельзя передавать в таблицах.",
        "Удалите столбец с паролями. Пароли выдаёт система при регистрации логина.",
    ),
    # --- cells as read
    "merged_cells": Template(
        WARNING,
        "Объединённые ячейки {value}; значение взято из первой ячейки.",
        "Разъедините ячейки.",
    ),
    "formula_value_used": Template(
        INFO,
        "В ячейке формула; принято её сохранённое значение «{value}».",
        "Ничего делать не нужно.",
    ),
    "formula_without_value": Template(
        ERROR,
        "В ячейке формула без сохранённого значения.",
        "Откройте файл в Excel, пересчитайте и сохраните, или введите значение вместо формулы.",
    ),
    "error_cell": Template(
        ERROR,
        "В ячейке ошибка Excel «{value}».",
        "Исправьте формулу или введите значение.",
    ),
    "total_row_skipped": Template(
        INFO,
        "Строка итогов «{value}» пропущена.",
        "Ничего делать не нужно.",
    ),
    "normalised": Template(
        INFO,
        "Значение «{value}» понято как «{normalised}» ({how}).",
        "Ничего делать не нужно.",
    ),
    "too_many_rows": Template(
        ERROR,
        "На листе «{sheet}» слишком много строк ({value}); прочитаны первые {expected}.",
        "Разделите сведения на несколько файлов или удалите пустые строки внизу листа.",
    ),
    "cell_too_long": Template(
        ERROR,
        "Текст в ячейке слишком длинный ({value} знаков, допустимо {expected}).",
        "Сократите текст.",
    ),
    # --- values
    "missing_value": Template(ERROR, "Не заполнен обязательный столбец «{column}».", "Заполните ячейку."),
    "not_an_integer": Template(
        ERROR,
        "«{value}» — не целое число.",
        "Введите целое число цифрами, например 72.",
    ),
    "not_a_year": Template(ERROR, "«{value}» — не год.", "Введите год четырьмя цифрами, например 2024."),
    "not_a_date": Template(
        ERROR,
        "«{value}» — не дата.",
        "Введите дату в виде ДД.ММ.ГГГГ, например 15.10.2026.",
    ),
    "bad_email": Template(
        ERROR,
        "«{value}» — не адрес электронной почты.",
        "Введите адрес вида name@example.ru.",
    ),
    "bad_phone": Template(
        ERROR,
        "«{value}» — не номер телефона.",
        "Введите номер с кодом города: +7 (3467) 32-40-46.",
    ),
    "bad_login": Template(
        ERROR,
        "«{value}» — недопустимый логин.",
        "Логин: латинские строчные буквы, цифры, точка, дефис, от 3 до 40 знаков.",
    ),
    "value_not_in_list": Template(
        ERROR,
        "«{value}» нет в списке «{column}»{suggestion}.",
        "Выберите значение из списка: {expected}.",
    ),
    "unknown_municipality": Template(
        ERROR,
        "Муниципальное образование «{value}» не найдено{suggestion}.",
        "Укажите код или название муниципального образования из справочника.",
    ),
    "bad_format": Template(ERROR, "«{value}» не подходит под формат столбца «{column}».", "{expected}"),
    "out_of_range": Template(
        ERROR,
        "Значение {value} вне допустимых пределов ({expected}).",
        "Проверьте значение.",
    ),
    "bad_length": Template(
        ERROR,
        "Длина текста в столбце «{column}» вне пределов ({expected}).",
        "Проверьте текст.",
    ),
    "duplicate_key": Template(
        ERROR,
        "Строка повторяет строку {value} этого же файла ({expected}); принята первая.",
        "Удалите повторяющуюся строку.",
    ),
    # --- rules across fields
    "hours_below_minimum": Template(
        ERROR,
        "Объём {value} ч меньше минимума для вида программы (ПК — 16 ч, переподготовка — 250 ч).",
        "Проверьте объём и вид программы (приказ Минобрнауки от 24.03.2025 № 266, п. 18).",
    ),
    "group_min_above_max": Template(
        ERROR,
        "Минимальная численность группы ({value}) больше максимальной.",
        "Исправьте численность.",
    ),
    "appointed_too_young": Template(
        ERROR,
        "Год назначения {value} раньше, чем работнику исполнилось 16 лет.",
        "Проверьте год назначения и год рождения.",
    ),
    "licence_ends_before_issue": Template(
        ERROR,
        "Срок действия лицензии {value} раньше даты её выдачи.",
        "Проверьте даты лицензии.",
    ),
    "group_ends_before_start": Template(
        ERROR,
        "Дата окончания {value} раньше даты начала.",
        "Проверьте даты группы.",
    ),
    "held_group_without_dates": Template(
        ERROR,
        "Для проведённой или перенесённой группы не указаны фактические даты.",
        "Укажите фактические даты начала и окончания.",
    ),
    "completed_without_certificate": Template(
        ERROR,
        "Слушатель завершил обучение, но не указаны номер и дата документа.",
        "Укажите номер и дату выдачи удостоверения или диплома.",
    ),
    "attestation_in_future": Template(
        ERROR,
        "Год последней аттестации {value} ещё не наступил.",
        "Проверьте год аттестации.",
    ),
    "year_in_future": Template(ERROR, "Год {value} ещё не наступил.", "Проверьте год."),
    "experience_exceeds_age": Template(
        ERROR,
        "Педагогический стаж {value} лет больше, чем возможно для года рождения.",
        "Проверьте стаж и год рождения.",
    ),
    "licence_invalid_in_plan_year": Template(
        WARNING,
        "Лицензия оператора ПК не действует в плановом {expected} году (срок — {value}).",
        "Продлите лицензию или проверьте срок её действия.",
    ),
    "date_outside_plan_year": Template(
        ERROR,
        "Дата {value} не входит в плановый {expected} год.",
        "Укажите дату внутри планового года.",
    ),
    "date_outside_quarter": Template(
        ERROR,
        "Дата {value} не входит в отчётный период ({expected}).",
        "Укажите группу в отчёте за тот квартал, в котором она закончилась.",
    ),
    # --- scope and references
    "row_out_of_scope": Template(
        ERROR,
        "Строка относится к «{value}», а вы отправляете сведения только по «{expected}»; строка не принята.",
        "Отправляйте только свои сведения. Сведения другой организации отправляет её оператор.",
    ),
    "unknown_organisation": Template(
        ERROR,
        "Организация с кодом «{value}» не зарегистрирована.",
        "Проверьте код ОО или попросите муниципального оператора зарегистрировать организацию.",
    ),
    "unknown_program": Template(
        ERROR,
        "Программы с кодом «{value}» нет в банке программ{suggestion}.",
        "Проверьте код программы.",
    ),
    "program_not_in_catalog": Template(
        ERROR,
        "Программа «{value}» не входит в утверждённый каталог {expected} года.",
        "Выберите программу из каталога на плановый год.",
    ),
    "unknown_staff": Template(
        ERROR,
        "Работника {value} нет в списке работников организации.",
        "Сначала отправьте список работников, в котором есть этот работник, или исправьте ФИО и год рождения.",
    ),
    "duplicate_application": Template(
        ERROR,
        "Работник уже подал заявку на программу «{value}» этого года через организацию {expected}; "
        "повторная заявка не учтена.",
        "Оставьте одну заявку работника на программу.",
    ),
    "possible_duplicate_person": Template(
        WARNING,
        "Работник похож на уже учтённого ({expected}): совпадают имя и отчество, а {reason}.",
        "Если это один человек, исправьте ФИО или год рождения, чтобы они совпадали; если разные — ничего "
        "делать не нужно.",
    ),
    "login_shared": Template(
        WARNING,
        "Логин «{value}» уже назначен организации {expected}; один оператор будет отправлять сведения за обе.",
        "Проверьте логин: у каждой организации обычно свой оператор.",
    ),
    "quality_expectation_failed": Template(
        ERROR,
        "Проверка качества сводных данных не пройдена: {value}.",
        "Зависящие от этих данных отчёты и страницы сайта не опубликованы в этом запуске. {expected}",
    ),
    "unknown_group": Template(
        ERROR,
        "Группы «{value}» нет на листе «Группы» и в плане-графике.",
        "Проверьте код группы.",
    ),
    # --- execution reports (pipeline/monitoring.py)
    "listener_not_in_group": Template(
        ERROR,
        "Слушатель не записан в группу «{value}» плана-графика (сверка по коду ОО, ФИО и году рождения).",
        "Проверьте код группы, ФИО и год рождения слушателя: они должны совпадать со списком группы в "
        "плане-графике.",
    ),
    "completion_in_cancelled_group": Template(
        ERROR,
        "Обучение отмечено завершённым в отменённой группе {expected}.",
        "Если группа состоялась, укажите для неё статус «проведена» или «перенесена» с фактическими датами; "
        "иначе отметьте «нет» в столбце «{column}».",
    ),
    "certificate_duplicate": Template(
        ERROR,
        "Номер документа «{value}» уже выдан другому слушателю ({expected}).",
        "Проверьте номер удостоверения или диплома: у каждого документа оператора ПК свой номер.",
    ),
    "certificate_date_invalid": Template(
        ERROR,
        "Дата выдачи документа {value} вне допустимого периода ({expected}).",
        "Документ выдаётся не раньше начала занятий группы и не позже дня отправки отчёта; проверьте дату.",
    ),
    "group_place_not_allowed": Template(
        ERROR,
        "Место проведения «{value}» не входит в места проведения программы ({expected}).",
        "Выберите место из мест проведения программы или попросите внести его в программу.",
    ),
    "group_below_minimum": Template(
        WARNING,
        "В группе меньше слушателей, чем минимум программы: {value}; минимум {expected}.",
        "Группа принята. Если она не наберётся, объедините её с другой или перенесите.",
    ),
    "group_size_out_of_bounds": Template(
        ERROR,
        "Численность группы не подходит: {value}; допустимо {expected}.",
        "Измените число мест или состав группы так, чтобы численность была в пределах программы.",
    ),
    "listener_not_applied": Template(
        ERROR,
        "Работник {value} не подавал заявку на программу {expected}.",
        "Включайте в группу только работников, подавших заявку на эту программу.",
    ),
    "listener_left": Template(
        ERROR,
        "Работник {value} г. р. выбыл из организации {expected}, до начала группы: в группе он не учтён.",
        "Уберите работника из списка слушателей группы. Если он работает, отправьте список работников "
        "организации, в котором он есть.",
    ),
    "listener_overlap": Template(
        ERROR,
        "Слушатель уже учится в группе {expected} в те же дни.",
        "Перенесите слушателя в группу с другими датами.",
    ),
    "listener_group_refused": Template(
        ERROR,
        "Группа «{value}» не принята (см. замечания к листу «Группы»), слушатель в неё не включён.",
        "Исправьте строку группы на листе «Группы» и отправьте файл снова.",
    ),
    "provider_licence_invalid": Template(
        WARNING,
        "Лицензия оператора ПК {value} не действует в плановом {expected} году; его группы включены в сводный "
        "план-график условно.",
        "Продлите лицензию и сообщите региональному оператору её реквизиты.",
    ),
    "row_kept_from_before": Template(
        WARNING,
        "Строка с ошибкой; в силе остаётся ранее принятая версия из файла «{value}».",
        "Исправьте ошибки в строке и отправьте файл снова.",
    ),
    "record_kept_unreadable": Template(
        WARNING,
        "Запись «{value}» не найдена в новом файле, но в нём есть нечитаемые строки; запись сохранена.",
        "Исправьте нечитаемые строки; если запись действительно нужно удалить, отправьте файл без неё.",
    ),
    "record_archived": Template(
        INFO,
        "Запись «{value}» отсутствует в новом файле и перенесена в архив.",
        "Ничего делать не нужно.",
    ),
}


@dataclass
class IssueLog:
    """Collects issues during a run; one instance per run (or per checked file)."""

    rows: list[dict] = field(default_factory=list)

    def add(
        self,
        code: str,
        *,
        file: str = "",
        login: str = "",
        kind: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        cell: str = "",
        value: object = "",
        **params,
    ) -> None:
        template = TEMPLATES[code]
        text_value = "" if value is None else str(value)
        values = {
            "value": text_value,
            "column": column,
            "sheet": sheet,
            "suggestion": "",
            "expected": "",
            **params,
        }
        self.rows.append(
            {
                "file": file,
                "login": login,
                "kind": kind,
                "sheet": sheet,
                "row": row,
                "column": column,
                "cell": cell,
                "value": text_value,
                "code": code,
                "severity": params.get("severity", template.severity),
                "message": template.message.format_map(values),
                "fix": template.fix.format_map(values),
            }
        )

    def extend(self, other: "IssueLog") -> None:
        self.rows.extend(other.rows)

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=list(COLUMNS))
        frame["row"] = frame["row"].astype("Int64")
        return sort_issues(frame)

    @property
    def has_errors(self) -> bool:
        return any(r["severity"] == ERROR for r in self.rows)


def sort_issues(frame: pd.DataFrame) -> pd.DataFrame:
    """Issues in a stable order: by file, sheet, row, column, then code — as a person reads a file."""
    return frame.sort_values(
        ["file", "sheet", "row", "cell", "code", "message"], na_position="first", kind="stable"
    ).reset_index(drop=True)


def suggestion_text(candidate: str | None) -> str:
    """The «did you mean» tail of a message."""
    return f"; возможно, имелось в виду «{candidate}»" if candidate else ""
