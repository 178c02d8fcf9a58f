"""The store's front: one `Store` object for every read and write of the working assessments, so callers (pages,
CLI, service, Excel) need not know which part holds a method. Each part is a mixin over `base.StoreBase`:

- countries.py: seeding, the drafts and the approved snapshots of whole countries, the checks every save runs;
- assessments.py: element assessments (versioned, audited saves; history; restore);
- provisions.py: provisions and bills;
- review_steps.py: review states and steps under the country's lock (the rules: assessment/review.py);
- users.py: users, sessions, sign-in limits, single sign-on.

Every call checks the caller's role in the store, not in the UI. One instance per process; it is thread-safe.
"""

from __future__ import annotations

from ..catalog import Catalog
from .assessments import AssessmentStore
from .db import make_engine, migrate
from .provisions import ProvisionStore
from .review_steps import ReviewSteps
from .users import UserStore


class Store(AssessmentStore, ProvisionStore, ReviewSteps, UserStore):
    """All reads and writes of working assessments. One instance per process; it is thread-safe."""

    @classmethod
    def open(cls, catalog: Catalog, url: str | None = None, seed: bool = True) -> Store:
        """Connect, migrate to the newest schema, and seed an empty database from the shipped data."""
        store = cls(make_engine(url), catalog.treaties.values())
        migrate(store.engine)
        if seed:
            known = set(store.country_codes())
            new = [c for code, c in catalog.countries.items() if code not in known]
            if new:  # an empty database, or countries shipped since it was seeded
                store.seed(new)
            store.refresh_untouched([c for code, c in catalog.countries.items() if code in known])
        return store
