"""What keeps workbooks harmless both ways: text that looks like a formula stays text on the way out, and an
uploaded file is checked as a zip archive (size, entries, compression ratio, macros) before any XML is parsed.

openpyxl parses the XML with defusedxml when it is installed (requirements.txt pins it), which refuses entity
expansion attacks; `check_upload` refuses what defusedxml cannot see: zip bombs and macro-enabled content.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

#: Text starting with one of these would be a formula (or DDE payload) if a spreadsheet parsed it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 200-country export is about 6 MiB
MAX_ENTRIES = 2_000  # our exports have about 25
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # XML of a spreadsheet compresses 5-30x; zip bombs 1000x and more
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries may compress very well without harm

_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def unescape_ooxml(text: str) -> str:
    """Undo the _xHHHH_ escapes of control characters in OOXML strings (openpyxl's read-only mode keeps them)."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


@dataclass
class UploadRefused(Exception):
    """The file is refused before parsing; `reason` is meant for the person who uploaded it."""

    reason: str

    def __str__(self) -> str:
        return self.reason


def check_upload(data: bytes, name: str | None = None) -> None:
    """Refuse files that are not plain .xlsx workbooks or that could exhaust memory when unpacked."""
    if name and name.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadRefused(f"{name} is a macro-enabled workbook; save it as an Excel Workbook (.xlsx) and try again")
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(f"the file is {len(data) / 2**20:.1f} MiB; workbooks above {MAX_FILE_BYTES // 2**20} MiB are refused")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRefused("the file is an old-style .xls workbook or is password-protected; save it as an unprotected Excel Workbook (.xlsx)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadRefused("the file is not an Excel workbook (.xlsx): it is not a zip archive, or it is damaged") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UploadRefused(f"the workbook holds {len(entries)} parts; more than {MAX_ENTRIES} is refused as suspicious")
        total = 0
        for entry in entries:
            lower = entry.filename.lower()
            if lower.endswith("vbaproject.bin") or "/activex/" in lower:
                raise UploadRefused(f"the workbook carries macros or ActiveX controls ({entry.filename}); save it as an Excel Workbook (.xlsx) without macros")
            if entry.flag_bits & 0x1:
                raise UploadRefused("the workbook is encrypted; save it without a password")
            total += entry.file_size
            if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise UploadRefused(
                    f"{entry.filename} unpacks to {entry.file_size / 2**20:.0f} MiB from {entry.compress_size / 2**10:.0f} KiB; "
                    "a compression ratio this high is refused as a possible zip bomb"
                )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UploadRefused(f"the workbook unpacks to {total / 2**20:.0f} MiB; more than {MAX_UNCOMPRESSED_BYTES // 2**20} MiB is refused")
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UploadRefused("the file is a zip archive but not an Excel workbook (.xlsx)")
        _refuse_active_content(archive, entries)


#: Content types and relationship types of parts that run code; matched on the parsed XML (a byte search misses
#: a character reference such as vba&#80;roject).
_ACTIVE_MARKERS = ("macroenabled", "vbaproject", "activex", "vbadata", "macrosheet", "xlmacro")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse_active_content(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse macros whatever the part is called: by declared content type, by relationship type, and by content
    (a VBA project is an OLE compound file; an .xlsx has none)."""
    from defusedxml.ElementTree import fromstring

    def attributes(name: str, attribute: str) -> list[str]:
        try:
            root = fromstring(archive.read(name))
        except Exception:  # noqa: BLE001 - unreadable XML is refused later, when openpyxl parses it
            return []
        return [el.get(attribute, "") for el in root.iter()]

    for value in attributes("[Content_Types].xml", "ContentType"):
        if any(m in value.lower() for m in _ACTIVE_MARKERS):
            raise UploadRefused(f"the workbook is macro-enabled (.xlsm): it declares {value}; save it as an Excel Workbook (.xlsx) without macros")
    for entry in entries:
        if entry.filename.lower().endswith(".rels"):
            for value in attributes(entry.filename, "Type"):
                if any(m in value.lower() for m in _ACTIVE_MARKERS):
                    raise UploadRefused(f"the workbook links macros or ActiveX controls ({entry.filename}); save it as an Excel Workbook (.xlsx) without macros")
        elif not entry.is_dir():
            with archive.open(entry) as part:
                if part.read(8) == _OLE_MAGIC:
                    raise UploadRefused(f"the workbook carries an embedded program or object ({entry.filename}); save it as an Excel Workbook (.xlsx) without macros")
