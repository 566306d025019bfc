"""core.freshness and core.fragments: the data version, and page bodies cached under it.

These tests commit for real (``transaction=True``): inside Django's ``TestCase`` transaction
nothing is cached once a test wrote (which is itself tested below), so hits, misses and
invalidation are only visible with real commits.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from core import freshness
from diagnosis.models import Enterprise
from tests.factories import EnterpriseFactory, make_role_user, region
from tests.reference import ensure_reference_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def regions(transactional_db):
    """The division tree (an earlier transactional test's flush may have removed it), a clean cache."""
    ensure_reference_data()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module", autouse=True)
def regions_restored_afterwards(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def province():
    return make_role_user(Role.PROVINCE_OFFICER, username="frag-sheng", region_code="360000")


@pytest.fixture
def county():
    return make_role_user(Role.COUNTY_OFFICER, username="frag-donghu", region_code="360102")


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def warm(client, url, **kwargs):
    """Two requests: the first sets the CSRF cookie (nothing is cached without one), the second
    stores the body; returns the first response and its query count."""
    response, count = queries_of(client, url, **kwargs)
    queries_of(client, url, **kwargs)
    return response, count


def queries_of(client, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(captured.captured_queries)


# --- the data version ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql, write",
    [
        ('INSERT INTO "diagnosis_enterprise" ("name") VALUES (%s)', True),
        ('UPDATE "accounts_user" SET "role" = %s', True),
        ('DELETE FROM "diagnosis_engagement" WHERE id = 1', True),
        ("  insert or replace into diagnosis_enterprise values (1)", True),
        ('WITH x AS (SELECT 1) UPDATE "diagnosis_enterprise" SET name = 1', True),
        ("ALTER TABLE diagnosis_enterprise ADD COLUMN x int", True),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "django_session" VALUES (1)', False),
        ('DELETE FROM "django_session" WHERE 1', False),
        ('INSERT INTO "axes_accessattempt" VALUES (1)', False),
        ('SELECT * FROM "diagnosis_enterprise" FOR UPDATE', False),
        ('SAVEPOINT "s1"', False),
        ('RELEASE SAVEPOINT "s1"', False),
        ("EXPLAIN ANALYZE SELECT 1", False),
    ],
)
def test_what_counts_as_a_write(sql, write):
    assert freshness.is_write(sql) is write


def test_token_is_replaced_by_every_kind_of_committed_write():
    seen = {freshness.token()}

    def changed() -> bool:
        now = freshness.token()
        new = now not in seen
        seen.add(now)
        return new

    enterprise = EnterpriseFactory()
    assert changed(), "save()"
    Enterprise.objects.filter(pk=enterprise.pk).update(name="改名后的企业有限公司")
    assert changed(), "QuerySet.update()"
    Enterprise.objects.bulk_create([EnterpriseFactory.build(), EnterpriseFactory.build()])
    assert changed(), "bulk_create()"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE diagnosis_enterprise SET name = name")
    assert changed(), "raw SQL"
    Enterprise.objects.filter(pk=enterprise.pk).delete()
    assert changed(), "delete()"
    Enterprise.objects.filter(pk=enterprise.pk).exists()
    assert not changed(), "a read"
    Enterprise.objects.filter(pk=enterprise.pk).update(name="x")  # deleted above: matches nothing
    assert not changed(), "an UPDATE that touched no row"


def test_reading_the_main_pages_writes_nothing(province):
    """Pages that wrote on every GET would empty the page cache for everyone on every view."""
    enterprise = EnterpriseFactory()
    client = signed_in(province)
    urls = [
        reverse("home"),
        reverse("diagnosis:enterprise_list"),
        reverse("diagnosis:enterprise_detail", args=[enterprise.pk]),
        reverse("directory:index"),
        "/api/v1/enterprises/",
    ]
    client.get(urls[0])
    before = freshness.token()
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert freshness.token() == before


def test_token_waits_for_the_commit_and_survives_a_rollback():
    before = freshness.token()
    with transaction.atomic():
        EnterpriseFactory()
        assert freshness.token() == before, "replaced before the commit"
        assert not freshness.can_cache(), "caching while holding uncommitted writes"
    assert freshness.token() != before
    assert freshness.can_cache()

    before = freshness.token()
    with pytest.raises(RuntimeError), transaction.atomic():
        EnterpriseFactory()
        raise RuntimeError("roll back")
    assert freshness.token() == before, "a rolled-back write replaced the token"
    assert freshness.can_cache()


def test_session_writes_do_not_replace_the_token(province):
    client = signed_in(province)  # (signing in writes last_login: that one counts)
    before = freshness.token()
    session = client.session
    session["x"] = 1
    session.save()
    assert freshness.token() == before


def test_a_lost_token_is_replaced_not_reused():
    first = freshness.token()
    cache.clear()
    assert freshness.token() not in (None, first)


# --- page bodies --------------------------------------------------------------------------------


def test_repeat_view_of_the_list_costs_only_the_session_and_user(province):
    EnterpriseFactory.create_batch(3)
    client = signed_in(province)
    url = reverse("diagnosis:enterprise_list")
    first, cold = warm(client, url)
    second, hit = queries_of(client, url)
    assert second.content.decode().count("江西测试制造有限公司") == 3
    assert hit <= 3 < cold, (hit, cold)
    assert _without_csrf(first) == _without_csrf(second)


def _without_csrf(response) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_committed_write_is_shown_at_once(province):
    client = signed_in(province)
    url = reverse("diagnosis:enterprise_list")
    enterprise = EnterpriseFactory(name="第一家测试企业有限公司")
    assert "第一家测试企业有限公司" in queries_of(client, url)[0].content.decode()
    warm(client, url)  # cached now

    EnterpriseFactory(name="第二家测试企业有限公司")  # ORM save
    assert "第二家测试企业有限公司" in client.get(url).content.decode()
    Enterprise.objects.filter(pk=enterprise.pk).update(name="改名测试企业有限公司")  # bulk update
    body = client.get(url).content.decode()
    assert "改名测试企业有限公司" in body and "第一家测试企业有限公司" not in body
    detail = reverse("diagnosis:enterprise_detail", args=[enterprise.pk])
    assert "改名测试企业有限公司" in client.get(detail).content.decode()


def test_each_session_gets_its_own_scope(province, county):
    EnterpriseFactory(name="东湖区测试企业有限公司")  # county 360102 (东湖区)
    EnterpriseFactory(name="赣州测试企业有限公司", county=region("360702"))
    url = reverse("diagnosis:enterprise_list")
    province_body = signed_in(province).get(url).content.decode()
    assert "赣州测试企业有限公司" in province_body
    county_client = signed_in(county)
    for _ in range(2):
        body = county_client.get(url).content.decode()
        assert "东湖区测试企业有限公司" in body and "赣州测试企业有限公司" not in body


def test_out_of_scope_detail_stays_404_after_someone_else_cached_it(province, county):
    far = EnterpriseFactory(county=region("360702"))
    url = reverse("diagnosis:enterprise_detail", args=[far.pk])
    assert signed_in(province).get(url).status_code == 200
    assert signed_in(province).get(url).status_code == 200
    assert signed_in(county).get(url).status_code == 404


def test_language_is_part_of_the_key(province):
    EnterpriseFactory()
    client = signed_in(province)
    url = reverse("diagnosis:enterprise_list")
    assert "企业名称" in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enterprise name" in english or "Name" in english
    assert "共 1 家企业" not in english


def test_cached_forms_still_post(county):
    """A caseload served from the cache carries a CSRF token this session can post with."""
    from datetime import timedelta

    from django.utils import timezone

    from diagnosis.models import Visit

    commissioner = make_role_user(Role.COMMISSIONER, username="frag-zy", region_code="360102")
    enterprise = EnterpriseFactory(commissioner=commissioner)
    visit = Visit.objects.create(
        enterprise=enterprise,
        commissioner=commissioner,
        visited_on=timezone.localdate() - timedelta(days=20),
        summary="走访",
        follow_up_due=timezone.localdate() - timedelta(days=3),
    )
    client = signed_in(commissioner, enforce_csrf_checks=True)
    url = reverse("diagnosis:caseload")
    warm(client, url)
    cached, hit = queries_of(client, url)
    assert hit <= 3
    import re

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached.content.decode()).group(1)
    done = reverse("diagnosis:visit_follow_up_done", args=[enterprise.pk, visit.pk])
    response = client.post(done, {"csrfmiddlewaretoken": token, "next": url})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.followed_up_on == timezone.localdate()


def test_public_directory_body_is_shared_and_carries_no_token():
    url = reverse("directory:index")
    first, cold = queries_of(Client(), url)
    second, hit = queries_of(Client(), url)  # another visitor
    assert hit < cold and hit <= 1
    from core.fragments import fragment_key

    keys = [k for k in cache._cache if ":frag:directory_index:" in k]
    assert len(keys) == 1
    body = cache.get(keys[0].split(":", 2)[2])["body"]
    assert "csrfmiddlewaretoken" not in body
    assert fragment_key is not None


def test_api_list_is_cached_per_user(province, county):
    EnterpriseFactory(name="东湖区接口企业有限公司")
    EnterpriseFactory(name="赣州接口企业有限公司", county=region("360702"))
    url = "/api/v1/enterprises/"
    province_client, county_client = signed_in(province), signed_in(county)
    names = lambda r: {row["name"] for row in r.json()["results"]}  # noqa: E731
    assert names(province_client.get(url)) == {"东湖区接口企业有限公司", "赣州接口企业有限公司"}
    _response, hit = queries_of(province_client, url)
    assert hit <= 3
    assert names(county_client.get(url)) == {"东湖区接口企业有限公司"}
    other_host = province_client.get(url + "?count=1", HTTP_HOST="localhost").json()
    assert other_host["count"] == 2


def test_cache_outage_still_serves_the_page(province, monkeypatch):
    EnterpriseFactory(name="缓存故障测试企业有限公司")

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "add", down)
    response = signed_in(province).get(reverse("diagnosis:enterprise_list"))
    assert response.status_code == 200
    assert "缓存故障测试企业有限公司" in response.content.decode()


def test_nothing_is_cached_inside_an_uncommitted_transaction(province):
    client = signed_in(province)
    url = reverse("diagnosis:enterprise_list")
    with transaction.atomic():
        EnterpriseFactory(name="未提交的企业有限公司")
        assert "未提交的企业有限公司" in client.get(url).content.decode()
        transaction.set_rollback(True)
    assert "未提交的企业有限公司" not in client.get(url).content.decode()


def test_caching_can_be_turned_off(province, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client = signed_in(province)
    url = reverse("diagnosis:enterprise_list")
    _r, first = warm(client, url)
    _r, second = queries_of(client, url)
    assert second == first


def test_paging_reuses_the_count_and_the_filter_panel(province):
    EnterpriseFactory.create_batch(30)  # two pages of 25
    client = signed_in(province)
    url = reverse("diagnosis:enterprise_list")
    _first, cold = warm(client, url)
    page_two, paged = queries_of(client, url + "?page=2")
    assert paged < cold, (paged, cold)  # rows only: no count, no commissioner choices
    body = page_two.content.decode()
    assert "共 30 家企业" in body and body.count("江西测试制造有限公司") == 5
    assert 'name="commissioner"' in body  # the panel is there, from the cache
    filtered = client.get(url + "?size_class=large&page=1").content.decode()
    assert "没有符合条件的企业" in filtered and 'value="large" selected' in filtered
