"""One job mechanism for every kind of background work: a status row, claim, heartbeat, retry, sweep.

The database row is the truth about a job; the broker is only a doorbell. A kind of job is a
concrete subclass of the abstract ``Job`` plus one ``register_sweep`` call (in its app's
``ready()``) that says how to ring the doorbell for a row.

Lifecycle (``Job.Status``)::

    PENDING ──claim──▶ RUNNING ──finish──▶ DONE
       ▲                 │  │
       └──fail(retry)────┘  └──fail (attempts exhausted, or retry=False)──▶ FAILED
    PENDING / RUNNING ──(the kind's own service)──▶ CANCELLED

Contract
- ``Job.claim(pk)`` (under ``select_for_update``, ``skip_locked`` where the database has it) moves
  a PENDING row whose ``run_after`` has come, or a RUNNING row whose heartbeat is older than the
  kind's ``stale_after`` (its worker is presumed dead), to RUNNING, counts the attempt and returns
  the row; any other row gives None, so a task delivered twice (or a redelivered one) does nothing.
  A row out of attempts is marked FAILED instead of being claimed.
- ``attempts`` is also the fencing token of a run: ``heartbeat``, ``finish`` and ``fail`` act only
  while the row is still RUNNING under the same attempt. ``heartbeat`` raises ``JobLost`` otherwise
  (the job was cancelled or taken over), which tells the work to stop.
- ``finish`` (RUNNING → DONE) is idempotent: a second call changes nothing and returns False.
- ``fail(message)``: while ``attempts < max_attempts`` the row goes back to PENDING with an
  exponential back-off (``run_after``) and the doorbell rings after it; else FAILED. ``retry=False``
  fails at once (a bad file, a lost permission: trying again cannot help).
- ``schedule()`` starts a fresh round (PENDING, attempts 0) and rings on commit (``reset()``
  without ringing, for work the caller runs itself): a request from a
  person, or the next phase of a job with several phases (a kind keeps its phase in its own field;
  DONE then means "this phase is done").
- Multi-phase kinds: ``ImportJob`` has a preview phase and an import phase in a ``phase`` field; its
  user-visible states (等待校验, 正在校验, 校验完成…) are derived from (phase, status).
- ``sweep_jobs()`` (the one beat task ``core.tasks.sweep_jobs``) walks every registered kind: PENDING
  rows due for longer than ``pending_grace`` are rung again (a lost message, a broker that was
  down); RUNNING rows whose heartbeat is older than ``stale_after`` are reclaimed (back to PENDING
  and rung) or FAILED when out of attempts; then the kind's ``catch_up`` creates rows for scheduled
  work that is due and missing (a monthly run missed because the machine was off).
- Doorbells ring with ``transaction.on_commit``; a broker error is logged and left to the sweep.

Test hook: ``settings.JOB_TEST_DELAY_SECONDS`` (only set by the test settings, from the
environment) makes every heartbeat sleep that long, so a worker test can kill a job mid-run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


class JobLost(Exception):
    """The row is no longer RUNNING under this attempt (cancelled, or reclaimed by the sweep)."""


class JobStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("等待处理")
    RUNNING = "running", gettext_lazy("正在处理")
    DONE = "done", gettext_lazy("已完成")
    FAILED = "failed", gettext_lazy("失败")
    CANCELLED = "cancelled", gettext_lazy("已取消")


class Job(models.Model):
    """The abstract status row of one piece of background work (see the module for the contract).

    Class attributes a kind may override: ``stale_after`` (no heartbeat for this long → the worker
    is presumed dead), ``pending_grace`` (a PENDING row due this long is rung again),
    ``retry_backoff`` and ``retry_backoff_max`` (the wait before attempt n+1 is
    ``retry_backoff × 2^(n−1)``, at most ``retry_backoff_max``).
    """

    Status = JobStatus

    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=JobStatus.choices,
        default=JobStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("已尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(gettext_lazy("最多尝试次数"), default=3)
    #: A PENDING row may be claimed from this moment (later than now while backing off).
    run_after = models.DateTimeField(gettext_lazy("可开始时间"), default=timezone.now)
    heartbeat_at = models.DateTimeField(gettext_lazy("最近心跳"), null=True, blank=True)
    message = models.TextField(gettext_lazy("说明"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(gettext_lazy("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)

    stale_after = timedelta(minutes=10)
    pending_grace = timedelta(minutes=2)
    retry_backoff = timedelta(seconds=30)
    retry_backoff_max = timedelta(minutes=10)

    class Meta:
        abstract = True

    # -- reading ---------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        """Waiting for a worker or being worked on."""
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)

    def is_stale(self, now: datetime | None = None) -> bool:
        """RUNNING without a heartbeat for longer than ``stale_after``: its worker is presumed dead."""
        if self.status != JobStatus.RUNNING:
            return False
        now = now or timezone.now()
        return self.heartbeat_at is None or self.heartbeat_at < now - self.stale_after

    # -- hooks for a kind's wording ----------------------------------------------------------------

    def failure_text(self, message: str) -> str:
        """The message stored when the job FAILS with ``message``; a kind may add what it wrote."""
        return message

    def exhausted_text(self) -> str:
        """The reason stored when the sweep or a claim finds the job out of attempts."""
        return _("已尝试 %(n)d 次仍未完成，请稍后重新发起或联系管理员。") % {"n": self.attempts}

    # -- the lifecycle -----------------------------------------------------------------------------

    @classmethod
    def _locked(cls):
        skip = connection.features.has_select_for_update_skip_locked
        return cls._default_manager.select_for_update(skip_locked=skip)

    @classmethod
    def claim(cls, pk, **match) -> Self | None:
        """Take the job for this worker (PENDING due, or RUNNING stale → RUNNING); None if not ours.

        None when the row is missing (or does not have the field values ``match``, e.g. a phase),
        locked by another claimer, not yet due, alive elsewhere, finished, failed or cancelled.
        A row out of attempts is marked FAILED (and None returned).
        """
        with transaction.atomic():
            job = cls._locked().filter(pk=pk, **match).first()
            if job is None:
                return None
            now = timezone.now()
            due = job.status == JobStatus.PENDING and job.run_after <= now
            if not (due or job.is_stale(now)):
                return None
            if job.attempts >= job.max_attempts:
                job._mark_failed(job.failure_text(job.exhausted_text()), now)
                return None
            job.status = JobStatus.RUNNING
            job.attempts += 1
            job.started_at = job.heartbeat_at = now
            job.finished_at = None
            job.save()
            return job

    def _mine(self):
        return type(self)._default_manager.filter(
            pk=self.pk, status=JobStatus.RUNNING, attempts=self.attempts
        )

    def heartbeat(self, **fields) -> None:
        """Say "still working" (and store progress ``fields``); raise ``JobLost`` if the job is not ours.

        Call it at least every ``stale_after`` (per chunk, per batch); it is one UPDATE, committed
        at once when called outside a transaction.
        """
        now = timezone.now()
        if not self._mine().update(heartbeat_at=now, **fields):
            raise JobLost(f"{type(self).__name__} {self.pk}")
        self.heartbeat_at = now
        for name, value in fields.items():
            setattr(self, name, value)
        delay = getattr(settings, "JOB_TEST_DELAY_SECONDS", 0)
        if delay:
            time.sleep(delay)

    def finish(self, *, message: str = "", **fields) -> bool:
        """RUNNING (this attempt) → DONE with ``fields``; False, changing nothing, if not ours (any more).

        Either way the instance is reloaded from the database afterwards. Call it inside the transaction that writes the job's results, so they commit together.
        """
        with transaction.atomic():
            job = self._mine().select_for_update().first()
            if job is None:
                self.refresh_from_db()
                return False
            now = timezone.now()
            for name, value in fields.items():
                setattr(job, name, value)
            job.status = JobStatus.DONE
            job.message = message
            job.heartbeat_at = job.finished_at = now
            job.save()
        for field in job._meta.concrete_fields:
            setattr(self, field.attname, getattr(job, field.attname))
        return True

    def fail(self, message: str, *, retry: bool = True) -> bool:
        """End this attempt with ``message``: back to PENDING after a back-off while attempts remain
        (and ``retry``), else FAILED. False, changing nothing, if the job is not ours any more."""
        with transaction.atomic():
            job = self._mine().select_for_update().first()
            if job is None:
                self.refresh_from_db()
                return False
            now = timezone.now()
            if retry and job.attempts < job.max_attempts:
                wait = min(self.retry_backoff * 2 ** max(job.attempts - 1, 0), self.retry_backoff_max)
                job.status = JobStatus.PENDING
                job.run_after = now + wait
                job.message = _("第 %(n)d 次尝试未完成，将自动重试：%(reason)s") % {
                    "n": job.attempts,
                    "reason": message,
                }
                job.save()
                ring_on_commit(job, countdown=wait.total_seconds())
            else:
                job._mark_failed(job.failure_text(message), now)
        self.refresh_from_db()
        return True

    def _mark_failed(self, message: str, now: datetime) -> None:
        self.status = JobStatus.FAILED
        self.message = message
        self.finished_at = now
        self.save()

    def reset(self, **fields) -> None:
        """Start a fresh round without ringing: PENDING now, attempts 0, ``fields`` set; saved.

        The caller holds the row (``select_for_update``) and makes sure it is not RUNNING alive.
        """
        for name, value in fields.items():
            setattr(self, name, value)
        self.status = JobStatus.PENDING
        self.attempts = 0
        self.run_after = timezone.now()
        self.started_at = self.finished_at = self.heartbeat_at = None
        self.message = ""
        self.save()

    def schedule(self, **fields) -> None:
        """``reset`` and ring on commit: a person's request ("重新计算", "确认导入"), or the next phase."""
        self.reset(**fields)
        ring_on_commit(self)


# -------------------------------------------------------------------------------------------------
# The sweep registry
# -------------------------------------------------------------------------------------------------

#: ``enqueue(job, countdown=seconds or None)`` sends the task that will ``claim`` the row.
Enqueue = Callable[..., None]
#: ``catch_up(now)`` creates the rows of scheduled work that is due and missing, and returns them.
CatchUp = Callable[[datetime], list]


@dataclass(frozen=True)
class JobKind:
    model: type[Job]
    enqueue: Enqueue
    catch_up: CatchUp | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_registry: dict[type[Job], JobKind] = {}


def register_sweep(model: type[Job], *, enqueue: Enqueue, catch_up: CatchUp | None = None) -> None:
    """Make ``model`` a kind of job the sweep looks after (call from the app's ``ready()``)."""
    if not (isinstance(model, type) and issubclass(model, Job)) or model._meta.abstract:
        raise TypeError(f"{model!r} is not a concrete Job model")
    _registry[model] = JobKind(model=model, enqueue=enqueue, catch_up=catch_up)


def registered_kinds() -> list[JobKind]:
    return list(_registry.values())


def _ring_now(job: Job, countdown: float | None) -> None:
    kind = _registry.get(type(job))
    if kind is None:
        raise LookupError(f"{type(job).__name__} is not registered with register_sweep")
    try:
        kind.enqueue(job, countdown=countdown)
    except BrokerError:
        logger.warning("%s %s: broker unavailable; the sweep rings again later", kind.label, job.pk)


def ring_on_commit(job: Job, *, countdown: float | None = None) -> None:
    """Enqueue the job's task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _ring_now(job, countdown))


def sweep_jobs(
    *,
    now: datetime | None = None,
    stale_after: timedelta | None = None,
    kinds: Iterable[type[Job]] | None = None,
) -> dict[str, dict]:
    """Re-ring, reclaim and catch up every registered kind (see the module); returns what was done.

    ``{"diagnosis.importjob": {"rung": [ids], "reclaimed": [ids], "failed": [ids], "caught_up": [ids]}, …}``.
    ``stale_after`` overrides every kind's threshold (tests use a short one); ``kinds`` limits the
    sweep to those models.
    """
    now = now or timezone.now()
    wanted = registered_kinds() if kinds is None else [_registry[model] for model in kinds]
    return {kind.label: _sweep_kind(kind, now, stale_after) for kind in wanted}


def _sweep_kind(kind: JobKind, now: datetime, stale_after: timedelta | None) -> dict[str, list]:
    model = kind.model
    done: dict[str, list] = {"rung": [], "reclaimed": [], "failed": [], "caught_up": []}
    manager = model._default_manager

    waiting = manager.filter(status=JobStatus.PENDING, run_after__lt=now - model.pending_grace)
    for job in waiting:
        # Moving run_after on means the next sweep waits a full grace before ringing again.
        if manager.filter(pk=job.pk, status=JobStatus.PENDING, run_after=job.run_after).update(run_after=now):
            job.run_after = now
            ring_on_commit(job)
            done["rung"].append(job.pk)

    stale_before = now - (stale_after if stale_after is not None else model.stale_after)
    stuck = manager.filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True), status=JobStatus.RUNNING
    ).values_list("pk", flat=True)
    for pk in list(stuck):
        with transaction.atomic():
            job = model._locked().filter(pk=pk, status=JobStatus.RUNNING).first()
            if job is None or (job.heartbeat_at is not None and job.heartbeat_at >= stale_before):
                continue  # finished, or alive after all, meanwhile
            if job.attempts >= job.max_attempts:
                job._mark_failed(job.failure_text(job.exhausted_text()), now)
                done["failed"].append(pk)
                continue
            job.status = JobStatus.PENDING
            job.run_after = now
            job.message = _("处理进程中断（第 %(n)d 次尝试），已自动重新排队。") % {"n": job.attempts}
            job.save()
            ring_on_commit(job)
            done["reclaimed"].append(pk)

    if kind.catch_up is not None:
        with transaction.atomic():
            created = kind.catch_up(now)
            for job in created:
                ring_on_commit(job)
        done["caught_up"] = [job.pk for job in created]
    return done
