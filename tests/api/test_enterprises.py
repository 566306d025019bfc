"""The enterprise API's behaviour within scope: input checks, exact decimals, filters, history, queries."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from diagnosis.models import Enterprise
from tests.api.conftest import new_credit_code
from tests.factories import EnterpriseFactory, make_role_user, region

LIST_URL = "/api/v1/enterprises/"


def create_payload(county: str = "360102", **extra) -> dict:
    return {"credit_code": new_credit_code(county), "name": "江西精密制造有限公司", "county": county, **extra}


# --- output -------------------------------------------------------------------------------------


def test_detail_renders_every_field(world, client_for):
    ent = world.ent_donghu
    data = client_for("city_officer").get(f"{LIST_URL}{ent.pk}/").data
    assert data["county"] == {
        "code": "360102",
        "name": "东湖区",
        "city": {"code": "360100", "name": "南昌市"},
    }
    assert data["commissioner"] == {"id": world.users["commissioner"].pk, "name": "dh_comm"}
    assert data["industry_code"] == "3911"
    assert data["industry_label"] == "C3911 计算机、通信和其他电子设备制造业"
    expected = {
        "id", "credit_code", "name", "county", "address", "industry_code", "industry_label",
        "above_designated_size", "size_class", "employees", "revenue", "output_value",
        "contact_person", "contact_phone", "commissioner", "cloud_adopted", "cloud_depth",
        "integration_certified", "integration_level", "iip_platform_used", "identifier_resolution",
        "uses_5g", "created_at", "updated_at",
    }  # fmt: skip
    assert set(data) == expected


def test_unassigned_commissioner_renders_null(world, client_for):
    data = client_for("city_officer").get(f"{LIST_URL}{world.ent_xihu.pk}/").data
    assert data["commissioner"] is None


def test_non_numeric_id_is_404(world, client_for):
    assert client_for("admin").get(f"{LIST_URL}abc/").status_code == 404


# --- decimals -----------------------------------------------------------------------------------


#: The largest amount the archive holds: 15 significant digits, 4 of them decimals (see
#: ``diagnosis.models.MONEY``; 15 digits is what SQLite stores exactly).
LARGEST = "99999999999.9999"


@pytest.mark.parametrize("amount", [LARGEST, "12345678901.1234", "0.0001", "100"])
def test_amounts_round_trip_exactly_as_strings(world, client_for, amount):
    payload = create_payload(revenue=amount, output_value=amount)
    client = client_for("county_officer")
    response = client.post(LIST_URL, payload, format="json")
    assert response.status_code == 201, response.data
    stored = Enterprise.objects.get(pk=response.data["id"])
    assert stored.revenue == Decimal(amount)
    assert stored.output_value == Decimal(amount)
    assert Decimal(response.data["revenue"]) == Decimal(amount)
    raw = json.loads(client.get(f"{LIST_URL}{stored.pk}/").content)
    assert isinstance(raw["revenue"], str)
    assert Decimal(raw["revenue"]) == Decimal(amount)
    assert raw["revenue"] == format(Decimal(amount).quantize(Decimal("0.0001")), "f")


def test_amount_beyond_15_digits_is_400_not_rounded(world, client_for):
    """ "12345678901234.1234" (18 digits) cannot be held exactly, so it is refused with the reason."""
    payload = create_payload(revenue="12345678901234.1234")
    response = client_for("county_officer").post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert response.data["revenue"] == ["请确保总计不超过 15 个数字。"]
    assert not Enterprise.objects.filter(credit_code=payload["credit_code"]).exists()


def test_amount_sent_as_bare_json_number_is_exact(world, client_for):
    """JSON numbers are parsed as Decimal, never float."""
    client = client_for("county_officer")
    body = json.dumps(create_payload())[:-1] + f', "revenue": {LARGEST}}}'
    response = client.post(LIST_URL, body, content_type="application/json")
    assert response.status_code == 201, response.data
    assert Enterprise.objects.get(pk=response.data["id"]).revenue == Decimal(LARGEST)
    # As a float this would read 0.3 and be accepted, silently rounded; as a Decimal it has 17 places.
    body = json.dumps(create_payload())[:-1] + ', "revenue": 0.30000000000000001}'
    response = client.post(LIST_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "revenue" in response.data


@pytest.mark.parametrize("value", ["1.23456", "-1", "abc", "NaN", "100000000000"])
def test_bad_amounts_are_400(world, client_for, value):
    response = client_for("county_officer").post(LIST_URL, create_payload(revenue=value), format="json")
    assert response.status_code == 400
    assert "revenue" in response.data


def test_patch_decimal_records_exact_history(world, client_for):
    ent = world.ent_donghu
    client = client_for("county_officer")
    assert client.patch(f"{LIST_URL}{ent.pk}/", {"revenue": "99.9900"}, format="json").status_code == 200
    history = client.get(f"{LIST_URL}{ent.pk}/history/").data["results"]
    change = next(c for c in history[0]["changes"] if c["field"] == "revenue")
    assert change["label"] == "营业收入（万元）"
    assert change["before"] is None
    assert Decimal(change["after"]) == Decimal("99.99")


# --- credit codes and other input ---------------------------------------------------------------


def test_invalid_credit_code_is_400_with_reason_in_chinese(world, client_for):
    good = new_credit_code("360102")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    client = client_for("county_officer")
    response = client.post(LIST_URL, create_payload(credit_code=bad_check), format="json")
    assert response.status_code == 400
    assert response.data["credit_code"] == ["统一社会信用代码校验位错误"]
    response = client.post(LIST_URL, create_payload(credit_code="91360102"), format="json")
    assert response.status_code == 400
    assert "应为18位" in response.data["credit_code"][0]
    response = client.post(LIST_URL, create_payload(credit_code="91360102MA3ZZZZZZZ"), format="json")
    assert response.status_code == 400
    assert "不允许的字符" in response.data["credit_code"][0]


def test_credit_code_is_normalised(world, client_for):
    code = new_credit_code("360102")
    messy = " " + code.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " "
    response = client_for("county_officer").post(LIST_URL, create_payload(credit_code=messy), format="json")
    assert response.status_code == 201, response.data
    assert response.data["credit_code"] == code


def test_duplicate_credit_code_is_400_without_revealing_the_holder(world, client_for):
    """The county officer of 东湖 cannot see 浔阳化工 but learns only that its code is taken."""
    taken = world.ent_jiujiang
    response = client_for("county_officer").post(
        LIST_URL, create_payload(credit_code=taken.credit_code), format="json"
    )
    assert response.status_code == 400
    message = response.data["credit_code"][0]
    assert "已建立企业档案" in message
    body = response.content.decode()
    for secret in (taken.name, "浔阳", "九江", str(taken.pk)):
        assert secret not in body
    assert Enterprise.objects.filter(credit_code=taken.credit_code).count() == 1


def test_duplicate_lost_in_a_race_is_still_400(world, client_for, monkeypatch):
    """Two concurrent creates pass ``full_clean``; the unique index stops the second one."""
    monkeypatch.setattr(Enterprise, "validate_unique", lambda self, exclude=None: None)
    payload = create_payload(credit_code=world.ent_jiujiang.credit_code)
    response = client_for("county_officer").post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert "已建立企业档案" in response.data["credit_code"][0]


def test_changing_credit_code_to_a_taken_one_is_400(world, client_for):
    client = client_for("province_officer")
    response = client.patch(
        f"{LIST_URL}{world.ent_donghu.pk}/", {"credit_code": world.ent_xihu.credit_code}, format="json"
    )
    assert response.status_code == 400
    assert "已建立企业档案" in response.data["credit_code"][0]


@pytest.mark.parametrize(
    ("sent", "stored"), [("C3911", "3911"), ("c 3911", "3911"), ("391", "391"), ("", "")]
)
def test_industry_code_is_normalised(world, client_for, sent, stored):
    response = client_for("county_officer").post(LIST_URL, create_payload(industry_code=sent), format="json")
    assert response.status_code == 201, response.data
    assert Enterprise.objects.get(pk=response.data["id"]).industry_code == stored


def test_industry_code_with_wrong_section_letter_is_400(world, client_for):
    response = client_for("county_officer").post(
        LIST_URL, create_payload(industry_code="A3911"), format="json"
    )
    assert response.status_code == 400
    assert "不符" in response.data["industry_code"][0]


def test_missing_required_fields_are_listed(world, client_for):
    response = client_for("county_officer").post(LIST_URL, {}, format="json")
    assert response.status_code == 400
    assert {"credit_code", "name", "county"} <= set(response.data)


def test_unknown_county_code_is_400(world, client_for):
    response = client_for("province_officer").post(LIST_URL, create_payload(county="369999"), format="json")
    assert response.status_code == 400
    assert "county" in response.data


def test_city_is_not_a_county(world, client_for):
    payload = create_payload(county="360102") | {"county": "360100"}
    response = client_for("province_officer").post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert "county" in response.data


def test_integration_level_needs_certification(world, client_for):
    payload = create_payload(integration_level="AA", integration_certified=False)
    response = client_for("county_officer").post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert not Enterprise.objects.filter(credit_code=payload["credit_code"]).exists()


# --- commissioner assignment --------------------------------------------------------------------


def test_officer_assigns_a_commissioner_of_their_region(world, client_for):
    # A city-tier commissioner covers every county of 南昌, 西湖区 included.
    comm = make_role_user(Role.COMMISSIONER, username="nc_comm", region_code="360100")
    response = client_for("city_officer").patch(
        f"{LIST_URL}{world.ent_xihu.pk}/", {"commissioner": comm.pk}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["commissioner"] == {"id": comm.pk, "name": "nc_comm"}


def test_commissioner_must_cover_the_enterprise_county(world, client_for):
    # The 东湖区 commissioner is in the officer's city but does not cover 西湖区.
    response = client_for("city_officer").patch(
        f"{LIST_URL}{world.ent_xihu.pk}/", {"commissioner": world.users["commissioner"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "commissioner" in response.data
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.commissioner is None


def test_officer_cannot_assign_a_commissioner_from_another_region(world, client_for):
    other = world.users["other_commissioner"]
    response = client_for("city_officer").patch(
        f"{LIST_URL}{world.ent_xihu.pk}/", {"commissioner": other.pk}, format="json"
    )
    assert response.status_code == 400
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.commissioner is None
    # The same answer as for an id that does not exist.
    nobody = client_for("city_officer").patch(
        f"{LIST_URL}{world.ent_xihu.pk}/", {"commissioner": 999_999}, format="json"
    )
    assert str(nobody.data["commissioner"][0]).replace("999999", "") == str(
        response.data["commissioner"][0]
    ).replace(str(other.pk), "")


def test_commissioner_cannot_reassign(world, client_for):
    response = client_for("commissioner").patch(
        f"{LIST_URL}{world.ent_donghu.pk}/", {"commissioner": None}, format="json"
    )
    assert response.status_code == 403


def test_officer_cannot_move_archive_out_of_region(world, client_for):
    response = client_for("county_officer").patch(
        f"{LIST_URL}{world.ent_donghu.pk}/", {"county": "360103"}, format="json"
    )
    assert response.status_code == 400
    assert "管辖范围" in response.data["county"][0]


# --- history ------------------------------------------------------------------------------------


def test_history_lists_changes_newest_first(world, client_for):
    client = client_for("county_officer")
    created = client.post(LIST_URL, create_payload(), format="json").data
    client.patch(f"{LIST_URL}{created['id']}/", {"name": "改名后有限公司"}, format="json")
    history = client.get(f"{LIST_URL}{created['id']}/history/").data
    assert history["count"] == 2
    update, create = history["results"]
    assert (update["action"], update["source"], update["source_label"]) == ("update", "api", "接口")
    assert update["actor"]["id"] == world.users["county_officer"].pk
    assert update["changes"] == [
        {"field": "name", "label": "企业名称", "before": "江西精密制造有限公司", "after": "改名后有限公司"}
    ]
    assert create["action"] == "create"


def test_unchanged_patch_writes_no_history(world, client_for):
    client = client_for("county_officer")
    ent = world.ent_donghu
    response = client.patch(f"{LIST_URL}{ent.pk}/", {"name": ent.name}, format="json")
    assert response.status_code == 200
    assert client.get(f"{LIST_URL}{ent.pk}/history/").data["count"] == 0


# --- filters, search, ordering, pagination ------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


def test_filters_match_the_pages(world, client_for):
    d, x, j = world.ent_donghu.pk, world.ent_xihu.pk, world.ent_jiujiang.pk
    food = EnterpriseFactory(county=region("360403"), industry_code="1311", above_designated_size=False)
    client = client_for("province_officer")
    assert ids(client.get(LIST_URL, {"region": "360100"})) == {d, x}
    assert ids(client.get(LIST_URL, {"region": "360400"})) == {j, food.pk}
    assert ids(client.get(LIST_URL, {"county": "360103"})) == {x}
    assert ids(client.get(LIST_URL, {"industry": "13"})) == {food.pk}
    assert ids(client.get(LIST_URL, {"above_designated_size": "false"})) == {food.pk}
    assert ids(client.get(LIST_URL, {"unassigned": "true"})) == {x, food.pk}
    assert ids(client.get(LIST_URL, {"commissioner": world.users["commissioner"].pk})) == {d}
    assert ids(client.get(LIST_URL, {"size_class": "small", "region": "360100"})) == {d, x}


def test_filters_never_widen_scope(world, client_for):
    client = client_for("county_officer")
    assert ids(client.get(LIST_URL, {"region": "360400"})) == set()
    assert ids(client.get(LIST_URL, {"county": "360403"})) == set()


def test_commissioner_filter_only_accepts_visible_commissioners(world, client_for):
    response = client_for("city_officer").get(
        LIST_URL, {"commissioner": world.users["other_commissioner"].pk}
    )
    assert response.status_code == 400


def test_search_by_name_and_credit_code(world, client_for):
    client = client_for("admin")
    assert ids(client.get(LIST_URL, {"q": "西湖机械"})) == {world.ent_xihu.pk}
    code = world.ent_jiujiang.credit_code
    assert ids(client.get(LIST_URL, {"q": code[-8:].lower()})) == {world.ent_jiujiang.pk}
    assert ids(client.get(LIST_URL, {"q": "有限公司"})) == world.visible_ids("admin")


def test_ordering(world, client_for):
    client = client_for("admin")

    def names(params):
        return [row["name"] for row in client.get(LIST_URL, params).data["results"]]

    by_name = names({"ordering": "name"})
    assert by_name == sorted(by_name)
    assert names({"ordering": "-name"}) == list(reversed(by_name))
    codes = [row["credit_code"] for row in client.get(LIST_URL, {"ordering": "credit_code"}).data["results"]]
    assert codes == sorted(codes)
    # Unknown ordering fields are ignored rather than exposing other columns.
    assert client.get(LIST_URL, {"ordering": "contact_phone"}).status_code == 200


def walk(client, params: dict, link: str = "next") -> list[list[int]]:
    """Follow the keyset links from the first page; the ids of each page in turn."""
    pages, url, query = [], LIST_URL, params
    while url:
        data = client.get(url, query).data
        pages.append([r["id"] for r in data["results"]])
        url, query = data[link], None
    return pages


@pytest.mark.parametrize("ordering", [None, "name", "-name", "credit_code", "-updated_at"])
def test_keyset_pages_cover_every_row_once_in_order(world, client_for, ordering):
    for i in range(7):
        EnterpriseFactory(county=region(["360102", "360121", "360702"][i % 3]), name=f"企业{i % 4}")
    client = client_for("admin")
    params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}
    pages = walk(client, params)
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    everything = [r["id"] for r in client.get(LIST_URL, {**params, "page_size": 200}).data["results"]]
    assert [i for p in pages for i in p] == everything and len(set(everything)) == 10
    # ``previous`` from the last page walks back through the same pages.
    last = client.get(LIST_URL, params).data
    while last["next"]:
        last = client.get(last["next"]).data
    back = []
    url = last["previous"]
    while url:
        data = client.get(url).data
        back.insert(0, [r["id"] for r in data["results"]])
        url = data["previous"]
    assert back == pages[:-1]


def test_keyset_page_is_stable_while_rows_are_added(world, client_for):
    for i in range(6):
        EnterpriseFactory(county=region("360102"), name=f"乙{i}")
    client = client_for("admin")
    before = set(Enterprise.objects.values_list("pk", flat=True))
    data = client.get(LIST_URL, {"page_size": 4, "ordering": "name"}).data
    seen = [r["id"] for r in data["results"]]
    EnterpriseFactory(county=region("360102"), name="丁")  # sorts before every row on the later pages
    while data["next"]:
        data = client.get(data["next"]).data
        seen += [r["id"] for r in data["results"]]
    # Every row there at the start, once each: an offset would have shifted and repeated one.
    assert len(seen) == len(set(seen)) and set(seen) == before


def test_count_on_request_only(world, client_for):
    client = client_for("admin")
    assert "count" not in client.get(LIST_URL).data
    assert client.get(LIST_URL, {"count": "1"}).data["count"] == Enterprise.objects.count()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJvIjpbXX0",
        "",
        "e30",
        "%00",
        "eyJvIjpbImNvdW50eV9vcmRlciIsIm5hbWUiLCJpZCJdLCJ2IjpbIngiLCJ5IiwieiJdfQ",
    ],
)
def test_bad_cursor_is_a_400_not_a_500(world, client_for, cursor):
    response = client_for("admin").get(LIST_URL, {"cursor": cursor})
    assert response.status_code in (200, 400)
    if cursor not in ("",):
        assert response.status_code == 400
        assert "cursor" in response.data


# --- queries ------------------------------------------------------------------------------------


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST_URL).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["province_officer", "commissioner", "clinic_staff"])
def test_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries, role):
    client = client_for(role)
    user = world.users[role]

    def add(n):
        for _ in range(n):
            ent = EnterpriseFactory(county=region("360102"), commissioner=world.users["commissioner"])
            ent.engagements.create(organisation=world.clinic)

    add(2)  # 3 visible to every role above; the list is one page query (no count: keyset pages)
    with django_assert_max_num_queries(2):
        small = list_queries(client)
    add(27)  # 30 visible
    assert (
        client.get(LIST_URL, {"count": "1"}).data["count"] == len(Enterprise.objects.visible_to(user)) >= 30
    )
    with django_assert_max_num_queries(2):
        large = list_queries(client)
    assert small == large


def test_history_query_count_does_not_grow_with_entries(world, client_for, django_assert_max_num_queries):
    client = client_for("county_officer")
    url = f"{LIST_URL}{world.ent_donghu.pk}/"
    client.patch(url, {"employees": 1}, format="json")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{url}history/")
    baseline = len(few.captured_queries)  # read now: each request resets the query log
    for n in range(2, 30):
        client.patch(url, {"employees": n}, format="json")
    with django_assert_max_num_queries(baseline):
        assert client.get(f"{url}history/").data["count"] == 29
