"""The provider pool's services: the application, the lifecycle (full status × status matrix and
actor levels), history rows, reasons, flags, profile and qualifications."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Organisation, Role
from providers.models import (
    Provider,
    ProviderApplication,
    ProviderStatusChange,
    Qualification,
    ServiceCategory,
    Solution,
)
from providers.selectors.directory import public_provider_list, public_solution_list
from providers.selectors.pool import provider_list
from providers.services.pool import (
    TRANSITIONS,
    application_number,
    provider_apply,
    provider_set_flag,
    provider_transition,
    provider_update,
    qualification_delete,
    qualification_save,
)
from tests.factories import make_role_user, region

from .test_pool_support import (
    make_provider,
    make_solution,
    new_code,
    other_city_officer_fixture,  # noqa: F401 (registers the fixture)
    pool_fixture,  # noqa: F401 (registers the fixture)
)

S = Provider.Status
STATUSES = list(S.values)

#: The allowed moves, stated independently of the code under test.
ALLOWED = {
    ("applied", "admitted"),
    ("applied", "rejected"),
    ("admitted", "suspended"),
    ("suspended", "admitted"),
    ("admitted", "removed"),
    ("suspended", "removed"),
    ("removed", "admitted"),
}
REGIONAL_MOVES = {("admitted", "suspended"), ("suspended", "admitted")}


def test_transition_table_matches_the_issue():
    assert set(TRANSITIONS) == ALLOWED


@pytest.mark.parametrize("from_status", STATUSES)
@pytest.mark.parametrize("to_status", STATUSES)
def test_status_matrix_for_the_province(world, from_status, to_status):
    provider = make_provider("矩阵测试服务商", home="360102", status=from_status)
    officer = world.users["province_officer"]
    before = provider.status_changed_at
    if (from_status, to_status) in ALLOWED:
        result = provider_transition(
            actor=officer, provider=provider, to_status=to_status, reason="依据评估结果"
        )
        assert result.status == to_status
        provider.refresh_from_db()
        assert provider.status == to_status
        assert provider.status_changed_at >= before
        change = ProviderStatusChange.objects.get(provider=provider)
        assert (change.from_status, change.to_status, change.actor, change.reason) == (
            from_status,
            to_status,
            officer,
            "依据评估结果",
        )
    else:
        with pytest.raises(ValidationError) as exc:
            provider_transition(actor=officer, provider=provider, to_status=to_status, reason="依据评估结果")
        assert "不能从" in str(exc.value)
        provider.refresh_from_db()
        assert provider.status == from_status
        assert not ProviderStatusChange.objects.filter(provider=provider).exists()


def test_invalid_move_names_both_statuses_in_chinese(world):
    provider = make_provider("申请中服务商", home="360102", status=S.APPLIED)
    with pytest.raises(ValidationError) as exc:
        provider_transition(
            actor=world.users["province_officer"], provider=provider, to_status=S.SUSPENDED, reason="试试"
        )
    assert "不能从“已申请”直接变为“已暂停”" in " ".join(exc.value.messages)


def test_unknown_status_is_a_validation_error(world):
    provider = make_provider("未知状态测试", home="360102")
    with pytest.raises(ValidationError):
        provider_transition(actor=world.users["admin"], provider=provider, to_status="archived", reason="x")


ACTORS = [
    "admin",
    "province_officer",
    "city_in",
    "city_out",
    "county_officer",
    "provider_staff",
    "commissioner",
]


@pytest.fixture
def actors(world, other_city_officer):
    return {**world.users, "city_in": world.users["city_officer"], "city_out": other_city_officer}


@pytest.mark.parametrize("move", sorted(ALLOWED))
@pytest.mark.parametrize("who", ACTORS)
def test_actor_levels(actors, move, who):
    """Province/admin: every move. 南昌's city officer: suspend/reinstate a provider based in 西湖区
    (inside 南昌). Everyone else (other city, county, staff, commissioner): 403 with a reason."""
    from_status, to_status = move
    provider = make_provider("层级测试服务商", home="360103", status=from_status)
    allowed = who in ("admin", "province_officer") or (who == "city_in" and move in REGIONAL_MOVES)
    if allowed:
        provider_transition(actor=actors[who], provider=provider, to_status=to_status, reason="依规办理")
        provider.refresh_from_db()
        assert provider.status == to_status
    else:
        with pytest.raises(PermissionDenied) as exc:
            provider_transition(actor=actors[who], provider=provider, to_status=to_status, reason="依规办理")
        assert "只有" in str(exc.value)
        provider.refresh_from_db()
        assert provider.status == from_status
        assert not ProviderStatusChange.objects.filter(provider=provider).exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reason_is_required(world, reason):
    provider = make_provider("理由测试", home="360102")
    with pytest.raises(ValidationError) as exc:
        provider_transition(
            actor=world.users["admin"], provider=provider, to_status=S.SUSPENDED, reason=reason
        )
    assert "理由" in " ".join(exc.value.messages)
    provider.refresh_from_db()
    assert provider.status == S.ADMITTED


@pytest.mark.parametrize(
    ("from_status", "clears"),
    [(S.SUSPENDED, True), (S.REMOVED, True), (S.APPLIED, False)],
)
def test_flag_cleared_only_on_reinstating_or_readmitting(world, from_status, clears):
    provider = make_provider("标记测试", home="360102", status=from_status)
    provider_set_flag(provider=provider, flagged=True)
    provider_transition(
        actor=world.users["admin"], provider=provider, to_status=S.ADMITTED, reason="整改到位"
    )
    provider.refresh_from_db()
    assert provider.flagged_for_review is (not clears)


def test_suspending_keeps_the_flag(world):
    provider = make_provider("暂停保留标记", home="360102")
    provider_set_flag(provider=provider)
    provider_transition(
        actor=world.users["admin"], provider=provider, to_status=S.SUSPENDED, reason="连续两次D"
    )
    provider.refresh_from_db()
    assert provider.flagged_for_review is True


@pytest.mark.parametrize("to_status", [S.SUSPENDED, S.REMOVED])
def test_suspended_or_removed_provider_disappears_from_the_directory(world, to_status):
    provider = make_provider("目录可见性", home="360102")
    solution = make_solution(provider, "公开方案", status=Solution.Status.PUBLISHED)
    assert provider in public_provider_list()
    assert solution in public_solution_list()
    provider_transition(actor=world.users["admin"], provider=provider, to_status=to_status, reason="核查不实")
    assert provider not in public_provider_list()
    assert solution not in public_solution_list()
    provider_transition(actor=world.users["admin"], provider=provider, to_status=S.ADMITTED, reason="已整改")
    assert solution in public_solution_list()


def test_history_keeps_every_step_in_order(world):
    provider = make_provider("历史测试", home="360102", status=S.APPLIED)
    officer = world.users["province_officer"]
    for to_status, reason in [(S.ADMITTED, "材料齐全"), (S.SUSPENDED, "暂停"), (S.ADMITTED, "恢复")]:
        provider_transition(actor=officer, provider=provider, to_status=to_status, reason=reason)
    steps = list(
        provider.status_changes.order_by("at", "id").values_list("from_status", "to_status", "reason")
    )
    assert steps == [
        ("applied", "admitted", "材料齐全"),
        ("admitted", "suspended", "暂停"),
        ("suspended", "admitted", "恢复"),
    ]


# ---------- the application ----------


def application(**overrides) -> dict:
    data = {
        "name": "洪城数字科技有限公司",
        "credit_code": new_code("360102"),
        "home_region": region("360102"),
        "regions_served": [region("360100"), region("360400")],
        "categories": list(ServiceCategory.objects.filter(active=True)[:2]),
        "description": "专注中小企业数字化改造",
        "website": "https://example.invalid",
        "contact_person": "刘经理",
        "contact_phone": "13800000000",
        "contact_email": "liu@example.invalid",
    }
    data.update(overrides)
    return data


QUALS = [{"name": "ISO 9001", "number": "Q-1", "issuer": "认证中心", "valid_until": date(2030, 1, 1)}]


def test_apply_creates_organisation_provider_history_and_qualifications(db):
    data = application()
    submission = provider_apply(data=data, qualifications=QUALS)
    assert submission.status == ProviderApplication.Status.FILED
    provider = submission.provider
    assert provider.status == S.APPLIED
    assert provider.organisation.kind == Organisation.Kind.PROVIDER
    assert provider.organisation.credit_code == data["credit_code"]
    assert provider.organisation.name == "洪城数字科技有限公司"
    assert set(provider.regions_served.values_list("code", flat=True)) == {"360100", "360400"}
    assert provider.categories.count() == 2
    assert list(provider.qualifications.values_list("name", flat=True)) == ["ISO 9001"]
    change = provider.status_changes.get()
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        "",
        "applied",
        None,
        "在线申请",
    )
    assert submission.number.startswith("FWS")
    assert submission.number.endswith(f"{submission.pk:05d}")
    assert application_number(provider) == submission.number


def test_apply_normalises_the_credit_code(db):
    code = new_code("360102")
    submission = provider_apply(data=application(credit_code=f" {code.lower()} "), qualifications=QUALS)
    assert submission.credit_code == submission.provider.credit_code == code


def test_apply_rejects_a_bad_credit_code_with_the_reason(db):
    code = new_code("360102")
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        provider_apply(data=application(credit_code=bad), qualifications=QUALS)
    assert exc.value.message_dict["credit_code"] == ["统一社会信用代码校验位错误"]
    assert not Provider.objects.exists()


def test_apply_needs_a_qualification_and_a_city_or_county(db):
    with pytest.raises(ValidationError):
        provider_apply(data=application(), qualifications=[])
    with pytest.raises(ValidationError) as exc:
        provider_apply(data=application(home_region=region("360000")), qualifications=QUALS)
    assert "home_region" in exc.value.message_dict


# A known credit code used to be refused with "已申请或已入库" (revealing a non-public record), and
# a rejected or removed provider's record was overwritten by the unauthenticated submission. Now
# every such submission is held apart for the province (see test_defects_application.py).


@pytest.mark.parametrize("status", list(S))
def test_a_known_code_is_held_apart_and_changes_nothing(db, status):
    existing = make_provider("已有记录", home="360102", status=status)
    submission = provider_apply(
        data=application(credit_code=existing.credit_code, name="冒名机构"), qualifications=QUALS
    )
    assert submission.status == ProviderApplication.Status.HELD
    assert submission.provider_id == existing.pk and submission.name == "冒名机构"
    existing.refresh_from_db()
    assert existing.status == status and existing.name == "已有记录"
    assert list(existing.qualifications.values_list("name", flat=True)) == ["软件企业证书"]
    assert not existing.status_changes.exists()
    assert Provider.objects.count() == 1


# ---------- profile and qualifications ----------


def test_staff_update_their_own_profile(pool):
    provider = pool.providers["own"]
    provider_update(
        actor=pool.users["provider_staff"],
        provider=provider,
        data={"contact_person": "新联系人", "regions_served": [region("360400")]},
    )
    provider.refresh_from_db()
    assert provider.contact_person == "新联系人"
    assert list(provider.regions_served.values_list("code", flat=True)) == ["360400"]


@pytest.mark.parametrize("who", ["province_officer", "city_officer", "commissioner", "enterprise_user"])
def test_only_staff_update_a_profile(pool, who):
    with pytest.raises(PermissionDenied):
        provider_update(actor=pool.users[who], provider=pool.providers["own"], data={"contact_person": "x"})


def test_staff_cannot_change_status_through_the_profile(pool):
    with pytest.raises(PermissionDenied):
        provider_update(
            actor=pool.users["provider_staff"], provider=pool.providers["own"], data={"status": "admitted"}
        )


def test_staff_of_another_provider_cannot_update(pool):
    stranger = make_role_user(
        Role.PROVIDER_STAFF, username="other_staff", organisation=pool.providers["xihu"].organisation
    )
    with pytest.raises(PermissionDenied):
        provider_update(actor=stranger, provider=pool.providers["own"], data={"contact_person": "x"})


def test_qualifications_add_edit_delete(pool):
    provider = pool.providers["own"]
    staff = pool.users["provider_staff"]
    added = qualification_save(
        actor=staff,
        provider=provider,
        data={
            "name": "高新技术企业",
            "number": "GR1",
            "issuer": "科技厅",
            "valid_from": None,
            "valid_until": None,
        },
    )
    assert provider.qualifications.count() == 2
    qualification_save(actor=staff, provider=provider, qualification=added, data={"name": "高新技术企业证书"})
    added.refresh_from_db()
    assert added.name == "高新技术企业证书"
    qualification_delete(actor=staff, qualification=added)
    assert provider.qualifications.count() == 1
    with pytest.raises(ValidationError):  # the last one stays
        qualification_delete(actor=staff, qualification=provider.qualifications.get())


def test_qualification_dates_checked(pool):
    with pytest.raises(ValidationError):
        qualification_save(
            actor=pool.users["provider_staff"],
            provider=pool.providers["own"],
            data={"name": "x", "valid_from": date(2025, 1, 2), "valid_until": date(2025, 1, 1)},
        )


def test_officers_cannot_touch_qualifications(pool):
    q = pool.providers["own"].qualifications.get()
    with pytest.raises(PermissionDenied):
        qualification_delete(actor=pool.users["province_officer"], qualification=q)


def test_expired_qualification_flagged_in_the_list(world):
    fresh = make_provider("资质有效", home="360102")
    stale = make_provider("资质过期", home="360102", expired=True)
    flags = {p.pk: p.has_expired_qualification for p in provider_list(actor=world.users["admin"])}
    assert flags[fresh.pk] is False
    assert flags[stale.pk] is True
    assert Qualification.objects.expired().filter(provider=stale).exists()
    assert stale.qualifications.get().is_expired
    assert not fresh.qualifications.get().is_expired
    assert fresh.qualifications.get().valid_until > timezone.localdate() - timedelta(days=1)
