"""Service vouchers (issue, redeem, revoke, expire; the ledger) and the subsidy rules."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from diagnosis.models import ServiceVoucher, SubsidyRule, VoucherEntry, VoucherExpiryRun
from diagnosis.services import funding
from diagnosis.services import projects as project_services
from tests.providers.test_pool_support import make_provider

Kind = VoucherEntry.Kind
TODAY = timezone.localdate


@pytest.fixture
def lead(world):
    return make_provider("", home="360100", organisation=world.provider)


@pytest.fixture
def project(world, lead):
    return project_services.project_create(
        actor=world.users["county_officer"],
        enterprise=world.ent_donghu,
        provider=lead,
        title="数字化车间",
        planned_investment=Decimal("1000"),
    )


def issue(world, amount="100", days=30, role="county_officer", enterprise=None):
    return funding.voucher_issue(
        actor=world.users[role],
        enterprise=enterprise or world.ent_donghu,
        amount=amount,
        purpose="诊断后改造服务",
        expires_on=TODAY() + timedelta(days=days),
    )


@pytest.mark.django_db
class TestVouchers:
    def test_issue_numbers_the_voucher_and_starts_its_ledger(self, world):
        voucher = issue(world, "12.3456")
        assert voucher.number.startswith(f"FWQ{TODAY().year}")
        entry = voucher.entries.get()
        assert (entry.kind, entry.amount, entry.balance_after) == (
            Kind.ISSUE,
            Decimal("12.3456"),
            Decimal("12.3456"),
        )

    @pytest.mark.parametrize("role", ["commissioner", "clinic_staff", "provider_staff", "enterprise_user"])
    def test_only_officers_issue(self, world, role):
        with pytest.raises(PermissionDenied):
            issue(world, role=role)
        assert not ServiceVoucher.objects.exists()

    def test_an_officer_outside_the_region_may_not_issue(self, world):
        with pytest.raises(PermissionDenied):
            issue(world, role="county_officer", enterprise=world.ent_jiujiang)

    @pytest.mark.parametrize("amount", ["0", "-1", "abc", "1.00001", "NaN", "1e20", ""])
    def test_bad_amounts_are_refused_clearly(self, world, amount):
        with pytest.raises(ValidationError) as caught:
            issue(world, amount)
        assert "amount" in caught.value.message_dict

    def test_expiry_in_the_past_is_refused(self, world):
        with pytest.raises(ValidationError, match="有效期"):
            issue(world, days=-1)

    def test_redeem_down_to_zero_then_refuse_with_the_figures(self, world, project):
        voucher = issue(world, "100")
        user = world.users["enterprise_user"]
        funding.voucher_redeem(actor=user, voucher=voucher, project=project, amount="60.5")
        last = funding.voucher_redeem(actor=user, voucher=voucher, project=project, amount=Decimal("39.5"))
        assert last.balance_after == Decimal("0")
        voucher.refresh_from_db()
        assert voucher.redeemed == Decimal("100") and voucher.status == ServiceVoucher.Status.USED
        with pytest.raises(ValidationError, match="已用完"):
            funding.voucher_redeem(actor=user, voucher=voucher, project=project, amount="0.0001")
        kinds = list(voucher.entries.values_list("kind", "amount", "balance_after"))
        assert kinds == [
            (Kind.ISSUE, Decimal("100"), Decimal("100")),
            (Kind.REDEEM, Decimal("60.5"), Decimal("39.5")),
            (Kind.REDEEM, Decimal("39.5"), Decimal("0")),
        ]

    def test_more_than_the_balance_names_balance_and_request(self, world, project):
        voucher = issue(world, "10")
        with pytest.raises(ValidationError) as caught:
            funding.voucher_redeem(
                actor=world.users["enterprise_user"], voucher=voucher, project=project, amount="10.01"
            )
        assert "余额 10 万元" in str(caught.value) and "10.01" in str(caught.value)
        assert voucher.entries.count() == 1

    def test_the_database_refuses_overspending_whatever_the_code(self, world):
        voucher = issue(world, "10")
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceVoucher.objects.filter(pk=voucher.pk).update(redeemed=F("amount") + 1)

    def test_only_the_enterprises_projects_and_open_ones(self, world, lead, project):
        voucher = issue(world, "10")
        other = project_services.project_create(
            actor=world.users["province_officer"], enterprise=world.ent_xihu, provider=lead, title="x"
        )
        with pytest.raises(ValidationError, match="本企业"):
            funding.voucher_redeem(
                actor=world.users["province_officer"], voucher=voucher, project=other, amount="1"
            )
        project_services.project_cancel(actor=world.users["county_officer"], project=project, reason="停产")
        project.refresh_from_db()
        with pytest.raises(ValidationError, match="已取消"):
            funding.voucher_redeem(
                actor=world.users["enterprise_user"], voucher=voucher, project=project, amount="1"
            )

    @pytest.mark.parametrize("role", ["commissioner", "clinic_staff", "provider_staff", "other_commissioner"])
    def test_who_may_not_redeem(self, world, project, role):
        voucher = issue(world, "10")
        with pytest.raises(PermissionDenied):
            funding.voucher_redeem(actor=world.users[role], voucher=voucher, project=project, amount="1")

    def test_scope_of_vouchers(self, world):
        voucher = issue(world, "10")
        seen = {
            role: ServiceVoucher.objects.visible_to(user).filter(pk=voucher.pk).exists()
            for role, user in world.users.items()
        }
        assert seen["enterprise_user"] and seen["county_officer"] and seen["province_officer"]
        assert not seen["provider_staff"] and not seen["clinic_staff"] and not seen["other_commissioner"]

    def test_revoke_needs_a_reason_and_closes_the_balance(self, world, project):
        voucher = issue(world, "10")
        funding.voucher_redeem(
            actor=world.users["enterprise_user"], voucher=voucher, project=project, amount="4"
        )
        with pytest.raises(ValidationError):
            funding.voucher_revoke(actor=world.users["county_officer"], voucher=voucher, reason=" ")
        entry = funding.voucher_revoke(
            actor=world.users["county_officer"], voucher=voucher, reason="企业注销"
        )
        assert (entry.kind, entry.amount, entry.balance_after) == (Kind.REVOKE, Decimal("6"), Decimal("0"))
        with pytest.raises(ValidationError, match="已作废"):
            funding.voucher_redeem(
                actor=world.users["enterprise_user"], voucher=voucher, project=project, amount="1"
            )

    def test_expiry_job_closes_expired_vouchers_once(self, world, project):
        expiring = issue(world, "10", days=0)
        lasting = issue(world, "10", days=5)
        tomorrow = TODAY() + timedelta(days=1)
        run = funding.vouchers_expire_run(day=tomorrow)
        assert run.status == "done" and run.closed_count == 1
        expiring.refresh_from_db()
        assert expiring.status == ServiceVoucher.Status.EXPIRED
        assert expiring.entries.filter(kind=Kind.EXPIRE).get().amount == Decimal("10")
        again = funding.vouchers_expire_run(day=tomorrow)
        assert again.pk == run.pk and expiring.entries.filter(kind=Kind.EXPIRE).count() == 1
        lasting.refresh_from_db()
        assert lasting.status == ServiceVoucher.Status.ACTIVE

    def test_an_expired_but_not_yet_closed_voucher_is_refused(self, world, project):
        voucher = issue(world, "10")
        ServiceVoucher.objects.filter(pk=voucher.pk).update(expires_on=TODAY() - timedelta(days=1))
        with pytest.raises(ValidationError, match="过期"):
            funding.voucher_redeem(
                actor=world.users["enterprise_user"], voucher=voucher, project=project, amount="1"
            )

    def test_the_sweep_creates_the_days_expiry_run(self, world):
        from core.jobs import sweep_jobs

        sweep_jobs()
        assert VoucherExpiryRun.objects.filter(day=TODAY()).exists()


@pytest.mark.django_db
class TestSubsidyRules:
    def test_rules_are_seeded_as_configuration(self):
        rules = {rule.code: (rule.kind, rule.limit) for rule in SubsidyRule.objects.all()}
        assert rules["share-of-cost"] == ("share_of_cost", Decimal("30"))
        assert rules["platform-year"] == ("per_provider_year", Decimal("500"))

    def test_subsidy_above_thirty_percent_is_refused_with_figures(self, world, project):
        officer = world.users["county_officer"]
        project_services.project_update(
            actor=officer, project=project, data={"planned_subsidy": Decimal("300")}
        )
        with pytest.raises(ValidationError) as caught:
            project_services.project_update(
                actor=officer, project=project, data={"planned_subsidy": Decimal("300.01")}
            )
        text = str(caught.value)
        assert "300.01" in text and "1000" in text and "30%" in text
        project.refresh_from_db()
        assert project.planned_subsidy == Decimal("300")
        assert project.events.filter(action="edit").count() == 1

    def test_vouchers_count_towards_the_share(self, world, project):
        officer = world.users["county_officer"]
        project_services.project_update(
            actor=officer, project=project, data={"planned_subsidy": Decimal("250")}
        )
        voucher = issue(world, "100")
        funding.voucher_redeem(actor=officer, voucher=voucher, project=project, amount="50")
        with pytest.raises(ValidationError, match="30%"):
            funding.voucher_redeem(actor=officer, voucher=voucher, project=project, amount="0.0001")
        voucher.refresh_from_db()
        assert voucher.redeemed == Decimal("50")

    def test_per_platform_year_cap(self, world, lead):
        officer = world.users["province_officer"]
        big = {"planned_investment": Decimal("2000"), "start_date": TODAY()}
        project_services.project_create(
            actor=officer,
            enterprise=world.ent_donghu,
            provider=lead,
            title="一",
            planned_subsidy=Decimal("450"),
            **big,
        )
        with pytest.raises(ValidationError) as caught:
            project_services.project_create(
                actor=officer,
                enterprise=world.ent_xihu,
                provider=lead,
                title="二",
                planned_subsidy=Decimal("50.5"),
                **big,
            )
        assert "500.5" in str(caught.value) and "500 万元" in str(caught.value)
        SubsidyRule.objects.filter(code="platform-year").update(active=False)
        project_services.project_create(
            actor=officer,
            enterprise=world.ent_xihu,
            provider=lead,
            title="二",
            planned_subsidy=Decimal("50.5"),
            **big,
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent transactions are PostgreSQL's; CI's second step runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_redemptions_at_the_same_moment_never_overspend(world, project, monkeypatch):
    """Two requests on two projects pass every check together (a barrier right before the balance
    is taken); the database lets exactly one through and the other is refused with the balance."""
    voucher = issue(world, "100")
    second = project_services.project_create(
        actor=world.users["county_officer"], enterprise=world.ent_donghu, provider=project.provider,
        title="设备上云", planned_investment=Decimal("1000"),
    )  # fmt: skip
    targets = iter([project, second])
    barrier = threading.Barrier(2, timeout=20)
    checks = funding.subsidy_breaches

    def together(project, *, extra_vouchers):
        problems = checks(project, extra_vouchers=extra_vouchers)
        barrier.wait()
        return problems

    monkeypatch.setattr(funding, "subsidy_breaches", together)
    outcomes = []

    def redeem(target):
        try:
            funding.voucher_redeem(
                actor=world.users["enterprise_user"], voucher=voucher, project=target, amount="60"
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem, args=(next(targets),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes)[0] == "ok" and outcomes.count("ok") == 1, outcomes
    assert "余额 40 万元" in [o for o in outcomes if o != "ok"][0]
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("60")
    assert voucher.entries.filter(kind=Kind.REDEEM).count() == 1
