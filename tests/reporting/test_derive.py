"""Derived figures: computed in the database per county, summed up the region tree, equal to
direct counts; idempotent; the job derives closed months once and the month under way again
whenever the casework changed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.jobs import JobStatus
from diagnosis.models import Diagnosis, Enterprise, ServiceVoucher, TransformationProject, Visit
from reporting.models import DerivationRun, IndicatorValue
from reporting.selectors.stats import value_resolver
from reporting.services import derive
from tests.diagnosis.test_selectors_benchmark import issued
from tests.factories import EnterpriseFactory, region
from tests.providers.test_pool_support import make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def casework(world):
    today = timezone.localdate()
    lead = make_provider("", home="360100", organisation=world.provider)
    far = EnterpriseFactory(county=region("360403"), cloud_adopted=True)
    for enterprise, days in ((world.ent_donghu, 0), (world.ent_donghu, 1), (world.ent_xihu, 0), (far, 0)):
        Visit.objects.create(
            enterprise=enterprise, commissioner=world.users["commissioner"], visited_on=today - datetime.timedelta(days=days),
            summary="走访",
        )  # fmt: skip
    old = issued(world.ent_donghu, world.clinic, "30", days_ago=400)
    Diagnosis.objects.filter(pk=old.pk).update(level=1)
    new = issued(world.ent_donghu, world.clinic, "55.5", days_ago=0)
    Diagnosis.objects.filter(pk=new.pk).update(level=2)
    other = issued(far, world.clinic, "41.25", days_ago=0)
    Diagnosis.objects.filter(pk=other.pk).update(level=1)
    TransformationProject.objects.create(
        enterprise=world.ent_donghu, provider=lead, title="a", status=TransformationProject.Status.COMPLETED,
        started_on=today, completed_on=today, actual_investment=Decimal("100.25"), actual_subsidy=Decimal("20.05"),
        planned_investment=Decimal("90"),
    )  # fmt: skip
    ServiceVoucher.objects.create(
        number="V1", enterprise=far, issuer_region=far.county, amount=Decimal("12.5"), purpose="x",
        expires_on=today + datetime.timedelta(days=9),
    )  # fmt: skip
    return world, far


def month() -> str:
    return timezone.localdate().strftime("%Y%m")


def test_derived_figures_equal_direct_counts_at_every_level(casework):
    world, far = casework
    derive.derive_month(month())
    value, _tie = value_resolver(derive.DERIVED, [month(), month()[:4]])
    today = timezone.localdate()
    assert value("visits", "360102", month()) == Decimal(
        Visit.objects.filter(
            enterprise__county__code="360102", visited_on__month=today.month, visited_on__year=today.year
        ).count()
    )
    assert value("ent_visited", "360102", month()) == 1
    assert (
        value("visits", "360100", month())
        == Visit.objects.filter(
            enterprise__county__parent__code="360100",
            visited_on__month=today.month,
            visited_on__year=today.year,
        ).count()
    )
    assert (
        value("visits", "360000", month())
        == Visit.objects.filter(visited_on__month=today.month, visited_on__year=today.year).count()
    )
    assert value("ent_total", "360000", month()) == Enterprise.objects.count()
    assert (
        value("ent_total", "360100", month())
        == Enterprise.objects.filter(county__parent__code="360100").count()
    )
    assert value("ent_cloud", "360400", month()) == 1
    # the latest diagnosis counts: 东湖 is level 2 now (it was 1 a year ago)
    assert value("level_2", "360102", month()) == 1 and value("level_1", "360102", month()) is None
    assert value("level_1", "360000", month()) == 1 and value("ent_scored", "360000", month()) == 2
    assert value("score_sum", "360000", month()) == Decimal("96.75")
    assert value("diagnoses_issued", "360000", month()) == 2
    assert value("investment_actual", "360000", month()) == Decimal("100.25")
    assert value("subsidy_actual", "360100", month()) == Decimal("20.05")
    assert value("ent_transforming", "360102", month()) == 1
    assert value("vouchers_issued", "360400", month()) == Decimal("12.5")
    assert value("projects_completed", "360000", month()[:4]) == 1  # the year to date


def test_deriving_again_gives_the_same_rows(casework):
    first = derive.derive_month(month())
    rows = sorted(IndicatorValue.objects.values_list("indicator__code", "region__code", "period", "value"))
    assert derive.derive_month(month()) == first
    assert (
        sorted(IndicatorValue.objects.values_list("indicator__code", "region__code", "period", "value"))
        == rows
    )


def test_a_closed_month_counts_only_its_own_days(casework):
    world, _far = casework
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y%m")
    Visit.objects.create(
        enterprise=world.ent_xihu, commissioner=world.users["commissioner"],
        visited_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=1), summary="上月",
    )  # fmt: skip
    derive.derive_period(last_month)
    value, _tie = value_resolver(["visits"], [last_month])
    assert value("visits", "360000", last_month) == 1


def test_the_job_derives_closed_months_once_and_the_current_one_when_data_changed(casework, monkeypatch):
    now = timezone.now()
    made = derive.derivation_catch_up(now)
    assert {run.period for run in made} == {month(), derive.previous_month(month())}
    for run in made:
        assert derive.derivation_run(period=run.period).status == JobStatus.DONE
    assert derive.derivation_catch_up(now) == []  # nothing changed
    monkeypatch.setattr("core.freshness.token", lambda: "another version")
    assert derive.derivation_catch_up(now) == []  # changed, but derived moments ago
    later = now + datetime.timedelta(seconds=DerivationRun.REFRESH_SECONDS + 1)
    again = derive.derivation_catch_up(later)
    assert [run.period for run in again] == [month()] and again[0].status == JobStatus.PENDING
    assert derive.derivation_run(period=month()).data_version == "another version"
    # a duplicate delivery finds the work done and stops
    before = DerivationRun.objects.get(period=month()).finished_at
    derive.derivation_run(period=month())
    assert DerivationRun.objects.get(period=month()).finished_at == before


def test_the_derive_command(casework):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("stats_derive", "--months", "2", stdout=out)
    assert out.getvalue().count("values (with its quarter, half and year to date)") == 2
    assert DerivationRun.objects.count() == 0  # the command derives directly, no job rows
    assert IndicatorValue.objects.filter(source="derived", period=month()).exists()
    with pytest.raises(CommandError):
        call_command("stats_derive", "--month", "2026Q1")


def test_projects_by_state_at_the_periods_end(casework):
    """The state of every project at the end of a closed month and of the month under way, from
    its dates: planned, in progress, completed awaiting acceptance, accepted, cancelled."""
    world, _far = casework
    from providers.models import Provider

    lead = Provider.objects.get(organisation=world.provider)
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    last_month = derive.previous_month(month())
    before = first_of_month - datetime.timedelta(days=20)
    made = {}
    for key, fields in {
        "planned": {},
        "running": {"status": "in_progress", "started_on": before},
        "started_now": {"status": "in_progress", "started_on": today},
        "waiting": {"status": "completed", "started_on": before, "completed_on": before},
        "cancelled": {"status": "cancelled", "cancel_reason": "企业取消"},
    }.items():
        made[key] = TransformationProject.objects.create(
            enterprise=world.ent_xihu, provider=lead, title=key, planned_investment=Decimal("1"), **fields
        )
    TransformationProject.objects.filter(pk=made["waiting"].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    TransformationProject.objects.exclude(pk=made["waiting"].pk).filter(enterprise=world.ent_xihu).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    accepted = TransformationProject.objects.create(
        enterprise=world.ent_xihu, provider=lead, title="accepted", status="accepted",
        started_on=before, completed_on=before, accepted_at=timezone.now(), planned_investment=Decimal("1"),
    )  # fmt: skip
    TransformationProject.objects.filter(pk=accepted.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=50)
    )
    derive.derive_month(month())
    derive.derive_period(last_month)
    value, _tie = value_resolver(derive.DERIVED, [month(), last_month])
    xihu = "360103"
    assert value("projects_planned", xihu, month()) == 1
    assert value("projects_in_progress", xihu, month()) == 2  # running, started_now
    assert value("projects_awaiting_acceptance", xihu, month()) == 1  # waiting
    assert value("projects_accepted_total", xihu, month()) == 1
    assert value("projects_cancelled", xihu, month()) == 1
    # at the end of last month: started_now was still planned, the accepted one still awaited acceptance
    assert value("projects_planned", xihu, last_month) == 2
    assert value("projects_in_progress", xihu, last_month) == 1
    assert value("projects_awaiting_acceptance", xihu, last_month) == 2
    assert value("projects_accepted_total", xihu, last_month) is None
