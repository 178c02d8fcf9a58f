"""Review: a country's assessment goes draft -> in review -> approved, and approving publishes what aides see.

Here are the rules (the state each step starts from and leaves, who may take it, the four-eyes rule) and what the
Review page shows (the queue of countries, the steps one user is offered, the law that changed under an
assessment), as pure functions over what the store returns. The store takes each step in one transaction under
the country's lock and asks these rules there (assessment/store/review_steps.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .i18n import Msg
from .vocab import ReviewState, review_word

if TYPE_CHECKING:  # the store imports these rules, so this module imports nothing of the store's at run time
    from .lawtext.watch import LawChange
    from .store.auth import User


class Step(StrEnum):
    """A step of review (the CLI's `review submit|approve|return`)."""

    submit = "submit"
    approve = "approve"
    send_back = "send_back"


@dataclass(frozen=True)
class StepRule:
    start: ReviewState  # the state the step starts from: in any other, it is refused and nothing is written
    end: ReviewState  # the state it leaves
    reviewers_only: bool  # True: reviewers and admins take it; False: whoever may edit the country
    second_person: bool  # the four-eyes rule applies (`four_eyes_refusal`)
    asks_comment: bool  # the Review page asks what needs to change first (the store and the CLI take it without one)


RULES: dict[Step, StepRule] = {
    Step.submit: StepRule(
        ReviewState.draft, ReviewState.in_review, reviewers_only=False, second_person=False, asks_comment=False
    ),
    Step.approve: StepRule(
        ReviewState.in_review, ReviewState.approved, reviewers_only=True, second_person=True, asks_comment=False
    ),
    Step.send_back: StepRule(
        ReviewState.in_review, ReviewState.draft, reviewers_only=True, second_person=False, asks_comment=True
    ),
}


def may_take(user: User, step: Step, iso3: str) -> bool:
    """Whether `user`'s role lets them take `step` for this country (whatever state it is in)."""
    return user.can_review() if RULES[step].reviewers_only else user.can_edit(iso3)


def require_may_take(user: User, step: Step, iso3: str) -> None:
    """PermissionDenied, saying why, unless `user` may take `step` for this country."""
    if RULES[step].reviewers_only:
        user.require_review()
    else:
        user.require_edit(iso3)


def wrong_state(step: Step, iso3: str, state: str) -> Msg | None:
    """Why `step` cannot start from `state` (someone took another step first), or None when it can."""
    needed = RULES[step].start
    if state == needed:
        return None
    return Msg(
        "{iso} is '{state}'; this step needs it to be {needed}",
        iso=iso3,
        state=review_word(state),
        needed=review_word(needed),
    )


def four_eyes_refusal(user: User, step: Step, iso3: str, edited_since_approval: bool) -> Msg | None:
    """The four-eyes rule: approval needs a second person, so a reviewer may not approve a country they edited
    since its last approval (review steps are not edits). Whether they did, the store reads under the country's
    lock from the order of the audit rows, never from their times (`ReviewSteps._edited_since_approval`)."""
    if RULES[step].second_person and edited_since_approval:
        return Msg(
            "{name} edited {iso} since its last approval; another reviewer must approve it", name=user.name, iso=iso3
        )
    return None


# ------------------------------------------------------------------------------------------- the Review page


@dataclass(frozen=True)
class Offer:
    """What the Review page offers one user for one country."""

    steps: tuple[Step, ...]  # a button each, in this order
    waiting_for_reviewer: bool  # in review, and this user may neither approve nor send it back


def offer(user: User, iso3: str, state: str) -> Offer:
    """The steps `user` may take for a country in `state`. The four-eyes rule is not anticipated: it needs the
    audit log under the country's lock, so an approval it refuses is refused when taken, with the reason."""
    steps = tuple(step for step, rule in RULES.items() if rule.start == state and may_take(user, step, iso3))
    return Offer(steps, state == ReviewState.in_review and not may_take(user, Step.approve, iso3))


@dataclass(frozen=True)
class CountryReview:
    """One country's place in review, as the store reads it for every country in one query (`review_overview`)."""

    iso3: str
    state: ReviewState
    last_change_at: dt.datetime | None  # the newest audit entry: when, and by whom
    last_change_by: str | None
    last_approved_at: dt.datetime | None  # seeding counts as the first approval


#: The queue's order: what waits for a reviewer first, then drafts, then what is approved.
QUEUE_ORDER = (ReviewState.in_review, ReviewState.draft, ReviewState.approved)


@dataclass(frozen=True)
class ReviewQueue:
    countries: tuple[CountryReview, ...]  # in QUEUE_ORDER, by code within each state

    @property
    def waiting(self) -> int:
        """How many countries wait for a reviewer."""
        return sum(c.state == ReviewState.in_review for c in self.countries)

    def get(self, iso3: str) -> CountryReview:
        """The country's entry; KeyError when the database has no such country."""
        for country in self.countries:
            if country.iso3 == iso3.upper():
                return country
        raise KeyError(iso3)


def review_queue(overview: Iterable[CountryReview]) -> ReviewQueue:
    """The queue of the Review page from the store's `review_overview()` (one query for every country)."""
    return ReviewQueue(tuple(sorted(overview, key=lambda c: (QUEUE_ORDER.index(c.state), c.iso3))))


@dataclass(frozen=True)
class LawToReview:
    """An assessment resting on law that changed after it was read."""

    country: str
    element: str
    provision: str  # its citation, e.g. 형사소송법 제215조의2
    changed_on: dt.date | None
    what_changed: str


def law_to_review(by_country: Mapping[str, Mapping[str, Sequence[LawChange]] | None]) -> list[LawToReview] | None:
    """The list the Review page shows, from each country's element -> law changes (the law watch's
    `elements_to_review`, None for a country when no folder of statutes is configured); None when none is."""
    if all(elements is None for elements in by_country.values()):
        return None
    return [
        LawToReview(iso3, element, c.citation, c.changed_on, c.reason)
        for iso3, elements in by_country.items()
        for element, changes in (elements or {}).items()
        for c in changes
    ]
