"""A visit logged now reaches the statistics within minutes, on a real worker: the sweep (what beat
runs every minute) derives the month under way, and derives it again once the data changed and
the refresh interval passed (``STATS_REFRESH_SECONDS``, 120 s in production, 1 s here)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.jobs import Job
from diagnosis.models import Visit
from reporting.models import DerivationRun
from reporting.selectors.dashboard import dashboard
from reporting.selectors.stats import value_resolver
from tests.factories import EnterpriseFactory, make_role_user, region
from tests.integration.test_job_recovery import TIMEOUT, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("worker"),
    pytest.mark.django_db(transaction=True),
]


def test_a_visit_logged_now_is_counted_within_minutes(workers, regions_loaded):
    from core.tasks import sweep_jobs as sweep_task

    month = timezone.localdate().strftime("%Y%m")
    worker = workers("stats", env={"STATS_REFRESH_SECONDS": "1"})
    enterprise = EnterpriseFactory(county=region("360102"))
    commissioner = make_role_user("commissioner", username="fresh_comm", region_code="360102")
    started = time.monotonic()
    sweep_task.apply_async(ignore_result=False).get(timeout=TIMEOUT)
    run = wait_until(
        lambda: DerivationRun.objects.filter(period=month).first(),
        lambda r: r is not None and r.status == Job.Status.DONE,
        worker,
        "first derivation",
    )

    def visits():
        value, _tie = value_resolver(["visits"], [month])
        return value("visits", "360000", month)

    assert visits() is None
    Visit.objects.create(
        enterprise=enterprise, commissioner=commissioner, visited_on=timezone.localdate(), summary="刚刚走访"
    )
    time.sleep(1.5)  # the refresh interval (1 s here) passes
    sweep_task.apply_async(ignore_result=False).get(timeout=TIMEOUT)
    wait_until(visits, lambda v: v == 1, worker, "the new visit in the derived figures")
    elapsed = time.monotonic() - started
    refreshed = DerivationRun.objects.get(period=month)
    assert refreshed.finished_at > run.finished_at and refreshed.status == Job.Status.DONE
    # the production bound: one sweep interval plus the refresh interval plus this derivation's time
    sweep_every = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]["schedule"]
    assert sweep_every + 120 + elapsed < timedelta(minutes=5).total_seconds()
    # and the county officer's dashboard shows it, with the time of that derivation
    officer = make_role_user("county_officer", username="fresh_officer", region_code="360102")
    board = dashboard(officer)
    assert next(h for h in board.headlines if h.key == "visits").value == "1"
    assert board.as_of == refreshed.finished_at
