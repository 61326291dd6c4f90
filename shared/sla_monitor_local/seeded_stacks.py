"""Seeded local stacks kept for the next start in the same process.

The tests start a local stack for each module that needs one. Seeding it runs the product's own
use cases (cases registered, assigned, answered, with the deadline checker sweeping between the
steps) and gives the same records whenever it is seeded in the same hour: about five seconds of
a processor each time, most of a stack's start. So the first stack of an hour is seeded and a
copy of moto's records is kept; the next stack of that hour starts from a fresh copy of them, on
the same web address (the seeded letters link to it), and each module still gets records nobody
else has touched.

moto keeps every service's records in this process, in its backends. The copy kept is each
backend's state pickled, in one go so that records pointing at each other still do, and each
stack unpickles its own for the backends moto makes again after a reset. Pickled, not kept as
live objects: moto tracks every model object it has made and closes them all at a reset (an S3
object's body among them). The keys moto signs Cognito's tokens with cannot be pickled and never
change: they are shared, not copied. This leans on moto's internals (5.x): if the records cannot be
pickled, each stack is seeded as before.
"""

from __future__ import annotations

import io
import logging
import pickle
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor_local.local_staff import SampleUser, StaffPool

logger = logging.getLogger(__name__)

# The hour a stack was seeded in, on the council's clock: the samples are placed on working days
# before it and at times of day no later than it.
SeedingHour = tuple[date, int]


@dataclass(frozen=True)
class SeededRecords:
    """What a seeded stack needs to start again without seeding: moto's records as seeding left
    them, the web port the letters link to, and what seeding returned."""

    web_port: int
    staff_pool: StaffPool
    sample_users: tuple[SampleUser, ...]
    sample_cases: dict[str, str]
    _backends: tuple[tuple[Any, str, str], ...] = field(repr=False)
    _states: bytes = field(repr=False)
    _shared: tuple[Any, ...] = field(repr=False)

    def restore(self) -> None:
        """Give moto's backends (reset, empty) a fresh copy of the records."""
        states = _Unpickler(io.BytesIO(self._states), self._shared).load()
        for number, (backends, account, region) in enumerate(self._backends):
            backends[account][region].__dict__ = states[number]


@dataclass
class SeededStacks:
    """The seeded records of this process's stacks, one copy for each hour they were seeded in."""

    _kept: dict[SeedingHour, SeededRecords] = field(default_factory=dict)

    @staticmethod
    def hour_of(now: datetime, calendar: WorkingDayCalendar) -> SeedingHour:
        local = calendar.local(now)
        return local.date(), local.hour

    def get(self, hour: SeedingHour) -> SeededRecords | None:
        return self._kept.get(hour)

    def keep(
        self,
        hour: SeedingHour,
        *,
        web_port: int,
        staff_pool: StaffPool,
        sample_users: tuple[SampleUser, ...],
        sample_cases: dict[str, str],
    ) -> None:
        """Copy moto's records as they are now, just after seeding."""
        from moto.core.base_backend import BackendDict

        backends: list[tuple[Any, str, str]] = []
        live: dict[int, dict[str, Any]] = {}
        services: list[Any] = BackendDict._instances  # type: ignore[misc]
        for service in services:
            for account, regions in service.items():
                for region, backend in regions.items():
                    live[len(backends)] = backend.__dict__
                    backends.append((service, account, region))
        try:
            kept = io.BytesIO()
            pickler = _Pickler(kept)
            pickler.dump(live)
        except Exception:  # moto changed what its backends hold: seed each stack instead
            logger.warning("moto's records could not be copied; each stack will be seeded")
            return
        self._kept[hour] = SeededRecords(
            web_port=web_port,
            staff_pool=staff_pool,
            sample_users=sample_users,
            sample_cases=dict(sample_cases),
            _backends=tuple(backends),
            _states=kept.getvalue(),
            _shared=tuple(pickler.shared),
        )


class _Pickler(pickle.Pickler):
    """Pickles moto's records, keeping the cryptography library's keys aside by reference."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared: list[Any] = []

    def persistent_id(self, obj: Any) -> int | None:
        if type(obj).__module__.startswith("cryptography."):
            self.shared.append(obj)
            return len(self.shared) - 1
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, shared: tuple[Any, ...]) -> None:
        super().__init__(file)
        self._shared = shared

    def persistent_load(self, pid: Any) -> Any:
        return self._shared[pid]
