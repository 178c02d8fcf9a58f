"""A problem found in a data file, said for people: file, line, field and reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import Msg


def field_path(loc: Sequence[str | int]) -> str:
    """('assessments', 3, 'element') -> 'assessments[3].element'"""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out or "(document)"


def validation_messages(exc: ValueError, whole: str = "value") -> list[str]:
    """A pydantic ValidationError as 'field: reason' messages for people (`whole` names an error of the whole
    object); any other ValueError as its text."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return [_said(exc) or str(exc)]
    out = []
    for e in errors():
        reason = _said((e.get("ctx") or {}).get("error")) or str(e["msg"]).removeprefix("Value error, ")
        out.append(Msg("{field}: {reason}", field=".".join(map(str, e["loc"])) or whole, reason=reason))
    return out


def _said(exc: object) -> Msg | None:
    """The Msg an exception was raised with (so a page can say it in the reader's language), else None."""
    args = getattr(exc, "args", ())
    return args[0] if isinstance(exc, BaseException) and len(args) == 1 and isinstance(args[0], Msg) else None


@dataclass(frozen=True)
class Problem:
    file: str
    loc: tuple[str | int, ...]
    reason: str
    line: int | None = field(default=None, compare=False)

    @property
    def field(self) -> str:
        return field_path(self.loc)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.reason}"


class CatalogInvalid(Exception):
    """Raised when checklists or data do not validate; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the checklists or data:\n{shown}{more}")


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
