"""The Excel loop in the real app: an aide downloads a gap report from the Country page; an editor uploads an
edited copy on the Import page, sees the one change, saves it; a macro-enabled file is refused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl

from assessment import service
from assessment.excel import export_workbook
from assessment.store import SYSTEM
from tests.e2e.staff import WAIT_MS, sign_in
from tests.e2e.staff import add_user as editor
from tests.e2e.staff import new_page as _new_page
from tests.e2e.test_browser import _left_the_machine

SEEN: list[str] = []
ELEMENT = "ets185.art16.e8"


def new_page(browser):  # type: ignore[no-untyped-def]
    return _new_page(browser, SEEN, accept_downloads=True)


def test_country_page_downloads_the_gap_report(browser, base: str) -> None:
    page = new_page(browser)
    page.goto(f"{base}/country?iso=KOR&treaty=ets185&as_of=2025-08-21")
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Download the gap report (Excel)").click()
    assert download.value.suggested_filename == "gaps-KOR-ets185-2025-08-21.xlsx"
    with open(download.value.path(), "rb") as f:
        wb = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True)
    assert {"README", "Summary", "Gaps", "Assessment", "Provisions", "Bills", "Sources"} <= set(wb.sheetnames)
    page.context.close()


def test_upload_an_edited_workbook_and_save_the_change(browser, base: str, tmp_path: Path) -> None:
    ws = service.load_workspace(user=SYSTEM)
    buffer = io.BytesIO()
    export_workbook(ws, ["KOR"], "ets185", dt.date.today(), buffer, store=service.store())
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = wb["Assessment"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == ELEMENT)
    note = f"Edited offline {dt.datetime.now():%H%M%S}"
    row[header.index("Note")].value = note
    path = tmp_path / "kor-edited.xlsx"
    wb.save(path)
    before = service.store().assessment("KOR", ELEMENT).version

    page = new_page(browser)
    sign_in(page, base, editor())
    page.get_by_role("link", name="Import").click()
    page.get_by_text("Import an edited gap report").wait_for(timeout=WAIT_MS)
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_text("1 change(s)", exact=True).wait_for(timeout=WAIT_MS)
    assert service.store().assessment("KOR", ELEMENT).version == before  # nothing written before confirming
    # the preview names the field as the workbook's column does and never shows a bare 'None'
    cells = page.wait_for_function(
        """() => { const c = [...document.querySelectorAll('[data-testid="stDataFrame"] td')].map(x => x.innerText);
                   return c.includes('Note') ? c : null; }""",
        timeout=WAIT_MS,
    ).json_value()
    assert "None" not in cells and note in cells
    page.get_by_role("button", name="Save these 1 change(s)").click()
    page.get_by_text("Saved 1 change(s)").wait_for(timeout=WAIT_MS)
    after = service.store().assessment("KOR", ELEMENT)
    assert after.version == before + 1 and after.note == note
    assert service.store().history("KOR", ELEMENT)[-1].source == "excel"

    macro = tmp_path / "kor.xlsm"
    macro.write_bytes(path.read_bytes())
    page.locator("input[type='file']").set_input_files(str(macro))
    page.get_by_text("The workbook was refused").wait_for(timeout=WAIT_MS)
    page.screenshot(path="/tmp/e2e-import.png", full_page=True)
    # Issue 22: a file refused as a whole is refused in the language of the page that uploaded it
    page.goto(page.url.split("?")[0] + "?lang=ko")
    page.locator("input[type='file']").set_input_files(str(macro))
    page.get_by_text("매크로 사용 통합 문서입니다").wait_for(
        state="attached", timeout=WAIT_MS
    )  # a cell of the problems grid
    assert not page.get_by_text("is a macro-enabled workbook").count()
    page.context.close()


def test_no_request_left_the_machine() -> None:
    assert SEEN and not _left_the_machine(SEEN), _left_the_machine(SEEN)
