"""What keeps workbooks harmless both ways: text that looks like a formula stays text on the way out, and an
uploaded file is checked as a zip archive (size, entries, compression ratio, macros) before any XML is parsed.

The importer reads cells with python-calamine, whose XML parser neither loads DTDs nor expands entities; the
parts this module parses itself (content types, relationships) go through defusedxml. `check_upload` also
refuses any part that declares a DTD (the door to entity expansion attacks), zip bombs and macro-enabled
content, in the workbook and in any document embedded in it, all before a reader parses anything.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from ..i18n import Msg
from ..models import MAX_TEXT, cell_length

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
    """Undo the _xHHHH_ escapes of control characters in OOXML strings (openpyxl's read-only mode keeps them;
    calamine, which the importer reads with, has undone them already: never undo them twice)."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def fit_cell(text: str) -> str:
    """`text` as a spreadsheet cell holds it: cut after MAX_TEXT UTF-16 units, never inside a character beyond
    U+FFFF; what XlsxWriter writes (and Excel keeps) for a longer text. The models refuse such texts; only a
    Findings cell listing very many findings can be this long, and the importer recognises it by this cut."""
    if cell_length(text) <= MAX_TEXT:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_TEXT:
            return text[:index]
    return text


@dataclass
class UploadRefused(Exception):
    """The file is refused before parsing; `reason` is meant for the person who uploaded it."""

    reason: str

    def __str__(self) -> str:
        return self.reason


def check_upload(data: bytes, name: str | None = None) -> None:
    """Refuse files that are not plain .xlsx workbooks or that could exhaust memory when unpacked."""
    if name and name.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadRefused(
            Msg("{name} is a macro-enabled workbook; save it as an Excel Workbook (.xlsx) and try again", name=name)
        )
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(
            Msg(
                "the file is {size_mib} MiB; workbooks above {limit_mib} MiB are refused",
                size_mib=f"{len(data) / 2**20:.1f}",
                limit_mib=MAX_FILE_BYTES // 2**20,
            )
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRefused(
            Msg(
                "the file is an old-style .xls workbook or is password-protected; save it as an unprotected Excel Workbook (.xlsx)"
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadRefused(
            Msg("the file is not an Excel workbook (.xlsx): it is not a zip archive, or it is damaged")
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UploadRefused(
                Msg(
                    "the workbook holds {parts} parts; more than {limit} is refused as suspicious",
                    parts=len(entries),
                    limit=MAX_ENTRIES,
                )
            )
        total = 0
        for entry in entries:
            lower = entry.filename.lower()
            if lower.endswith("vbaproject.bin") or "/activex/" in lower:
                raise UploadRefused(
                    Msg(
                        "the workbook carries macros or ActiveX controls ({part}); save it as an Excel Workbook (.xlsx) without macros",
                        part=entry.filename,
                    )
                )
            if entry.flag_bits & 0x1:
                raise UploadRefused(Msg("the workbook is encrypted; save it without a password"))
            total += entry.file_size
            if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise UploadRefused(
                    Msg(
                        "{part} unpacks to {size_mib} MiB from {packed_kib} KiB; a compression ratio this high is "
                        "refused as a possible zip bomb",
                        part=entry.filename,
                        size_mib=f"{entry.file_size / 2**20:.0f}",
                        packed_kib=f"{entry.compress_size / 2**10:.0f}",
                    )
                )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UploadRefused(
                Msg(
                    "the workbook unpacks to {size_mib} MiB; more than {limit_mib} MiB is refused",
                    size_mib=f"{total / 2**20:.0f}",
                    limit_mib=MAX_UNCOMPRESSED_BYTES // 2**20,
                )
            )
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UploadRefused(Msg("the file is a zip archive but not an Excel workbook (.xlsx)"))
        _refuse_active_content(archive, entries, budget=[MAX_UNCOMPRESSED_BYTES - total])
        _refuse_dtds(archive, entries)


class UnsafeXml(UploadRefused):
    """A part declares a DTD (entity declarations): refused before any parser sees it."""


UNSAFE_XML = Msg(
    "the workbook contains XML constructs (entity declarations) that are refused for safety; save it again as .xlsx "
    "from a spreadsheet program"
)
_XML_PARTS = (".xml", ".rels", ".vml")


def _refuse_dtds(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a DOCTYPE (and so any entity declaration) in the prolog of every XML part, reading only the prolog.
    A DTD can appear nowhere else in a well-formed part; parts in UTF-16 are refused too (no spreadsheet
    program writes them, and a byte scan could not read their prolog)."""
    for entry in entries:
        if entry.is_dir():
            continue
        # every part, whatever its name: a relationship may point a reader at a sheet called "data.bin"
        with archive.open(entry) as part:
            if _prolog_declares_dtd(part, named_xml=entry.filename.lower().endswith(_XML_PARTS)):
                raise UnsafeXml(UNSAFE_XML)


def _prolog_declares_dtd(part: IO[bytes], named_xml: bool = True) -> bool:
    """Skip the XML declaration, processing instructions, comments and blanks before the root element; True
    when a <!DOCTYPE (or any other <! declaration) is met there, or an XML part is in UTF-16. Memory stays bounded
    however long a comment is."""
    buffer = part.read(64 * 1024)
    eof = not buffer
    if named_xml and (buffer[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in buffer[:4]):
        return True
    buffer = buffer.removeprefix(b"\xef\xbb\xbf")
    while True:
        buffer = buffer.lstrip(b" \t\r\n")
        while len(buffer) < 4 and not eof:
            chunk = part.read(64 * 1024)
            eof, buffer = not chunk, (buffer + chunk).lstrip(b" \t\r\n")
        if not (buffer.startswith(b"<?") or buffer.startswith(b"<!--")):
            return buffer.startswith(b"<!")
        start, marker = (2, b"?>") if buffer.startswith(b"<?") else (4, b"-->")
        pos = buffer.find(marker, start)
        while pos < 0 and not eof:
            if len(buffer) > start + len(marker):  # keep the opening and a terminator that may be split
                buffer = buffer[:start] + buffer[len(buffer) - len(marker) + 1 :]
            chunk = part.read(64 * 1024)
            eof, buffer = not chunk, buffer + chunk
            pos = buffer.find(marker, start)
        if pos < 0:
            return False  # unterminated: the reader refuses the damaged part
        buffer = buffer[pos + len(marker) :]


_TYPE_ATTRIBUTE = re.compile(rb"""\bType\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CHAR_REF = re.compile(r"&#(x[0-9A-Fa-f]+|[0-9]+);")
_NAMED_REFS = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _relationship_types(xml: bytes) -> set[str]:
    """The distinct Type="..." attribute values of a relationships part, with character references resolved (a
    sheet's hyperlinks make these parts megabytes long, with one Type repeated for every link: a regex reads them
    ten times faster than an XML parser, and each distinct value is resolved and checked once).
    No other entity can occur: a part with a DTD is refused (`_refuse_dtds`)."""
    out = set()
    for raw in {m.group(1) if m.group(1) is not None else m.group(2) for m in _TYPE_ATTRIBUTE.finditer(xml)}:
        value = raw.decode("utf-8", "replace")
        if "&" in value:
            try:
                value = _CHAR_REF.sub(
                    lambda c: chr(int(c.group(1)[1:], 16) if c.group(1)[0] == "x" else int(c.group(1))), value
                )
            except (ValueError, OverflowError):
                raise UploadRefused(
                    Msg("the workbook's relationships hold a character that does not exist; save it again as .xlsx")
                ) from None
            for ref, ch in _NAMED_REFS.items():
                value = value.replace(ref, ch)
            value = value.replace("&amp;", "&")
        out.add(value)
    return out


#: Content types and relationship types of parts that run code; matched on the parsed XML (a byte search misses
#: a character reference such as vba&#80;roject).
_ACTIVE_MARKERS = ("macroenabled", "vbaproject", "activex", "vbadata", "macrosheet", "xlmacro")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
#: Office documents that may carry macros, by name (Excel stores an embedded one under its own extension)
MACRO_ENABLED_SUFFIXES = (
    ".xlsm",
    ".xltm",
    ".xlam",
    ".xlsb",
    ".docm",
    ".dotm",
    ".pptm",
    ".potm",
    ".ppsm",
    ".ppam",
    ".sldm",
)
MAX_NESTING = 3  # a document embedded in a document embedded in the workbook is as deep as we look (and accept)


def _refuse_active_content(
    archive: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    inside: tuple[str, ...] = (),
    budget: list[int] | None = None,
) -> None:
    """Refuse macros whatever the part is called: by declared content type, by relationship type, by name and by
    content (a VBA project is an OLE compound file; an .xlsx has none). An embedded document that is itself a
    package (a Word file in xl/embeddings/, whatever it is called) is opened and checked the same way, so a
    macro-enabled .docm inside the workbook is refused too. `inside` names the packages being looked into,
    `budget` the bytes they may still unpack to (shared with the workbook's own limit)."""
    from defusedxml.ElementTree import fromstring

    budget = budget if budget is not None else [MAX_UNCOMPRESSED_BYTES]

    def where(name: str) -> str:
        return " in ".join((name, *reversed(inside)))

    def attributes(name: str, attribute: str) -> list[str]:
        try:
            root = fromstring(archive.read(name))
        except Exception:  # noqa: BLE001 - unreadable XML is refused later, when openpyxl parses it
            return []
        return [el.get(attribute, "") for el in root.iter()]

    for value in attributes("[Content_Types].xml", "ContentType"):
        if any(m in value.lower() for m in _ACTIVE_MARKERS):
            if inside:
                raise UploadRefused(
                    Msg(
                        "the workbook embeds a macro-enabled document ({part} declares {declared}); "
                        "remove it, or embed it without macros, and save the workbook as .xlsx",
                        part=where("[Content_Types].xml"),
                        declared=value,
                    )
                )
            raise UploadRefused(
                Msg(
                    "the workbook is macro-enabled (.xlsm): it declares {declared}; save it as an Excel Workbook (.xlsx) without macros",
                    declared=value,
                )
            )
    for entry in entries:
        lower = entry.filename.lower()
        if inside and (lower.endswith("vbaproject.bin") or "/activex/" in lower):
            raise UploadRefused(
                Msg(
                    "the workbook embeds a document that carries macros or ActiveX controls ({part}); remove it and "
                    "save the workbook as .xlsx",
                    part=where(entry.filename),
                )
            )
        if lower.endswith(MACRO_ENABLED_SUFFIXES):
            raise UploadRefused(
                Msg(
                    "the workbook embeds a macro-enabled document ({part}); remove it, or embed it without macros, "
                    "and save the workbook as .xlsx",
                    part=where(entry.filename),
                )
            )
        if lower.endswith(".rels"):
            for value in _relationship_types(archive.read(entry.filename)):
                if any(m in value.lower() for m in _ACTIVE_MARKERS):
                    raise UploadRefused(
                        Msg(
                            "the workbook links macros or ActiveX controls ({part}); save it as an Excel Workbook (.xlsx) without macros",
                            part=where(entry.filename),
                        )
                    )
        elif not entry.is_dir():
            with archive.open(entry) as part:
                head = part.read(8)
            if head == _OLE_MAGIC:
                raise UploadRefused(
                    Msg(
                        "the workbook carries an embedded program or object ({part}); save it as an Excel Workbook (.xlsx) without macros",
                        part=where(entry.filename),
                    )
                )
            if head.startswith(_ZIP_MAGIC):
                _refuse_embedded_package(archive, entry, inside, budget)


def _refuse_embedded_package(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, inside: tuple[str, ...], budget: list[int]
) -> None:
    """Look into a part that is a zip archive (an embedded Office document, whatever its name says) under the same
    limits as the workbook itself: size, parts, compression ratio, encryption, DTDs, and then macros."""
    name = " in ".join((entry.filename, *reversed(inside)))
    if len(inside) + 1 > MAX_NESTING:
        raise UploadRefused(
            Msg(
                "the workbook embeds documents nested more than {limit} deep ({name}); remove them and save the workbook as .xlsx",
                limit=MAX_NESTING,
                name=name,
            )
        )
    if entry.file_size > MAX_FILE_BYTES:
        raise UploadRefused(
            Msg(
                "the workbook embeds a document of {size_mib} MiB ({name}); embedded documents above {limit_mib} MiB are refused",
                size_mib=f"{entry.file_size / 2**20:.0f}",
                name=name,
                limit_mib=MAX_FILE_BYTES // 2**20,
            )
        )
    try:
        nested = zipfile.ZipFile(io.BytesIO(archive.read(entry)))
    except zipfile.BadZipFile:
        return  # not an archive after all: nothing in it can run
    with nested:
        entries = nested.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UploadRefused(
                Msg(
                    "the workbook embeds a document of {parts} parts ({name}); more than {limit} is refused as suspicious",
                    parts=len(entries),
                    name=name,
                    limit=MAX_ENTRIES,
                )
            )
        for part in entries:
            if part.flag_bits & 0x1:
                raise UploadRefused(
                    Msg(
                        "the workbook embeds an encrypted document ({name}), which cannot be checked for macros; "
                        "remove it and save the workbook as .xlsx",
                        name=name,
                    )
                )
            budget[0] -= part.file_size
            if budget[0] < 0 or (
                part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1)
            ):
                raise UploadRefused(
                    Msg(
                        "the workbook embeds a document that unpacks to too much ({name}); it is refused as a possible zip bomb",
                        name=name,
                    )
                )
        _refuse_dtds(nested, entries)
        _refuse_active_content(nested, entries, (*inside, entry.filename), budget)
