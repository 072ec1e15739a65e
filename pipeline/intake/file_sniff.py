"""What a file that is not a spreadsheet looks like, told in a few Russian words from its first bytes."""

import re

MAGIC = (
    (b"%PDF", "документ PDF"),
    (b"\x89PNG\r\n\x1a\n", "изображение PNG"),
    (b"\xff\xd8\xff", "изображение JPEG"),
    (b"GIF87a", "изображение GIF"),
    (b"GIF89a", "изображение GIF"),
    (b"II*\x00", "изображение TIFF"),
    (b"MM\x00*", "изображение TIFF"),
    (b"{\\rtf", "документ RTF"),
    (b"Rar!\x1a\x07", "архив RAR"),
    (b"7z\xbc\xaf\x27\x1c", "архив 7z"),
    (b"\x1f\x8b", "архив gzip"),
    (b"MZ", "исполняемая программа Windows"),
    (b"\x7fELF", "исполняемая программа"),
)
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def describe_bytes(head: bytes, size: int) -> str:
    """'текстовый файл CSV', 'изображение PNG', ... for the file's first bytes."""
    if size == 0:
        return "пустой файл (0 байт)"
    for magic, title in MAGIC:
        if head.startswith(magic):
            return title
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "изображение WebP"
    text = _as_text(head)
    if text is None:
        return "файл неизвестного вида (не таблица)"
    lowered = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return "таблица XML 2003 (SpreadsheetML)"
    if lowered.startswith(("<!doctype html", "<html")) or re.search(
        r"<(table|body|head)[\s>]", lowered[:2048]
    ):
        return "веб-страница HTML"
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        return "файл XML"
    if _looks_delimited(text):
        return "текстовый файл CSV"
    return "текстовый файл"


def _as_text(head: bytes) -> str | None:
    for bom, encoding in zip(BOMS, ("utf-8", "utf-16-le", "utf-16-be"), strict=True):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, "ignore")
    if b"\x00" in head:
        return None
    for trim in range(4):  # the head may end inside a multi-byte letter
        try:
            return head[: len(head) - trim].decode("utf-8")
        except UnicodeDecodeError:
            continue
    text = head.decode("cp1251", "replace")  # the Windows Cyrillic code page that old CSV exports use
    if sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
        return text
    return None


def _looks_delimited(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return False
    for delimiter in (";", ",", "\t"):
        counts = [line.count(delimiter) for line in lines[:-1] or lines]
        if counts and min(counts) > 0 and max(counts) == min(counts):
            return True
    return False
