"""The region's merged registries, built from the intake's records in force: who works where, what is offered,
who applied for what (order, items 1.2, 3.1, 3.2)."""

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from pipeline.config import RegionConfig
from pipeline.intake.take_in import IntakeResult
from pipeline.issues import suggestion_text
from schemas.columns import columns_of
from schemas.kinds import SHEETS_BY_NAME
from schemas.lists import ALL_PLACES, REMOTE_PLACE
from schemas.programs import Program
from schemas.registries import MunicipalOperator, Provider
from schemas.staff import StaffMember

NAME_PARTS = ("surname", "first_name", "patronymic")
ANY_PERIOD = "любой"

PROVIDER_COLUMNS = (
    "provider_code",
    "name",
    "municipality",
    "legal_address",
    "actual_address",
    "licence_number",
    "licence_date",
    "licence_valid_until",
    "login",
    "responsible_name",
    "responsible_position",
    "phone",
    "email",
)
ORGANISATION_COLUMNS = (
    "org_code",
    "name",
    "short_name",
    "org_type",
    "municipality",
    "address",
    "login",
    "regional",
    "responsible_name",
    "responsible_position",
    "phone",
    "email",
)
STAFF_COLUMNS = ("person_id", "org_code", "municipality") + tuple(
    i.name for i in columns_of(StaffMember) if i.name != "org_code"
)
PROGRAM_COLUMNS = tuple(i.name for i in columns_of(Program))
CATALOG_COLUMNS = (
    ("plan_year", "program_code", "order_number", "order_date")
    + tuple(c for c in PROGRAM_COLUMNS if c != "program_code")
    + ("provider_name",)
)
APPLICATION_COLUMNS = (
    "application_id",
    "plan_year",
    "person_id",
    "org_code",
    "municipality",
    "position",
    "program_code",
    "provider_code",
    "preferred_place",
    "preferred_period",
    "application_date",
    "late",
    "file",
    "row",
)


@dataclass
class Registries:
    """The merged state of the region; restricted (staff and applications name people)."""

    municipalities: pd.DataFrame
    municipal_operators: pd.DataFrame
    providers: pd.DataFrame
    provider_licences: pd.DataFrame
    organisations: pd.DataFrame
    staff: pd.DataFrame
    staff_archive: pd.DataFrame
    programs: pd.DataFrame
    catalog: pd.DataFrame
    applications: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in a fixed order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def current_plan_year(self, plan_years: tuple[int, ...]) -> int:
        """The plan year the cycle is forming: the latest with a catalog or applications (the latest configured
        when none has). The registries' present state (staff counts, needs, the registries' own files) is shown in
        its version of the site; an earlier year's version is that year's record and does not change with it."""
        years = set(self.catalog["plan_year"].dropna().astype(int)) | set(
            self.applications["plan_year"].dropna().astype(int)
        )
        return max((y for y in plan_years if y in years), default=max(plan_years))


def normalised_name(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = re.sub(r"\s+", " ", str(value)).strip().lower().replace("ё", "е")
    return re.sub(r"\s*-\s*", "-", text)


# A region's names and people repeat across sheets and stages: each distinct one is worked out once.
_normalised_once = lru_cache(maxsize=1 << 17)(normalised_name)


def person_id(surname: object, first_name: object, patronymic: object, birth_year: object) -> str:
    """A person's stable identity: the same across re-submissions and a move to another organisation."""
    year = "" if _missing(birth_year) else str(int(birth_year))
    names = [_normalised_once(surname), _normalised_once(first_name), _normalised_once(patronymic)]
    key = "|".join([*names, year])
    return "P" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def days_left(staff_archive: pd.DataFrame) -> dict[tuple[str, str], pd.Timestamp]:
    """(person_id, org_code) -> the day the person last left that organisation, from the staff archive."""
    return staff_archive.groupby(["person_id", "org_code"])["archived_on"].max().to_dict()


PERSON_KEY = ["person_id", "org_code"]


def person_records(
    frame: pd.DataFrame,
    staff: pd.DataFrame,
    archive: pd.DataFrame,
    columns: list[str],
    found: np.ndarray | None = None,
) -> pd.DataFrame:
    """The `columns` of each row's person in its organisation (person_id, org_code): her row in the staff list,
    or, for one who has left it since, her latest archived row; missing where neither has her. Indexed as
    `frame`. The staff list holds one row per person and organisation (an error if not). `found`: the rows'
    positions in the staff list (_positions(frame, staff)), when they are known already."""
    found = _positions(frame, staff) if found is None else found
    values = {c: pd.api.extensions.take(staff[c].array, found, allow_fill=True) for c in columns}
    records = pd.DataFrame(values, index=frame.index)
    gone = np.flatnonzero(found < 0)
    if len(gone) and len(archive):
        latest = archive.sort_values("archived_on", kind="stable").drop_duplicates(PERSON_KEY, keep="last")
        back = _positions(frame.iloc[gone], latest)
        rows, back = gone[back >= 0], back[back >= 0]
        for column in columns:
            records.iloc[rows, records.columns.get_loc(column)] = latest[column].to_numpy()[back]
    return records


def on_the_staff(frame: pd.DataFrame, staff: pd.DataFrame) -> np.ndarray:
    """Whether each row's person (person_id, org_code) is on her organisation's staff list."""
    return _positions(frame, staff) >= 0


def _positions(frame: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """For each row of `frame`, the position of `table`'s row with the same person and organisation, or -1; an
    error if the table has one twice. By the table's numbering of each key column's values, not a merge (which
    would convert the keys' differing string types to compare them)."""
    if frame.empty or table.empty:
        return np.full(len(frame), -1, dtype=np.intp)
    rows = np.arange(len(table))
    if len(frame) < len(table) // 4:  # a few people looked up in a long table: only its rows of those people
        rows = np.flatnonzero(table["person_id"].isin(frame["person_id"]).to_numpy(dtype=bool))
        table = table.iloc[rows]
    # Each key column's values numbered by the table's, both sides then keyed by one number per row.
    table_codes = np.zeros(len(table), dtype=np.int64)
    frame_codes = np.zeros(len(frame), dtype=np.int64)
    unknown = np.zeros(len(frame), dtype=bool)
    for column in PERSON_KEY:
        codes, values = pd.factorize(table[column], use_na_sentinel=False)
        theirs = pd.Index(values).get_indexer(frame[column])
        unknown |= theirs < 0
        table_codes = table_codes * len(values) + codes
        frame_codes = frame_codes * len(values) + theirs
    found = pd.Index(table_codes).get_indexer(frame_codes)
    return np.where((found >= 0) & ~unknown, rows[found], -1)


def person_ids(frame: pd.DataFrame) -> pd.Series:
    """person_id of every row: each distinct name part normalised once, each distinct person hashed once."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="object")
    parts, person = [], np.zeros(len(frame), dtype=np.int64)
    for column in (*NAME_PARTS, "birth_year"):
        codes, values = pd.factorize(frame[column], use_na_sentinel=False)
        if column == "birth_year":
            texts = ["" if _missing(v) else str(int(v)) for v in values]
        else:
            texts = [_normalised_once(v) for v in values]
        parts.append(np.array(texts, dtype=object)[codes])
        # the rows' persons so far, numbered anew at each step so that the numbers stay below the rows'
        person = pd.factorize(person * (len(values) + 1) + codes)[0]
    first = np.unique(person, return_index=True)[1]  # each person's first row
    keys = zip(*(part[first].tolist() for part in parts), strict=True)
    hashed = np.array(
        ["P" + hashlib.sha1("|".join(key).encode()).hexdigest()[:10] for key in keys], dtype=object
    )
    return pd.Series(hashed[person], index=frame.index, dtype="object")


def build_registries(intake: IntakeResult, config: RegionConfig) -> Registries:
    """Merge the records in force into the region's registries; rows that point nowhere are refused."""
    providers = _providers(intake)
    organisations = _organisations(intake, config)
    programs = _program_bank(intake)
    catalog = _catalog(intake, programs, providers)
    staff, staff_archive = _staff(intake, organisations)
    flag_possible_duplicates(intake)
    applications = _applications(intake, config, organisations, staff, staff_archive, programs, catalog)
    licences = licence_status(providers, config.plan_years)
    _warn_invalid_licences(intake, providers, licences, catalog)
    return Registries(
        municipalities=municipality_table(config),
        municipal_operators=_municipal_operators(intake),
        providers=providers,
        provider_licences=licences,
        organisations=organisations,
        staff=staff,
        staff_archive=staff_archive,
        programs=programs,
        catalog=catalog,
        applications=applications,
    )


def run_registries(ctx, state: dict) -> dict:
    return {"registries": build_registries(state["intake"], ctx.config)}


def municipality_table(config: RegionConfig) -> pd.DataFrame:
    rows = [
        {
            "code": m.code,
            "name": m.name,
            "kind": m.kind,
            "centre": m.centre,
            "lat": m.lat,
            "lon": m.lon,
            "population": m.population,
        }
        for m in config.municipalities
    ]
    return pd.DataFrame(rows, columns=["code", "name", "kind", "centre", "lat", "lon", "population"])


def _municipal_operators(intake: IntakeResult) -> pd.DataFrame:
    columns = [i.name for i in columns_of(MunicipalOperator)]
    frame = intake.records["municipal_operators"].reindex(columns=columns)
    return frame.sort_values("municipality", kind="stable").reset_index(drop=True)


def _providers(intake: IntakeResult) -> pd.DataFrame:
    columns = [i.name for i in columns_of(Provider)]
    frame = (
        intake.records["providers"]
        .reindex(columns=columns)
        .rename(columns={"position": "responsible_position"})
    )
    frame = frame.drop_duplicates("provider_code", keep="last")
    return frame.reindex(columns=list(PROVIDER_COLUMNS)).sort_values("provider_code").reset_index(drop=True)


def licence_status(providers: pd.DataFrame, plan_years: tuple[int, ...]) -> pd.DataFrame:
    """A licence serves a plan year when it was issued by the year's end and is still in force then."""
    rows = []
    for provider in providers.itertuples(index=False):
        for year in plan_years:
            end = pd.Timestamp(date(year, 12, 31))
            issued = pd.notna(provider.licence_date) and provider.licence_date <= end
            lasting = pd.isna(provider.licence_valid_until) or provider.licence_valid_until >= end
            rows.append(
                {
                    "provider_code": provider.provider_code,
                    "plan_year": year,
                    "licence_valid": issued and lasting,
                }
            )
    frame = pd.DataFrame(rows, columns=["provider_code", "plan_year", "licence_valid"])
    frame["plan_year"] = frame["plan_year"].astype("Int64")
    frame["licence_valid"] = frame["licence_valid"].astype(bool)
    return frame


def _warn_invalid_licences(intake, providers, licences, catalog) -> None:
    """A provider whose programs are in a year's catalog, but whose licence does not serve that year."""
    if catalog.empty:
        return
    in_catalog = catalog[["provider_code", "plan_year"]].drop_duplicates()
    invalid = licences[~licences["licence_valid"]].merge(in_catalog, on=["provider_code", "plan_year"])
    records = intake.records["providers"]
    for provider_code, year in sorted(
        invalid[["provider_code", "plan_year"]].itertuples(index=False, name=None)
    ):
        record = records[records["provider_code"] == provider_code].iloc[-1]
        until = record["licence_valid_until"]
        shown = until.strftime("%d.%m.%Y") if pd.notna(until) else "бессрочно"
        _warn_at(
            intake,
            "providers",
            record,
            "licence_valid_until",
            "licence_invalid_in_plan_year",
            value=f"{record['licence_date'].strftime('%d.%m.%Y')} – {shown}",
            expected=str(year),
        )


def _organisations(intake: IntakeResult, config: RegionConfig) -> pd.DataFrame:
    """The organisations registry with each organisation's own corrections of its details applied."""
    frame = intake.records["organisations"].copy()
    frame["regional"] = frame["sender"] == config.regional_login
    frame = frame.rename(columns={"position": "responsible_position"})
    details = intake.records["org_details"]
    intake.refuse(
        "org_details", ~details["org_code"].isin(frame["org_code"]), "unknown_organisation", "org_code"
    )
    details = intake.records["org_details"].rename(columns={"position": "responsible_position"})
    if not details.empty:
        corrected = details.drop_duplicates("org_code", keep="last").set_index("org_code")
        fixes = [
            "name",
            "short_name",
            "address",
            "responsible_name",
            "responsible_position",
            "phone",
            "email",
        ]
        indexed = frame.set_index("org_code", drop=False)
        for column in fixes:
            new = indexed["org_code"].map(corrected[column])
            indexed[column] = new.where(new.notna(), indexed[column])
        frame = indexed.reset_index(drop=True)
    frame = frame.drop_duplicates("org_code", keep="last")
    _warn_shared_logins(intake, frame)
    return frame.reindex(columns=list(ORGANISATION_COLUMNS)).sort_values("org_code").reset_index(drop=True)


def _warn_shared_logins(intake: IntakeResult, organisations: pd.DataFrame) -> None:
    """One login operating several organisations is allowed but usually a copy-paste slip; say so."""
    ordered = organisations.sort_values("org_code", kind="stable")
    first_of = ordered.drop_duplicates("login").set_index("login")["org_code"]
    later = ordered[ordered.duplicated("login", keep="first")]
    for _, record in later.iterrows():
        _warn_at(
            intake,
            "organisations",
            record,
            "login",
            "login_shared",
            value=record["login"],
            expected=first_of[record["login"]],
        )


def _program_bank(intake: IntakeResult) -> pd.DataFrame:
    frame = intake.records["programs"].reindex(columns=list(PROGRAM_COLUMNS))
    return (
        frame.drop_duplicates("program_code", keep="last").sort_values("program_code").reset_index(drop=True)
    )


def _suggest(code: object, known: list[str]) -> dict:
    match = difflib.get_close_matches(str(code), known, n=1, cutoff=0.6)
    return {"suggestion": suggestion_text(match[0] if match else None)}


def _catalog(intake: IntakeResult, programs: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    known = sorted(programs["program_code"])
    records = intake.records["catalog"]
    intake.refuse(
        "catalog",
        ~records["program_code"].isin(known),
        "unknown_program",
        "program_code",
        params=lambda r: _suggest(r["program_code"], known),
    )
    entries = intake.records["catalog"][["plan_year", "program_code", "order_number", "order_date"]]
    entries = entries.drop_duplicates(["plan_year", "program_code"], keep="last")
    frame = entries.merge(programs, on="program_code", how="left", validate="many_to_one")
    names = providers.set_index("provider_code")["name"]
    frame["provider_name"] = frame["provider_code"].map(names)
    frame = frame.reindex(columns=list(CATALOG_COLUMNS))
    frame["plan_year"] = frame["plan_year"].astype("Int64")
    return frame.sort_values(["plan_year", "program_code"]).reset_index(drop=True)


def _org_municipality(intake: IntakeResult, organisations: pd.DataFrame) -> pd.Series:
    """Municipality of every organisation ever registered: archived staff may belong to one that left."""
    gone = intake.archive["organisations"][["org_code", "municipality"]]
    both = pd.concat([gone, organisations[["org_code", "municipality"]]], ignore_index=True)
    return both.drop_duplicates("org_code", keep="last").set_index("org_code")["municipality"]


def _staff(intake: IntakeResult, organisations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = intake.records["staff"]
    intake.refuse(
        "staff", ~records["org_code"].isin(organisations["org_code"]), "unknown_organisation", "org_code"
    )
    municipality = _org_municipality(intake, organisations)
    current = _with_person(intake.records["staff"], municipality)
    current = _without_repeats(current, ["person_id", "org_code"])
    current = current.reindex(columns=list(STAFF_COLUMNS)).sort_values(["org_code", "person_id"])
    archive = _with_person(intake.archive["staff"], municipality)
    archive = _without_repeats(archive, ["person_id", "org_code", "archived_on"])
    archive = archive.reindex(columns=[*STAFF_COLUMNS, "archived_on"]).sort_values(
        ["org_code", "person_id", "archived_on"]
    )
    return current.reset_index(drop=True), archive.reset_index(drop=True)


def _without_repeats(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """drop_duplicates(key, keep="last"), without copying the frame when no key comes twice (the usual case)."""
    repeated = frame.duplicated(key, keep="last").to_numpy()
    return frame[~repeated] if repeated.any() else frame


def _with_person(frame: pd.DataFrame, municipality: pd.Series) -> pd.DataFrame:
    frame = frame.copy()
    frame["person_id"] = person_ids(frame)
    frame["municipality"] = frame["org_code"].map(municipality)
    return frame


def _applications(intake, config, organisations, staff, staff_archive, programs, catalog) -> pd.DataFrame:
    """Applications that point to a registered organisation, a member of its staff and a program of the plan
    year's catalog; each other row is refused with the reason, cell by cell."""
    records = intake.records["applications"]
    intake.refuse(
        "applications",
        ~records["org_code"].isin(organisations["org_code"]),
        "unknown_organisation",
        "org_code",
    )
    records = intake.records["applications"]
    pid = person_ids(records)
    keys = pd.DataFrame({"person_id": pid, "org_code": records["org_code"]})
    # each row's row in the staff list, worked out once: it gives the application table its job titles too
    found = _positions(keys, staff)
    on_staff = pd.Series(found >= 0, index=records.index)
    # Dates matter only for the few people who left: look theirs up one by one, not every row's.
    left_on = days_left(staff_archive)
    for i in np.flatnonzero(~on_staff.to_numpy()):
        key = (pid.iat[i], records["org_code"].iat[i])
        on_staff.iat[i] = key in left_on and left_on[key] >= records["application_date"].iat[i]
    intake.refuse("applications", ~on_staff, "unknown_staff", "surname", params=_person_label)
    # refuse() keeps the other rows, renumbered: the person ids and staff rows worked out once follow them
    pid, found = pid[on_staff.to_numpy()].reset_index(drop=True), found[on_staff.to_numpy()]
    records = intake.records["applications"]
    known = sorted(programs["program_code"])
    listed = records["program_code"].isin(known)
    intake.refuse(
        "applications",
        ~listed,
        "unknown_program",
        "program_code",
        params=lambda r: _suggest(r["program_code"], known),
    )
    pid, found = pid[listed.to_numpy()].reset_index(drop=True), found[listed.to_numpy()]
    records = intake.records["applications"]
    offered = set(
        zip(catalog["plan_year"].astype(int).tolist(), catalog["program_code"].tolist(), strict=True)
    )
    in_catalog = pd.Series(
        [
            (int(y), c) in offered
            for y, c in zip(records["plan_year"].tolist(), records["program_code"].tolist(), strict=True)
        ],
        index=records.index,
        dtype=bool,
    )
    intake.refuse(
        "applications",
        ~in_catalog,
        "program_not_in_catalog",
        "program_code",
        params=lambda r: {"expected": str(r["plan_year"])},
    )
    pid, found = pid[in_catalog.to_numpy()].reset_index(drop=True), found[in_catalog.to_numpy()]
    records = intake.records["applications"]
    ids = application_ids(records, pid)
    # A part-timer may be put forward by both organisations for the same program: count the first only. Only
    # the rows whose id comes twice are put in the order they were sent.
    twice = ids.duplicated(keep=False).to_numpy()
    ordered = records[twice].sort_values(["submitted", "file", "row"], kind="stable")
    ordered_ids = ids[ordered.index]
    again = ordered_ids.duplicated(keep="first")
    first_from = dict(
        zip(ordered_ids[~again].tolist(), ordered.loc[~again, "org_code"].tolist(), strict=True)
    )
    repeated = again.reindex(records.index, fill_value=False)
    intake.refuse(
        "applications",
        repeated,
        "duplicate_application",
        "program_code",
        params=lambda r: {"expected": first_from[ids[r.name]]},
    )
    single = ~repeated.to_numpy(dtype=bool)
    pid, found = pid[single].reset_index(drop=True), found[single]
    return _application_table(
        intake.records["applications"], pid, found, config, organisations, staff, staff_archive, programs
    )


def application_ids(frame: pd.DataFrame, pid: pd.Series | None = None) -> pd.Series:
    """ "<plan year>-<person>-<program>": one person applies for one program once a year. `pid`: the rows'
    person_ids when they are known already."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="object")
    pid = person_ids(frame) if pid is None else pid
    return frame["plan_year"].astype(str) + "-" + pid + "-" + frame["program_code"]


def _person_label(record: pd.Series) -> dict:
    name = " ".join(str(record[c]) for c in NAME_PARTS if pd.notna(record[c]))
    return {"value": f"{name}, {int(record['birth_year'])} г. р."}


def _application_table(
    records, pid, found, config, organisations, staff, staff_archive, programs
) -> pd.DataFrame:
    if records.empty:
        return pd.DataFrame(columns=list(APPLICATION_COLUMNS))
    frame = records.copy()
    frame["person_id"] = pid
    frame["application_id"] = application_ids(frame, pid)
    frame["municipality"] = frame["org_code"].map(organisations.set_index("org_code")["municipality"])
    frame["position"] = person_records(frame, staff, staff_archive, ["position"], found)["position"]
    frame["provider_code"] = frame["program_code"].map(programs.set_index("program_code")["provider_code"])
    frame["preferred_place"] = frame["preferred_place"].where(
        frame["preferred_place"].notna(), frame["municipality"]
    )
    frame["preferred_period"] = frame["preferred_period"].fillna(ANY_PERIOD)
    deadlines = {
        y: pd.Timestamp(config.deadline("applications", int(y))) for y in frame["plan_year"].unique()
    }
    frame["late"] = (frame["application_date"] > frame["plan_year"].map(deadlines)).astype(bool)
    frame = frame.reindex(columns=list(APPLICATION_COLUMNS))
    return frame.sort_values("application_id").reset_index(drop=True)


def flag_possible_duplicates(intake: IntakeResult) -> None:
    """Warn about a staff record that may be a person already counted: the same full name with a birth year
    one apart anywhere in the region, or a surname one letter apart in the same organisation and birth year."""
    staff = intake.records["staff"]
    if staff.empty:
        return
    surname, first_name, patronymic = (_name_codes(staff[part]) for part in NAME_PARTS)
    keys = pd.DataFrame(
        {
            "i": staff.index.to_numpy(),
            "surname": surname,
            "first_name": first_name,
            "patronymic": patronymic,
            "year": pd.to_numeric(staff["birth_year"], errors="coerce").astype("Int64"),
            "org": staff["org_code"].to_numpy(dtype=object),
        }
    )
    pairs = _years_apart(keys.dropna(subset=["year"])) | _letter_apart(
        keys.dropna(subset=["year", "org"]), staff
    )
    if not pairs:
        return
    # each record as _warn_at reads it, only for the rows that pair up (a row of the frame costs a Series)
    involved = sorted({i for a, b, _ in pairs for i in (a, b)})
    shown = staff.loc[involved, ["submitted", "file", "row", "sender"]]
    records = dict(zip(involved, shown.to_dict("records"), strict=True))
    for a, b, reason in sorted(pairs):
        earlier, later = sorted(
            (a, b), key=lambda i: tuple(records[i][c] for c in ("submitted", "file", "row"))
        )
        first = records[earlier]
        other = f"строка {int(first['row'])} файла «{first['file']}»"
        _warn_at(
            intake,
            "staff",
            records[later],
            "surname",
            "possible_duplicate_person",
            value="",
            expected=other,
            reason=reason,
        )


def _name_codes(column: pd.Series) -> np.ndarray:
    """One integer per row for the normalised name: equal codes, equal names. Each distinct value is normalised
    once; a missing one is the empty name."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    normalised, _ = pd.factorize(pd.Index([normalised_name(u) for u in uniques], dtype=object))
    return normalised[codes]


def _years_apart(keys: pd.DataFrame) -> set[tuple]:
    """Pairs of rows with the same full name and birth years one apart: rows joined with those born a year
    later, so a common name costs its pairs, not its square."""
    name = ["surname", "first_name", "patronymic"]
    keys = keys[keys.duplicated(name, keep=False)]
    later = keys.assign(year=keys["year"] - 1)
    joined = keys.merge(later, on=[*name, "year"], suffixes=("_a", "_b"))
    reason = "год рождения отличается на один год"
    return {
        (min(a, b), max(a, b), reason)
        for a, b in zip(joined["i_a"].tolist(), joined["i_b"].tolist(), strict=True)
    }


def _letter_apart(keys: pd.DataFrame, staff: pd.DataFrame) -> set[tuple]:
    """Pairs of rows of one organisation, birth year, first name and patronymic whose surnames are one letter
    apart; only such groups of more than one row are compared pair by pair."""
    group = ["org", "year", "first_name", "patronymic"]
    keys = keys[keys.duplicated(group, keep=False)]
    ids = keys["i"].tolist()
    surnames = dict(zip(ids, map(_normalised_once, staff.loc[ids, "surname"].tolist()), strict=True))
    pairs = set()
    for rows in keys.groupby(group, sort=False)["i"]:
        members = sorted(rows[1].tolist())
        for n, a in enumerate(members):
            for b in members[n + 1 :]:
                if one_letter_apart(surnames[a], surnames[b]):
                    pairs.add((a, b, "фамилии отличаются одной буквой"))
    return pairs


def _missing(value: object) -> bool:
    """pd.isna for a scalar, without its dispatch."""
    return value is None or value is pd.NA or value is pd.NaT or value != value


def one_letter_apart(a: str, b: str) -> bool:
    """True when one letter replaced, added or removed turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _warn_at(
    intake: IntakeResult, sheet_name: str, record: Mapping | pd.Series, column: str, code: str, **params
) -> None:
    """An issue that keeps the record but names its cell, as a refusal does."""
    kind, sheet = SHEETS_BY_NAME[sheet_name]
    header = _header_of(sheet_name, column)
    place = intake.place_of(record["file"], sheet_name)
    letter = place[1].get(column, "") if place else ""
    row = int(record["row"])
    intake.log.add(
        code,
        file=record["file"],
        login=record["sender"],
        kind=kind.slug,
        sheet=place[0] if place else sheet.title,
        row=row,
        column=header,
        cell=f"{letter}{row}",
        **params,
    )


@cache
def _header_of(sheet_name: str, column: str) -> str:
    _, sheet = SHEETS_BY_NAME[sheet_name]
    return next(i for i in columns_of(sheet.model) if i.name == column).header


def places_text(places: object, names: dict[str, str]) -> str:
    """Codes of places as people read them: municipality names joined with «; »."""
    if places is None or (isinstance(places, float) and places != places) or places is pd.NA:
        return ""
    shown = []
    for code in str(places).split("; "):
        shown.append(code if code in (REMOTE_PLACE, ALL_PLACES) else names.get(code, code))
    return "; ".join(shown)
