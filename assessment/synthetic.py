"""Random but plausible evidence for many countries, for benchmarks and for checking the scorer against the
reference implementation. Built as plain records (not pydantic objects), as the scorers consume them."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from .models import Status, Treaty
from .records import CarryRecord, ElementRecord, EvidenceRecords, ProvisionRecord

_JUDGMENTS = (Status.missing, Status.not_applicable, Status.reserved, Status.unknown)


def _maybe_date(rng: random.Random, start: dt.date, p: float) -> dt.date | None:
    return start + dt.timedelta(days=rng.randint(0, 3000)) if rng.random() < p else None


def synthetic_records(
    treaties: list[Treaty],
    n_countries: int,
    seed: int = 7,
    provisions_per_country: int = 40,
    carries: Sequence[CarryRecord] = (),
) -> EvidenceRecords:
    """Evidence for `n_countries` fake countries (codes Q00..), assessing about 95% of every treaty element; with
    crosswalk `carries`, half the elements they reach are left unassessed, so statuses are carried over to them."""
    rng = random.Random(seed)
    element_ids = [e.id for t in treaties for o in t.obligations() for e in o.elements]
    reachable = {c.element for c in carries}
    records = EvidenceRecords(countries=[], carries=list(carries))
    base = dt.date(2000, 1, 1)
    for c in range(n_countries):
        iso = f"Q{c // 26 // 26 % 26 + 65:c}{c // 26 % 26 + 65:c}{c % 26 + 65:c}"
        records.countries.append(iso)
        keys = []
        for p in range(provisions_per_country):
            start = _maybe_date(rng, base, 0.95)
            in_force = start + dt.timedelta(days=rng.randint(0, 2000)) if start and rng.random() < 0.75 else None
            repealed = in_force + dt.timedelta(days=rng.randint(1, 4000)) if in_force and rng.random() < 0.1 else None
            lapsed = (
                start + dt.timedelta(days=rng.randint(1, 1500))
                if start and not in_force and rng.random() < 0.3
                else None
            )
            key = f"{iso}:p{p}"
            keys.append(key)
            records.provisions.append(ProvisionRecord(key, f"Act {p}, Art. {p}", start, in_force, repealed, lapsed))
        for element in element_ids:
            roll = rng.random()
            if roll < 0.05 or (element in reachable and rng.random() < 0.5):
                continue  # not assessed
            if roll < 0.15:
                records.elements.append(ElementRecord(iso, element, rng.choice(_JUDGMENTS), ()))
                continue
            findings = tuple((rng.choice(keys), rng.random() < 0.6) for _ in range(rng.randint(1, 3)))
            records.elements.append(ElementRecord(iso, element, None, findings))
    return records
