"""How a sheet column is declared: its Russian header and help text, the kind of value it holds, its checks."""

from dataclasses import dataclass

import pandera.pandas as pa

# What a column holds decides how its text is parsed (schemas.parse) and how templates offer it.
KINDS = (
    "text",  # free text
    "name",  # a person's name part: Cyrillic, look-alike Latin letters repaired
    "code",  # an identifier kept exactly as typed ("0012" stays "0012")
    "int",  # a whole number
    "year",  # a four-digit year
    "date",  # a calendar date, shown as 15.10.2026
    "date_or_indefinite",  # a date or «бессрочно»
    "enum",  # one value of a closed list
    "multienum",  # several values of a closed list, separated by «;»
    "bool",  # да / нет
    "email",
    "phone",
    "municipality",  # a municipal formation of the region, by code or name
    "place",  # a municipality or «дистанционно»
    "places",  # several places, or «все муниципалитеты»
    "login",
)


@dataclass(frozen=True)
class ColumnInfo:
    """A column's metadata, read back from a model for templates, help pages and header matching."""

    name: str
    header: str
    description: str
    kind: str
    required: bool
    aliases: tuple[str, ...]
    values: tuple[str, ...] | None
    list_name: str | None
    example: str
    personal: bool


def column(
    header: str,
    description: str,
    kind: str = "text",
    *,
    required: bool = True,
    aliases: tuple[str, ...] = (),
    values: tuple[str, ...] | None = None,
    list_name: str | None = None,
    example: str = "",
    personal: bool = False,
    **checks,
):
    """A pandera Field carrying the Russian header, help text and value kind as metadata."""
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}")
    if kind == "enum" and values is not None:
        checks.setdefault("isin", list(values))
    return pa.Field(
        nullable=not required,
        title=header,
        description=description,
        metadata={
            "kind": kind,
            "aliases": tuple(aliases),
            "values": tuple(values) if values is not None else None,
            "list_name": list_name,
            "example": example,
            "personal": personal,
        },
        **checks,
    )


def columns_of(model: type[pa.DataFrameModel]) -> list[ColumnInfo]:
    """The model's columns in declaration order, with their Russian metadata."""
    schema = model.to_schema()
    # Inherited columns come first in pandera; a model may name the order a person reads them in.
    order = tuple((getattr(model.Config, "metadata", None) or {}).get("column_order", ()))
    names = [n for n in order if n in schema.columns] + [n for n in schema.columns if n not in order]
    infos = []
    for name in names:
        col = schema.columns[name]
        meta = (col.metadata or {}) if hasattr(col, "metadata") else {}
        infos.append(
            ColumnInfo(
                name=name,
                header=col.title or name,
                description=col.description or "",
                kind=meta.get("kind", "text"),
                required=not col.nullable,
                aliases=tuple(meta.get("aliases", ())),
                values=meta.get("values"),
                list_name=meta.get("list_name"),
                example=meta.get("example", ""),
                personal=bool(meta.get("personal", False)),
            )
        )
    return infos
