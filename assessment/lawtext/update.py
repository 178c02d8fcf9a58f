"""`lawtext update`: bring a checkout of the statute texts up to date with `git pull --ff-only`, refusing a
folder that is not a checkout, has local changes or local commits, so the watch only ever reads the published
texts."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .history import checkout_of, git

PULL_TIMEOUT = 900  # seconds: the first pull of a large statutes repository can take minutes


class UpdateRefused(Exception):
    """Why the texts folder was not updated (a message for people)."""


@dataclass
class Updated:
    folder: Path
    before: str
    after: str
    files: list[str] = field(default_factory=list)  # paths the pull changed

    def to_json(self) -> dict:
        return {
            "texts": str(self.folder),
            "before": self.before,
            "after": self.after,
            "updated": self.before != self.after,
            "files": self.files,
        }


def _last_lines(text: str, n: int = 3) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[-n:]) or "no message"


def update_checkout(folder: Path) -> Updated:
    """Fast-forward `folder` (the top of a git checkout, or its `kr` folder) to its upstream; UpdateRefused says why not."""
    top, why = checkout_of(folder)
    if top is None:
        raise UpdateRefused(why)
    try:
        status = git(top, "status", "--porcelain", "--untracked-files=normal")
        if status.returncode != 0:
            raise UpdateRefused(f"git status failed in {top}: {_last_lines(status.stderr)}")
        if status.stdout.strip():
            changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
            shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            raise UpdateRefused(f"{top} has local changes ({shown}); commit, stash or discard them, then update again")
        upstream = git(top, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
        if upstream.returncode != 0:
            raise UpdateRefused(f"{top} has no upstream branch to pull from: {_last_lines(upstream.stderr)}")
        ahead = git(top, "rev-list", "--count", "@{upstream}..HEAD")
        if ahead.returncode == 0 and ahead.stdout.strip() not in ("", "0"):
            raise UpdateRefused(
                f"{top} has {ahead.stdout.strip()} local commit(s) not on {upstream.stdout.strip()}; "
                "the watch reads only the published texts"
            )
        before = git(top, "rev-parse", "HEAD").stdout.strip()
        pulled = git(top, "pull", "--ff-only", "--quiet", timeout=PULL_TIMEOUT)
        if pulled.returncode != 0:
            raise UpdateRefused(f"{top} could not be pulled: {_last_lines(pulled.stderr or pulled.stdout)}")
        after = git(top, "rev-parse", "HEAD").stdout.strip()
        files: list[str] = []
        if before and after and before != after:
            diff = git(top, "diff", "--name-only", before, after)
            files = diff.stdout.splitlines() if diff.returncode == 0 else []
    except FileNotFoundError:
        raise UpdateRefused("git is not installed") from None
    except subprocess.TimeoutExpired as exc:
        raise UpdateRefused(f"git did not finish within {exc.timeout:.0f} s in {top}") from None
    return Updated(folder, before, after, files)
