"""app_pages._data, the pages' one door: here the approved score that staff see beside a draft."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from app_pages import _data
from assessment import service
from assessment.catalog import PROJECT_ROOT
from assessment.models import Judgment
from assessment.store import SYSTEM
from assessment.vocab import percent

APP = str(PROJECT_ROOT / "app.py")


def test_country_page_takes_the_approved_score_from_data_beside_the_draft(monkeypatch) -> None:
    """Issue 23: the Country page asks `_data.approved_score` (cached on the approved data's version) instead of
    building a whole brief of the approved copy inside the page."""
    today = dt.date.today()
    store = service.store()
    approved = service.load_workspace(user=None).engine.score_country("KOR", "ets185", today)
    status = dict(zip(approved.elements["id"], approved.elements["status"].astype(str)))
    element = next(e for e, s in status.items() if s == "in_place")
    before = store.assessment("KOR", element)
    differs = Judgment(
        status="missing",
        reason="A draft reading for this test: the cited law does not reach it.",
        source=service.catalog().country("KOR").sources[0].id,
    )
    store.save_assessment(
        SYSTEM,
        "KOR",
        element,
        findings=before.findings,
        judgment=differs,
        note=before.note,
        expected_version=before.version,
    )
    built = []  # the view of every Workspace a brief is asked of
    real_brief = _data.brief
    monkeypatch.setattr(_data, "brief", lambda ws, *args, **kw: built.append(ws.view) or real_brief(ws, *args, **kw))
    try:
        assert _data.approved_score("KOR", "ets185", today) == approved.score is not None
        name = "test-data-editor"
        user = store.user(name) or store.add_user(SYSTEM, name, "editor", "password-long-1", ("KOR",))
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["session_token"] = store.start_session(user)
        at.run()
        at.query_params.update({"iso": "KOR", "treaty": "ets185"})
        at = at.switch_page("app_pages/country.py").run()
        assert not at.exception, [e.value for e in at.exception]
        draft = service.load_workspace(user=SYSTEM).engine.score_country("KOR", "ets185", today).score
        assert draft is not None and draft < approved.score
        notice = next(w.value for w in at.warning if "Approved readiness on" in w.value)
        assert f"**{percent(approved.score)}** (draft: {percent(draft)})" in notice, notice
        assert "working" in built and "published" not in built, built  # no brief of the approved copy for one number
    finally:
        now = store.assessment("KOR", element)
        store.save_assessment(
            SYSTEM,
            "KOR",
            element,
            findings=before.findings,
            judgment=before.judgment,
            note=before.note,
            expected_version=now.version,
        )
