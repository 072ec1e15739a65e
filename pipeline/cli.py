"""The command line: run the cycle, check files, write templates and demo data, issue credentials."""

import argparse
import sys
from datetime import date
from pathlib import Path

from pipeline import paths


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ожидается дата ГГГГ-ММ-ДД, а не «{text}»") from None


class RussianHelp(argparse.HelpFormatter):
    """argparse's own words in Russian: operators read this help."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "использование: " if prefix is None else prefix)


class RussianParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", RussianHelp)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "аргументы"
        self._optionals.title = "параметры"
        self.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = RussianParser(
        prog="python -m pipeline",
        description="АСУПК: годовой цикл повышения квалификации педагогов — проверка файлов операторов, "
        "реестры, план-график, отчёты и сайт.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="КОМАНДА", parser_class=RussianParser)

    run = sub.add_parser(
        "run",
        help="весь цикл: приём файлов, реестры, группы, план-график, мониторинг, отчёты, сайт",
        description="Читает все файлы из папки входных данных, проверяет их, сводит реестры, "
        "формирует группы и план-график, пишет отчёты в reports/ и собирает сайт в site/.",
    )
    run.add_argument("--inputs", type=Path, default=paths.INPUTS, help="папка с файлами операторов (inputs/)")
    run.add_argument("--reports", type=Path, default=paths.REPORTS, help="куда писать отчёты (reports/)")
    run.add_argument("--site", type=Path, default=paths.SITE, help="куда собрать сайт (site/)")
    run.add_argument(
        "--as-of",
        type=_date,
        default=None,
        help="дата, на которую считается состояние цикла (по умолчанию — из настроек или дата "
        "самого нового файла)",
    )
    run.add_argument("--no-site", action="store_true", help="не собирать сайт, только отчёты")
    run.add_argument("--quiet", action="store_true", help="не показывать ход работы")

    check = sub.add_parser(
        "check",
        help="проверить файлы так же, как при полном прогоне, и вывести замечания",
        description="Проверяет файлы так же, как полный прогон: выводит список замечаний "
        "на русском языке; код выхода 1, если есть ошибки.",
    )
    check.add_argument("files", nargs="+", type=Path, metavar="ФАЙЛ")
    check.add_argument(
        "--inputs",
        type=Path,
        default=paths.INPUTS,
        help="папка с настройками и реестрами, по которым проверять (inputs/)",
    )
    check.add_argument(
        "--login", default=None, help="логин отправителя, если файл лежит не в папке inputs/<логин>/"
    )

    templates = sub.add_parser(
        "templates",
        help="записать пустые шаблоны .xlsx для всех видов сведений",
        description="Пишет по одному шаблону .xlsx на каждый вид сведений: заголовки, "
        "инструкция, выпадающие списки.",
    )
    templates.add_argument("--out", type=Path, default=paths.REPORTS / "templates", help="папка для шаблонов")
    templates.add_argument(
        "--inputs",
        type=Path,
        default=paths.INPUTS,
        help="папка входных данных: из неё берутся живые списки (муниципалитеты, программы)",
    )

    demo = sub.add_parser(
        "demo",
        help="сгенерировать демонстрационный регион",
        description="Пишет полный набор файлов операторов всех уровней для выдуманных людей "
        "в реальных муниципалитетах ХМАО – Югры, с несколькими типичными ошибками.",
    )
    demo.add_argument(
        "--scale",
        choices=("demo", "region", "country"),
        default="demo",
        help="demo — несколько МБ для репозитория; region — размер ХМАО; country — вся Россия",
    )
    demo.add_argument("--seed", type=int, default=86, help="зерно генератора: одно зерно — одинаковые файлы")
    demo.add_argument("--out", type=Path, default=paths.INPUTS, help="куда записать файлы")

    creds = sub.add_parser(
        "credentials",
        help="выдать логины и пароли новым операторам",
        description="Для каждого зарегистрированного логина без пароля создаёт пароль, "
        "хранит только его хеш (htpasswd) и пишет одноразовые сведения для получателя.",
    )
    creds.add_argument("--inputs", type=Path, default=paths.INPUTS)
    creds.add_argument("--reports", type=Path, default=paths.REPORTS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "run": _run,
        "check": _check,
        "templates": _templates,
        "demo": _demo,
        "credentials": _credentials,
    }[args.command]
    return handler(args)


def _run(args) -> int:
    from pipeline.run import run_cycle

    return run_cycle(args)


def _check(args) -> int:
    from pipeline.intake.check import check_files

    return check_files(args.files, inputs=args.inputs, login=args.login)


def _templates(args) -> int:
    from pipeline.templates import write_templates_cli

    return write_templates_cli(args.out, args.inputs)


def _demo(args) -> int:
    from pipeline.demo import generate_demo_cli

    return generate_demo_cli(args.scale, args.seed, args.out)


def _credentials(args) -> int:
    from pipeline.credentials import issue_credentials_cli

    return issue_credentials_cli(args.inputs, args.reports)
