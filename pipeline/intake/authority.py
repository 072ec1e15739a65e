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


def _group_owner(code: str, programs_of: dict[str, str]) -> str:
    return programs_of.get(_program_of_group(code), _prefix(code))


def _program_owner(code: str, programs_of: dict[str, str]) -> str:
    return programs_of.get(code, _prefix(code))


# Per sheet: the column that names whose row it is, the role's codes it must be among, and how a program or
# group code leads to its provider.
SCOPES = {
    "organisations": ("municipality", "municipalities", None),
    "staff": ("org_code", "organisations", None),
    "applications": ("org_code", "organisations", None),
    "org_details": ("org_code", "organisations", None),
    "programs": ("provider_code", "providers", None),
    "schedule_groups": ("program_code", "providers", _program_owner),
    "schedule_listeners": ("group_code", "providers", _group_owner),
    "execution_groups": ("group_code", "providers", _group_owner),
    "execution_listeners": ("group_code", "providers", _group_owner),
}


def out_of_scope(
    sheet_name: str, frame: pd.DataFrame, roles_by_file: dict[str, Roles], programs_of: dict[str, str]
) -> pd.Series:
    """For each row, the code it names that is not its sender's own (empty when in scope). One pass over the
    rows of every file: the regional operator's rows are always in scope."""
    scope = SCOPES.get(sheet_name)
    if frame.empty or scope is None:
        return pd.Series("", index=frame.index, dtype="object")
    column, attribute, owner = scope
    outside = []
    for file, value in zip(frame["file"].tolist(), frame[column].tolist(), strict=True):
        roles = roles_by_file.get(file)
        if roles is None or roles.region or not isinstance(value, str):
            outside.append("")
            continue
        code = owner(value, programs_of) if owner else value
        outside.append("" if code in getattr(roles, attribute) else value)
    return pd.Series(outside, index=frame.index, dtype="object")


def scope_of(roles: Roles, sheet_name: str) -> str:
    """The submitter's own codes, as the message names them."""
    if sheet_name == "organisations":
        return ", ".join(sorted(roles.municipalities))
    if sheet_name in ("staff", "applications", "org_details"):
        return ", ".join(sorted(roles.organisations))
    return ", ".join(sorted(roles.providers))


def _prefix(code: object) -> str:
    return str(code).split("-", 1)[0] if isinstance(code, str) else ""


def _program_of_group(group_code: object) -> str:
    return str(group_code).rsplit("-", 1)[0] if isinstance(group_code, str) else ""
