"""A bounded look inside an OLE compound file: a legacy .xls, an encrypted OOXML package, or something else."""

import struct
from dataclasses import dataclass
from pathlib import Path

FREE_OR_END = 0xFFFFFFFA  # sector numbers from here up are markers, not sectors
FILEPASS, EOF_RECORD = 0x002F, 0x000A


class CompoundFileBroken(ValueError):
    """The compound file's structure is inconsistent; the message is Russian and shown to the sender."""


@dataclass(frozen=True)
class CompoundVerdict:
    workbook: bool  # has a Workbook/Book stream: a legacy Excel file
    encrypted: bool  # an encrypted OOXML package, or an .xls with a FILEPASS record
    description: str  # what it is, in Russian, when not a workbook


def describe_compound_file(path: Path) -> CompoundVerdict:
    """Read the directory of the compound file (the caller has bounded its size) and tell what it holds."""
    data = path.read_bytes()
    if len(data) < 512:
        raise CompoundFileBroken("файл Excel 97–2003 обрезан")
    major, byte_order, shift = struct.unpack_from("<HHH", data, 26)
    if major not in (3, 4) or byte_order != 0xFFFE or shift not in (9, 12):
        raise CompoundFileBroken("заголовок файла Excel 97–2003 повреждён")
    sector = 1 << shift
    fat = _fat(data, sector)
    entries = _directory(data, sector, fat)
    names = {name for name, _start, _size in entries}
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return CompoundVerdict(False, True, "")
    book = next(((start, size) for name, start, size in entries if name in ("Workbook", "Book")), None)
    if book is None:
        if "WordDocument" in names:
            return CompoundVerdict(False, False, "документ Word 97–2003 (.doc)")
        if "PowerPoint Document" in names:
            return CompoundVerdict(False, False, "презентация PowerPoint 97–2003 (.ppt)")
        return CompoundVerdict(False, False, "составной документ Microsoft Office, а не книга Excel")
    start, size = book
    return CompoundVerdict(True, size >= 4096 and _has_filepass(data, sector, start), "")


def _sector_bytes(data: bytes, sector: int, number: int) -> bytes:
    offset = (number + 1) * sector
    if number >= FREE_OR_END or offset + sector > len(data) + sector:
        raise CompoundFileBroken("файл Excel 97–2003 повреждён или обрезан")
    return data[offset : offset + sector]


def _fat(data: bytes, sector: int) -> list[int]:
    (fat_count,) = struct.unpack_from("<I", data, 44)
    difat_next, difat_count = struct.unpack_from("<II", data, 68)
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n < FREE_OR_END]
    seen = set()
    while difat_next < FREE_OR_END and len(seen) <= difat_count:
        if difat_next in seen:
            raise CompoundFileBroken("файл Excel 97–2003 повреждён (цикл в таблице секторов)")
        seen.add(difat_next)
        values = struct.unpack(f"<{sector // 4}I", _sector_bytes(data, sector, difat_next))
        fat_sectors += [n for n in values[:-1] if n < FREE_OR_END]
        difat_next = values[-1]
    if len(fat_sectors) > len(data) // sector + 1 or len(fat_sectors) < min(fat_count, 1):
        raise CompoundFileBroken("файл Excel 97–2003 повреждён (таблица секторов)")
    fat: list[int] = []
    for number in fat_sectors:
        chunk = _sector_bytes(data, sector, number)
        fat.extend(struct.unpack(f"<{len(chunk) // 4}I", chunk))
    return fat


def _chain(fat: list[int], start: int, limit: int) -> list[int]:
    chain, seen = [], set()
    while start < FREE_OR_END:
        if start in seen or start >= len(fat) or len(chain) > limit:
            raise CompoundFileBroken("файл Excel 97–2003 повреждён (цепочка секторов)")
        seen.add(start)
        chain.append(start)
        start = fat[start]
    return chain


def _directory(data: bytes, sector: int, fat: list[int]) -> list[tuple[str, int, int]]:
    (first,) = struct.unpack_from("<I", data, 48)
    entries = []
    for number in _chain(fat, first, len(data) // sector + 1):
        block = _sector_bytes(data, sector, number)
        for at in range(0, len(block) - 127, 128):
            (name_bytes,) = struct.unpack_from("<H", block, at + 64)
            kind = block[at + 66]
            if kind not in (1, 2, 5) or not 2 <= name_bytes <= 64:
                continue
            name = block[at : at + name_bytes - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", block, at + 116)
            entries.append((name, start, size & 0xFFFFFFFF if sector == 512 else size))
    return entries


def _has_filepass(data: bytes, sector: int, start: int) -> bool:
    """FILEPASS follows the first BOF record of an encrypted workbook; the first sector is enough to see it."""
    block = _sector_bytes(data, sector, start)
    at = 0
    while at + 4 <= len(block):
        kind, length = struct.unpack_from("<HH", block, at)
        if kind == FILEPASS:
            return True
        if kind == EOF_RECORD or (at == 0 and kind != 0x0809):
            return False
        at += 4 + length
    return False
