"""The peer benchmark: exact averages and nearest-rank quartiles per group, small groups hidden,
only each enterprise's latest issued diagnosis counted, a fixed number of queries."""

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation
from diagnosis.models import Diagnosis, DiagnosisScenario, DiagnosisScore, Scenario
from diagnosis.selectors.assessment import default_model
from diagnosis.selectors.benchmark import MIN_GROUP, peer_benchmark
from tests.factories import EnterpriseFactory, OrganisationFactory, region

pytestmark = pytest.mark.django_db
Status = Diagnosis.Status
DIMENSIONS = ("digital_foundation", "digital_management", "digital_outcomes")


def issued(enterprise, org, total, *, days_ago=10, status=Status.ISSUED, dims=None, scenario_level=2):
    model = default_model()
    diagnosis = Diagnosis.objects.create(
        enterprise=enterprise,
        organisation=org,
        model=model,
        status=status,
        total_score=Decimal(total),
        level=1,
        issued_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    dims = dims or (Decimal(total) / 2, Decimal(total) * 3 / 10, Decimal(total) / 5)
    DiagnosisScore.objects.bulk_create(
        [
            DiagnosisScore(diagnosis=diagnosis, kind="dimension", code=c, score=Decimal(v))
            for c, v in zip(DIMENSIONS, dims, strict=True)
        ]
    )
    if status in Diagnosis.ISSUED_STATES:  # what issuing does: the latest issued one is current
        current = Diagnosis.objects.filter(enterprise=enterprise, is_current=True).first()
        if current is None or current.issued_at < diagnosis.issued_at:
            Diagnosis.objects.filter(enterprise=enterprise, is_current=True).update(is_current=False)
            Diagnosis.objects.filter(pk=diagnosis.pk).update(is_current=True)
    product_design = Scenario.objects.get(model=model, code="product_design")
    DiagnosisScenario.objects.create(diagnosis=diagnosis, scenario=product_design, level=scenario_level)
    return diagnosis


def nearest_rank(values, share):
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


@pytest.fixture
def org(db):
    return OrganisationFactory(kind=Organisation.Kind.CLINIC)


def test_averages_and_quartiles_are_exact(org):
    totals = ["62.575", "40.125", "55", "71.5", "33.375", "48.75", "80", "59.9999"]
    made = [
        issued(
            EnterpriseFactory(county=region("360102"), industry_code="3911"), org, t, scenario_level=i % 4 + 1
        )
        for i, t in enumerate(totals)
    ]
    groups = {g.key: g for g in peer_benchmark(made[0])}
    province = groups["province"]
    values = [Decimal(t) for t in totals]
    assert province.size == 8 and province.shown
    expected_average = (sum(values) / 8).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert province.total.average == expected_average
    assert province.total.q1 == nearest_rank(values, 0.25) == Decimal("40.125")
    assert province.total.median == nearest_rank(values, 0.5) == Decimal("55")
    assert province.total.q3 == nearest_rank(values, 0.75) == Decimal("62.575")
    foundation = [v / 2 for v in values]
    assert province.dimensions["digital_foundation"].median == nearest_rank(foundation, 0.5)
    assert province.scenarios["product_design"] == Decimal("2.50")  # levels 1,2,3,4,1,2,3,4
    assert groups["industry"].size == 8 and groups["city"].size == 8


def test_small_groups_show_their_size_only(org):
    nanchang = [issued(EnterpriseFactory(county=region("360102")), org, 50 + i) for i in range(5)]
    jiujiang = [
        issued(EnterpriseFactory(county=region("360403"), industry_code="2651"), org, 30 + i)
        for i in range(2)
    ]
    groups = {g.key: g for g in peer_benchmark(jiujiang[0])}
    assert groups["province"].size == 7 and groups["province"].shown
    assert groups["city"].size == 2 and not groups["city"].shown
    assert groups["city"].total.average is None and groups["city"].dimensions == {}
    assert groups["industry"].size == 2 and not groups["industry"].shown
    assert {g.key: g.size for g in peer_benchmark(nanchang[0])}["city"] == 5
    assert MIN_GROUP == 5


def test_only_the_latest_issued_uncorrected_diagnosis_counts(org):
    enterprises = [EnterpriseFactory(county=region("360102")) for _ in range(5)]
    current = [issued(e, org, 60) for e in enterprises]
    issued(enterprises[0], org, 10, days_ago=400)  # an older one of the same enterprise
    issued(enterprises[1], org, 99, status=Status.DRAFT)  # not issued
    Diagnosis.objects.create(  # a correction in progress does not hide the issued one
        enterprise=enterprises[2], organisation=org, model=default_model(), supersedes=current[2]
    )
    fixed_old = issued(enterprises[3], org, 20, days_ago=30)
    issued(enterprises[3], org, 60, days_ago=1).__class__.objects.filter(pk=fixed_old.pk).update(
        status=Status.DISPUTED
    )
    province = {g.key: g for g in peer_benchmark(current[0])}["province"]
    assert province.size == 5
    assert province.total.average == Decimal("60.00")


def test_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    diagnoses = [issued(EnterpriseFactory(county=region("360102")), org, 40 + i) for i in range(12)]
    target = Diagnosis.objects.select_related("enterprise__county__parent").get(pk=diagnoses[0].pk)
    # the scenario codes, then per group (3): size, total and quartiles (one query on PostgreSQL,
    # two elsewhere), dimensions (one on PostgreSQL; sums and the window elsewhere), scenario averages
    from django.db import connection

    most = 10 if connection.vendor == "postgresql" else 16
    with django_assert_max_num_queries(most):
        peer_benchmark(target)
    for i in range(30):
        issued(EnterpriseFactory(county=region("360403")), org, 20 + i)
    with django_assert_max_num_queries(most):
        peer_benchmark(target)


def test_unscored_diagnosis_has_no_benchmark(org):
    diagnosis = Diagnosis.objects.create(
        enterprise=EnterpriseFactory(), organisation=org, model=default_model(), status=Status.DRAFT
    )
    assert peer_benchmark(diagnosis) == []
