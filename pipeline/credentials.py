"""Logins and passwords for the shared folder: issued to new operators, kept only as bcrypt hashes, revoked."""

import os
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import pandas as pd

from pipeline.config import ConfigError, RegionConfig, load_config
from schemas.kinds import KINDS, LEVEL_TITLES, MUNICIPALITY, ORGANISATION, PROVIDER, REGION

# Web servers check the password on every request of the shared folder: nginx (auth_basic, through the
# system's crypt) and Apache (mod_authn_file) both verify bcrypt; neither stock build verifies argon2.
# Cost 10 is about 60 ms per check: slow for guessing, bearable for an upload of a few requests.
BCRYPT_ROUNDS = 10
# No 0/O/o, 1/l/I: the password is read off a sheet of paper or a letter and typed by hand.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS, GROUP_LENGTH = 4, 4  # 16 random characters, about 92 bits
CREDENTIALS_FOLDER = "credentials"
HTPASSWD_NAME = "htpasswd"
# What each level sends, in the order's words, for the letter a new operator gets.
LEVEL_ORDER = (REGION, MUNICIPALITY, PROVIDER, ORGANISATION)


@dataclass(frozen=True)
class Recipient:
    """A registered login and who holds it, as the registries say."""

    login: str
    levels: tuple[str, ...]  # REGION, MUNICIPALITY, PROVIDER, ORGANISATION
    organisation: str
    person: str = ""  # the responsible person, as registered
    email: str = ""


@dataclass
class Changes:
    """What one run of the credentials step did."""

    issued: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def access_file(inputs: Path) -> Path:
    """The htpasswd file: beside inputs/, never inside it (operators write there) nor under site/ or
    reports/ (published or handed out). In the repository: access/htpasswd, git-ignored."""
    return Path(inputs).resolve().parent / "access" / HTPASSWD_NAME


def recipients(registries, config: RegionConfig) -> dict[str, Recipient]:
    """Every login the registries know: the regional operator, municipal operators, providers, organisations."""
    found: dict[str, list[Recipient]] = {}

    def add(login, level, organisation, person="", email=""):
        login = _text(login)
        if login:
            found.setdefault(login, []).append(
                Recipient(login, (level,), _text(organisation), _text(person), _text(email))
            )

    add(config.regional_login, REGION, config.regional_name)
    for frame, level, name in (
        (registries.municipal_operators, MUNICIPALITY, "institution"),
        (registries.providers, PROVIDER, "name"),
        (registries.organisations, ORGANISATION, "name"),
    ):
        for record in frame.to_dict("records"):
            add(
                record.get("login"),
                level,
                record.get(name),
                record.get("responsible_name", ""),
                record.get("email", ""),
            )
    merged = {}
    for login, entries in sorted(found.items()):
        levels = tuple(level for level in LEVEL_ORDER if any(level in e.levels for e in entries))
        first = entries[0]
        merged[login] = Recipient(login, levels, first.organisation, first.person, first.email)
    return merged


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value).strip()


def new_password() -> str:
    """A random password from the readable alphabet, in groups: «Xk7p-Qm2a-...»."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )


def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    """A salted bcrypt hash under the $2y$ prefix that `htpasswd -B` writes and every server reads."""
    digest = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")
    return "$2y$" + digest[4:]  # $2b$ and $2y$ are the same algorithm; older APR builds know only $2y$


def verify_password(password: str, digest: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), digest.encode("ascii"))
    except ValueError:
        return False


def read_htpasswd(path: Path) -> dict[str, str]:
    """login -> hash; comments and blank lines are dropped (the file is rewritten whole, sorted)."""
    if not path.exists():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and ":" in line:
            login, digest = line.split(":", 1)
            entries[login.strip()] = digest.strip()
    return entries


def render_htpasswd(entries: dict[str, str]) -> str:
    return "".join(f"{login}:{entries[login]}\n" for login in sorted(entries))


def plan_changes(registered: set[str], stored: dict[str, str]) -> Changes:
    """Logins to issue (registered, no hash), revoke (hash, no longer registered) and keep."""
    return Changes(
        issued=sorted(registered - set(stored)),
        revoked=sorted(set(stored) - registered),
        kept=sorted(registered & set(stored)),
    )


def valid_login(login: str) -> bool:
    # A colon or a line break would forge another htpasswd entry; the schema's pattern forbids them anyway.
    return bool(login) and not any(ch in login for ch in ":\r\n\t #") and login == login.strip()


def credentials_letter(recipient: Recipient, password: str, config: RegionConfig) -> str:
    """The one-time letter for the recipient (Russian): login, password, where and how to send files."""
    roles = ", ".join(LEVEL_TITLES[level] for level in recipient.levels)
    kinds = [kind for kind in KINDS if set(kind.levels) & set(recipient.levels)]
    lines = [
        f"АСУПК — {config.short_name}: доступ к общей папке",
        "",
        f"Организация: {recipient.organisation or '—'}",
        f"Роль: {roles}",
    ]
    if recipient.person:
        lines.append(f"Ответственное лицо: {recipient.person}")
    lines += [
        "",
        f"Логин:  {recipient.login}",
        f"Пароль: {password}",
        "",
        "Пароль выдаётся один раз и хранится в системе только в виде необратимого хеша: восстановить его "
        "нельзя, можно только выдать новый через регионального оператора.",
        "",
        f"Куда класть файлы: в папку «{recipient.login}» общей папки АСУПК (inputs/{recipient.login}/). "
        "Файлы в чужих папках не принимаются.",
        "Имя файла: дата отправки, вид сведений и, где нужно, плановый год и квартал, например "
        "«2026-10-01 заявки 2027.xlsx».",
    ]
    if kinds:
        lines.append("Вы отправляете:")
        lines += [f"  — {kind.title} (слово в имени файла: «{kind.file_word}»)" for kind in kinds]
    lines += [
        "",
        "Напоминание (Положение об АСУПК, п. 1.4): доступ к АСУПК осуществляется по логину и паролю. "
        "Все ответственные работники, имеющие доступ к информации, размещаемой в АСУПК, должны быть "
        "ознакомлены с Положением. Не передавайте пароль другим лицам и не пересылайте его открытым текстом.",
        "",
        "Этот файл — одноразовый: передайте его получателю и удалите.",
        "",
    ]
    return "\n".join(lines)


def apply_changes(
    changes: Changes,
    stored: dict[str, str],
    people: dict[str, Recipient],
    config: RegionConfig,
    htpasswd: Path,
    letters: Path,
    rounds: int = BCRYPT_ROUNDS,
) -> None:
    """Write the letters first, then the hash file in one rename: a run killed in between leaves logins
    without a hash, which the next run issues again, never a hash nobody knows the password of."""
    entries = {login: digest for login, digest in stored.items() if login not in changes.revoked}
    for login in changes.issued:
        password = new_password()
        _write_atomic(letters / f"{login}.txt", credentials_letter(people[login], password, config), 0o600)
        entries[login] = hash_password(password, rounds)
    for login in changes.revoked:
        (letters / f"{login}.txt").unlink(missing_ok=True)  # an undelivered letter of a revoked login
    if changes.issued or changes.revoked or not htpasswd.exists():
        _write_atomic(htpasswd, render_htpasswd(entries), 0o640)


def _write_atomic(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def issue_credentials(
    inputs: Path, reports: Path, htpasswd: Path | None = None, rounds: int = BCRYPT_ROUNDS
) -> Changes:
    """Read the registries from inputs/, issue passwords to new logins, revoke the logins that left."""
    from pipeline.intake.discover import list_input_files
    from pipeline.intake.take_in import take_in
    from pipeline.registries import build_registries

    config = load_config(inputs)
    intake = take_in(list_input_files(inputs), inputs, config)
    people = {
        login: person
        for login, person in recipients(build_registries(intake, config), config).items()
        if valid_login(login)
    }
    htpasswd = htpasswd or access_file(inputs)
    stored = read_htpasswd(htpasswd)
    changes = plan_changes(set(people), stored)
    apply_changes(changes, stored, people, config, htpasswd, Path(reports) / CREDENTIALS_FOLDER, rounds)
    return changes


def issue_credentials_cli(inputs: Path, reports: Path) -> int:
    """`python -m pipeline credentials`: issue, revoke, say what changed. Not part of `run`: the passwords
    are random, so this step's outputs are the one thing not byte-identical from run to run."""
    try:
        changes = issue_credentials(inputs, reports)
    except ConfigError as error:
        print(f"Ошибка настроек региона: {error}", file=sys.stderr)
        return 2
    letters = Path(reports) / CREDENTIALS_FOLDER
    print(f"Файл паролей (только хеши): {access_file(inputs)}")
    print(f"Выдано новых логинов: {len(changes.issued)}" + _listed(changes.issued))
    if changes.issued:
        print(f"Одноразовые сведения для получателей: {letters}/<логин>.txt — передайте и удалите.")
    print(f"Отозвано логинов (нет в реестрах): {len(changes.revoked)}" + _listed(changes.revoked))
    print(f"Без изменений: {len(changes.kept)}")
    return 0


def _listed(logins: list[str]) -> str:
    if not logins:
        return ""
    shown = ", ".join(logins[:20])
    return f" ({shown}{f' и ещё {len(logins) - 20}' if len(logins) > 20 else ''})"
