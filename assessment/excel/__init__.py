"""Excel gap reports out, edited workbooks back in. Pure domain code (no streamlit): the CLI and the dashboard
call these four names.

    export_workbook(workspace, ["KOR"], "ets185", as_of, out)   # a path or a binary stream (io.BytesIO)
    plan = read_workbook(path_or_bytes, workspace, store)        # never writes; plan.to_json()
    apply_plan(plan, store, user)                                # all or nothing, audited as source "excel"
"""

from .export import export_workbook
from .importer import CellError, Conflict, ImportPlan, PlannedChange, PlanRefused, apply_plan, read_workbook

__all__ = [
    "CellError",
    "Conflict",
    "ImportPlan",
    "PlanRefused",
    "PlannedChange",
    "apply_plan",
    "export_workbook",
    "read_workbook",
]
