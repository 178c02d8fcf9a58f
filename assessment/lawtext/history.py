"""Earlier versions of the statute texts, from the git history of the texts folder (a checkout of legalize-kr,
whose history holds every consolidated version): what an article said in the version a provision was read in.

Only git itself is run (`rev-parse`, `log`, `cat-file`), read-only, on the checkout the user pointed to; a folder
that is not the top of a checkout (or its `kr` folder) has no history, and then the watch works without it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..models import LawVersion
from .parse import MAX_FILE_BYTES, LawTextError, StatuteFile, parse_statute_bytes, read_front_matter

GIT_TIMEOUT = 120  # seconds for one read-only git command
#: Variables that would point git at another repository or index than the folder's own.
_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
)


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_LITERAL_PATHSPECS="1", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return env


def git(folder: Path, *args: str, timeout: float = GIT_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run git in `folder`; FileNotFoundError when git is not installed."""
    return subprocess.run(
        ["git", "-C", str(folder), "-c", "core.quotepath=off", *args],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env=git_env(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def checkout_of(folder: Path) -> tuple[Path | None, str]:
    """(top of the checkout, '') when `folder` is the top of a git checkout or its `kr` folder; else (None, why)."""
    try:
        found = git(folder, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        return None, "git is not installed"
    except subprocess.TimeoutExpired:
        return None, "git did not answer"
    if found.returncode != 0:
        return None, f"{folder} is not a git checkout"
    top = Path(found.stdout.strip()).resolve()
    here = folder.resolve()
    if here == top or (here.parent == top and here.name == "kr"):
        return top, ""
    return None, f"{folder} is inside the git checkout {top}, not the top of a checkout of statute texts"


@dataclass(frozen=True)
class Pinned:
    """The commit whose file carries a pinned version, and that version of the statute."""

    commit: str
    statute: StatuteFile


class History:
    """A statute file's earlier versions in the folder's git history (read lazily, each blob parsed once)."""

    def __init__(self, folder: Path):
        self.top, self.why_not = checkout_of(folder)
        self._process: subprocess.Popen[bytes] | None = None
        self._logs: dict[str, list[str]] = {}
        self._versions: dict[tuple[str, str], LawVersion | None] = {}
        self._parsed: dict[tuple[str, str], StatuteFile | None] = {}
        self._pinned: dict[tuple[str, str], Pinned | None] = {}

    @property
    def available(self) -> bool:
        return self.top is not None

    def close(self) -> None:
        if self._process is not None:
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def relative(self, path: Path) -> str | None:
        """The file's path inside the checkout, as git names it; None when it is not inside."""
        if self.top is None:
            return None
        try:
            return path.resolve().relative_to(self.top).as_posix()
        except ValueError:
            return None

    def prefetch(self, rels: list[str]) -> None:
        """Read the commits of several files in one walk of the history (a statutes repository has many
        thousands of commits; one `git log` per file would walk them all each time)."""
        wanted = [r for r in dict.fromkeys(rels) if r not in self._logs]
        if self.top is None or len(wanted) < 2:
            return
        try:
            log = git(self.top, "log", "--format=%x00%H", "--name-only", "--no-renames", "--", *wanted)
        except (OSError, subprocess.TimeoutExpired):
            return
        if log.returncode != 0:
            return
        found: dict[str, list[str]] = {r: [] for r in wanted}
        for record in log.stdout.split("\0")[1:]:
            commit, *names = record.split("\n")
            for name in names:
                if name in found:
                    found[name].append(commit.strip())
        self._logs.update(found)

    def commits(self, rel: str) -> list[str]:
        """Commits that touched `rel`, newest first (on the checked-out branch)."""
        if rel not in self._logs:
            self._logs[rel] = []
            if self.top is not None:
                try:
                    log = git(self.top, "log", "--format=%H", "--no-renames", "--", rel)
                except (OSError, subprocess.TimeoutExpired):
                    log = None
                if log is not None and log.returncode == 0:
                    self._logs[rel] = log.stdout.split()
        return self._logs[rel]

    def _blob(self, commit: str, rel: str) -> bytes | None:
        """The file as it was in `commit` (None when absent, not a file, or over the size cap)."""
        if self.top is None:
            return None
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    ["git", "-C", str(self.top), "cat-file", "--batch"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=git_env(),
                )
            except OSError:
                self.top = None
                return None
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(f"{commit}:{rel}\n".encode())
            stdin.flush()
            header = stdout.readline().decode("utf-8", "replace").split()
            if len(header) != 3 or not header[2].isdigit():
                return None  # "<name> missing"
            size = int(header[2])
            if header[1] != "blob" or size > MAX_FILE_BYTES:
                _drain(stdout, size + 1)
                return None
            data = stdout.read(size + 1)[:size]
        except (OSError, ValueError):
            self.close()
            self.top = None
            return None
        return data

    def version_at(self, commit: str, rel: str) -> LawVersion | None:
        """The version a commit's file names in its front matter (only the front matter is read)."""
        key = (commit, rel)
        if key not in self._versions:
            raw = self._blob(commit, rel)
            try:
                self._versions[key] = None if raw is None else read_front_matter(f"{rel}@{commit[:10]}", raw)
            except LawTextError:
                self._versions[key] = None
        return self._versions[key]

    def statute_at(self, commit: str, rel: str) -> StatuteFile | None:
        """The whole statute as it was in `commit`; None when it was not readable then."""
        key = (commit, rel)
        if key not in self._parsed:
            raw = self._blob(commit, rel)
            try:
                self._parsed[key] = None if raw is None else parse_statute_bytes(f"{rel}@{commit[:10]}", raw)
            except LawTextError:
                self._parsed[key] = None
        return self._parsed[key]

    def pinned(self, rel: str, version: LawVersion) -> Pinned | None:
        """The newest commit whose file carries the pinned version's 공포번호, walking back from HEAD and stopping
        once the versions are older than the pinned one."""
        key = (rel, version.number)
        if key not in self._pinned:
            self._pinned[key] = None
            for commit in self.commits(rel):
                found = self.version_at(commit, rel)
                if found is None:
                    continue
                if found.number == version.number:
                    statute = self.statute_at(commit, rel)
                    self._pinned[key] = None if statute is None else Pinned(commit, statute)
                    break
                if found.promulgated < version.promulgated:
                    break
        return self._pinned[key]

    def introduced(self, rel: str, label: str, sha256: str, pinned: Pinned) -> tuple[str, LawVersion] | None:
        """The oldest version since the pinned one that already reads as the article reads now (the version that
        brought the change): (commit, version). None when the newest commit does not read so (local edits)."""
        found: tuple[str, LawVersion] | None = None
        for commit in self.commits(rel):
            if commit == pinned.commit:
                break
            statute = self.statute_at(commit, rel)
            article = statute.articles.get(label) if statute is not None else None
            if statute is None or article is None or article.sha256 != sha256:
                break
            found = (commit, statute.version)
        return found


def _drain(stream: object, size: int) -> None:
    read = stream.read  # type: ignore[attr-defined]
    while size > 0:
        chunk = read(min(size, 1 << 20))
        if not chunk:
            break
        size -= len(chunk)


def promulgated_after(day: dt.date | None, since: dt.date | None) -> bool:
    """Whether a change promulgated on `day` is reported under `--since` (unknown days always are)."""
    return since is None or day is None or day > since
