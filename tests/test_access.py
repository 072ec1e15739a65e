"""Access by login and password: issued to new operators, stored as bcrypt hashes servers accept, revoked."""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from pipeline import paths
from pipeline.config import load_config
from pipeline.credentials import (
    PASSWORD_ALPHABET,
    access_file,
    credentials_letter,
    issue_credentials,
    issue_credentials_cli,
    new_password,
    plan_changes,
    read_htpasswd,
    recipients,
    render_htpasswd,
    valid_login,
    verify_password,
)
from pipeline.intake.discover import list_input_files
from pipeline.intake.take_in import take_in
from pipeline.registries import build_registries
from tests.intake_cases import PROVIDER, base_region, put

ROUNDS = 4  # the cheapest bcrypt cost: the tests check the format, not the strength
REGISTERED = {"iro", "uo-surgut", "uo-nv", "pk-iro", "pk-nvgu", "oo-100012", "oo-100013", "oo-050001"}


def password_in(letter: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in letter.splitlines() if line.startswith("Пароль:"))


@pytest.fixture()
def region(tmp_path) -> Path:
    return base_region(tmp_path / "inputs")


def test_issue_then_nothing_new_then_revoke(region, tmp_path):
    reports, htpasswd = tmp_path / "reports", tmp_path / "access" / "htpasswd"
    first = issue_credentials(region, reports, htpasswd, rounds=ROUNDS)
    assert set(first.issued) == REGISTERED and not first.revoked and not first.kept
    stored = read_htpasswd(htpasswd)
    assert set(stored) == REGISTERED
    letters = reports / "credentials"
    assert sorted(p.name for p in letters.iterdir()) == sorted(f"{login}.txt" for login in REGISTERED)
    passwords = {}
    for login in REGISTERED:
        letter = (letters / f"{login}.txt").read_text(encoding="utf-8")
        password = passwords[login] = password_in(letter)
        assert f"Логин:  {login}" in letter and f"inputs/{login}/" in letter and "п. 1.4" in letter
        assert stored[login].startswith("$2y$04$")
        assert password not in htpasswd.read_text(encoding="utf-8")
        assert verify_password(password, stored[login])
        assert not verify_password(password + "x", stored[login])
        assert stat.S_IMODE((letters / f"{login}.txt").stat().st_mode) == 0o600
    assert len(set(passwords.values())) == len(passwords)

    before = htpasswd.read_bytes()
    second = issue_credentials(region, reports, htpasswd, rounds=ROUNDS)
    assert not second.issued and not second.revoked and set(second.kept) == REGISTERED
    assert htpasswd.read_bytes() == before

    # The regional operator re-sends the providers' registry without the university: its login goes.
    put(region, "iro", "2024-03-01 операторы пк.xlsx", "providers", [PROVIDER])
    third = issue_credentials(region, reports, htpasswd, rounds=ROUNDS)
    assert third.revoked == ["pk-nvgu"] and not third.issued
    after = read_htpasswd(htpasswd)
    assert set(after) == REGISTERED - {"pk-nvgu"}
    assert all(after[login] == stored[login] for login in after)  # nobody else's password changed
    assert not (letters / "pk-nvgu.txt").exists()


def test_a_login_without_a_hash_gets_a_new_password(region, tmp_path):
    reports, htpasswd = tmp_path / "reports", tmp_path / "htpasswd"
    issue_credentials(region, reports, htpasswd, rounds=ROUNDS)
    old = read_htpasswd(htpasswd)
    # Resetting a forgotten password: the regional operator deletes the login's line.
    htpasswd.write_text(render_htpasswd({k: v for k, v in old.items() if k != "oo-100013"}), encoding="utf-8")
    again = issue_credentials(region, reports, htpasswd, rounds=ROUNDS)
    assert again.issued == ["oo-100013"]
    password = password_in((reports / "credentials" / "oo-100013.txt").read_text(encoding="utf-8"))
    assert verify_password(password, read_htpasswd(htpasswd)["oo-100013"])


@pytest.mark.skipif(shutil.which("htpasswd") is None, reason="apache2-utils is not installed")
def test_apache_htpasswd_accepts_the_hashes(region, tmp_path):
    reports, htpasswd = tmp_path / "reports", tmp_path / "htpasswd"
    issue_credentials(region, reports, htpasswd, rounds=ROUNDS)
    for login in ("iro", "oo-100012"):
        password = password_in((reports / "credentials" / f"{login}.txt").read_text(encoding="utf-8"))
        ok = subprocess.run(["htpasswd", "-vb", str(htpasswd), login, password], capture_output=True)
        assert ok.returncode == 0, ok.stderr
        wrong = subprocess.run(["htpasswd", "-vb", str(htpasswd), login, password[:-1]], capture_output=True)
        assert wrong.returncode != 0


def test_cli_keeps_hashes_beside_inputs_and_says_what_changed(region, tmp_path, capsys):
    reports = tmp_path / "reports"
    assert issue_credentials_cli(region, reports) == 0
    out = capsys.readouterr().out
    assert "Выдано новых логинов: 8" in out and "Отозвано логинов (нет в реестрах): 0" in out
    htpasswd = access_file(region)
    assert htpasswd == tmp_path / "access" / "htpasswd"
    assert set(read_htpasswd(htpasswd)) == REGISTERED
    assert read_htpasswd(htpasswd)["iro"].startswith("$2y$10$")
    assert stat.S_IMODE(htpasswd.stat().st_mode) == 0o640
    assert issue_credentials_cli(region, reports) == 0
    assert "Выдано новых логинов: 0" in capsys.readouterr().out
    assert not any(p.name == "htpasswd" or p.suffix == ".txt" for p in region.rglob("*"))  # not in inputs/


def test_hashes_and_letters_are_never_published_or_committed():
    assert not access_file(paths.INPUTS).is_relative_to(paths.INPUTS)
    assert not access_file(paths.INPUTS).is_relative_to(paths.SITE)
    if shutil.which("git") is None or not (paths.ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for path in ("access/htpasswd", "reports/credentials/oo-100012.txt", "reports/issues.xlsx"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=paths.ROOT)
        assert ignored.returncode == 0, f"{path} is not git-ignored"


def test_recipients_come_from_every_registry(region):
    config = load_config(region)
    registries = build_registries(take_in(list_input_files(region), region, config), config)
    found = recipients(registries, config)
    assert set(found) == REGISTERED
    assert found["iro"].levels == ("region",)
    assert found["uo-surgut"].levels == ("municipality",)
    assert found["pk-iro"].organisation.startswith("АУ ДПО")
    assert found["oo-100012"].person == "Кузнецова Ольга Викторовна"
    letter = credentials_letter(found["oo-100012"], "abcd-efgh-jkmn-pqrs", config)
    assert "оператор ОО" in letter and "«заявки»" in letter and "«работники»" in letter
    assert "«каталог»" not in letter  # only what this level sends


def test_passwords_are_long_readable_and_random():
    passwords = {new_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(PASSWORD_ALPHABET)
    assert not set("0O1lI") & set(PASSWORD_ALPHABET)


def test_plan_and_file_format():
    changes = plan_changes({"a", "b"}, {"b": "$2y$x", "c": "$2y$y"})
    assert (changes.issued, changes.revoked, changes.kept) == (["a"], ["c"], ["b"])
    text = render_htpasswd({"b": "$2y$2", "a": "$2y$1"})
    assert text == "a:$2y$1\nb:$2y$2\n"
    for login in ("a:b", "a\nb", " a", "", "a b"):
        assert not valid_login(login)
    assert valid_login("oo-100012") and valid_login("uo.surgut")
