"""Who a login is and what it may send: levels and scopes from the registries accepted so far."""

from dataclasses import dataclass, field

import pandas as pd

from schemas.kinds import LEVEL_TITLES, MUNICIPALITY, ORGANISATION, PROVIDER, REGION, SubmissionKind


@dataclass
class Roles:
    """Every role a login holds, with the codes each role covers."""

    region: bool = False
    municipalities: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)

    @property
    def levels(self) -> set[str]:
        found = set()
        if self.region:
            found.add(REGION)
        if self.municipalities:
            found.add(MUNICIPALITY)
        if self.providers:
            found.add(PROVIDER)
        if self.organisations:
            found.add(ORGANISATION)
        return found

    def level_title(self) -> str:
        return ", ".join(LEVEL_TITLES[level] for level in sorted(self.levels)) or "незарегистрированный логин"


@dataclass
class Authority:
    """The logins the region knows: the regional operator from the config, the rest from registries."""

    regional_login: str
    roles: dict[str, Roles] = field(default_factory=dict)

    def __post_init__(self):
        self.roles.setdefault(self.regional_login, Roles()).region = True

    def of(self, login: str) -> Roles | None:
        return self.roles.get(login)

    def learn(self, sheet_name: str, records: pd.DataFrame) -> None:
        """Register the logins of an accepted registry: municipal operators, providers, organisations."""
        if records.empty:
            return
        if sheet_name == "municipal_operators":
            for login, code in zip(records["login"], records["municipality"], strict=True):
                self.roles.setdefault(login, Roles()).municipalities.add(code)
        elif sheet_name == "providers":
            for login, code in zip(records["login"], records["provider_code"], strict=True):
                self.roles.setdefault(login, Roles()).providers.add(code)
        elif sheet_name == "organisations":
            for login, code in zip(records["login"], records["org_code"], strict=True):
                self.roles.setdefault(login, Roles()).organisations.add(code)


def allowed_titles(kind: SubmissionKind) -> str:
    return " или ".join(LEVEL_TITLES[level] for level in kind.levels)


def out_of_scope(
    sheet_name: str, frame: pd.DataFrame, roles: Roles, programs_of: dict[str, str]
) -> pd.Series:
    """For each row, the code it names that is not the submitter's own (empty when in scope)."""
    none = pd.Series("", index=frame.index, dtype="object")
    if frame.empty or roles.region:
        return none
    if sheet_name == "organisations":
        return _outside(frame["municipality"], roles.municipalities)
    if sheet_name in ("staff", "applications", "org_details"):
        return _outside(frame["org_code"], roles.organisations)
    if sheet_name == "programs":
        return _outside(frame["provider_code"], roles.providers)
    if sheet_name == "schedule_groups":
        owner = frame["program_code"].map(lambda code: programs_of.get(code, _prefix(code)))
        bad = _outside(owner, roles.providers)
        return bad.where(bad == "", frame["program_code"])
    if sheet_name in ("schedule_listeners", "execution_groups", "execution_listeners"):
        owner = frame["group_code"].map(lambda code: programs_of.get(_program_of_group(code), _prefix(code)))
        bad = _outside(owner, roles.providers)
        return bad.where(bad == "", frame["group_code"])
    return none


def scope_of(roles: Roles, sheet_name: str) -> str:
    """The submitter's own codes, as the message names them."""
    if sheet_name == "organisations":
        return ", ".join(sorted(roles.municipalities))
    if sheet_name in ("staff", "applications", "org_details"):
        return ", ".join(sorted(roles.organisations))
    return ", ".join(sorted(roles.providers))


def _outside(values: pd.Series, own: set[str]) -> pd.Series:
    return values.map(lambda v: "" if v is None or v != v or v in own else str(v))


def _prefix(code: object) -> str:
    return str(code).split("-", 1)[0] if isinstance(code, str) else ""


def _program_of_group(group_code: object) -> str:
    return str(group_code).rsplit("-", 1)[0] if isinstance(group_code, str) else ""
