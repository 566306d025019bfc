"""The route registry: every URL pattern and API route, the object it acts on and who may reach it.

One ``Route`` per (URL name, HTTP method) walked. ``test_registry_complete`` fails when a URL name
of the URL conf (or a path/method of the OpenAPI schema) has no entry here, or an entry names a
route that no longer exists — so adding an endpoint means adding its line here. A typical line::

    page("diagnosis:enterprise_detail", kind="enterprise"),                    # any signed-in role
    page("diagnosis:enterprise_create", allowed=OFFICERS),                     # others: 403
    page("diagnosis:import_help", allowed=OFFICERS, denied=404),               # others: 404
    api("api-visit-follow-up", "POST", kind="visit", allowed=LOGGERS),          # API, 401 anonymous

How a case is judged (``expected`` below), for a role and the ``in`` or ``out`` object of ``kind``
(``tests/scope_matrix/world.py`` says who sees which):
1. anonymous on a route that is not public: pages redirect to the sign-in page, the API says 401;
2. an object the role cannot see: 404 — out of scope answers like "does not exist", never 200/403;
3. a role that can see the object but may not act (``allowed``): ``denied``. The project's
   convention: 403 with a reason where the role may see the page's object but not act on it
   (edit, create, transition, staff accounts…), 404 where the whole area is not the role's
   (register import, review queues, league table, targets, caseload) — "no hint it exists";
4. otherwise ``ok`` (a POST's success is its redirect, 302, or the API's 200/201; where the walk
   posts an incomplete form on purpose the answer is 400 and nothing is written).
``rows=True`` marks a list, export or download: the URL takes no object, every allowed role gets
``ok``, and the ``in``/``out`` object's marker (or id, for the API) must be in the answer exactly
when the role may see that object.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from tests.roles import ANONYMOUS, OFFICERS, PROVINCE_ROLES, REAL_ROLES

SIGNED_IN = frozenset(REAL_ROLES)
EVERYONE = SIGNED_IN | {ANONYMOUS}
#: Who may edit an archive, engage an enterprise or log a visit on it: officers and its commissioner.
CASEWORKERS = OFFICERS | {"commissioner"}
STAFF = frozenset({"provider_staff"})
#: Who diagnoses: staff of the clinics and providers engaged with the enterprise.
DIAGNOSERS = frozenset({"clinic_staff", "provider_staff"})
CLINIC = frozenset({"clinic_staff"})
ENTERPRISE = frozenset({"enterprise_user"})
_NOBODY = frozenset()
#: Who answers an enterprise's request: officers and its commissioner.
REPLIERS = OFFICERS | {"commissioner"}
LOGIN = "login"  # expected: a redirect to the sign-in page


@dataclass(frozen=True)
class Route:
    name: str
    method: str = "GET"
    kind: str | None = None
    allowed: frozenset = SIGNED_IN
    ok: int | dict = 200  # or {"in": code, "out": code}
    denied: int = 403
    rows: bool = False
    api: bool = False
    anonymous: int | str | None = None  # None: LOGIN for pages, 401 for the API; ignored if public
    data: dict | Callable | None = None  # the body: a dict, or obj → dict
    kwargs: Callable | None = None  # obj → URL kwargs; default {"pk": obj.pk} for object routes
    query: dict = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return ANONYMOUS in self.allowed

    def url_kwargs(self, obj) -> dict:
        if self.kind is None or (self.rows and self.kwargs is None):
            return {}
        if self.kwargs is None:
            return {"pk": obj.pk}
        return self.kwargs(obj)

    def body(self, obj) -> dict | None:
        return self.data(obj) if callable(self.data) else self.data


def page(name, method="GET", **kw) -> Route:
    return Route(name, method, **kw)


def api(name, method="GET", **kw) -> Route:
    return Route(name, method, api=True, **kw)


def expected(route: Route, role: str, which: str | None, visible) -> int | str:
    """The answer ``role`` must get from ``route`` on the ``which`` object (see the module)."""
    if role == ANONYMOUS and not route.public:
        if route.anonymous is not None:
            return route.anonymous
        return 401 if route.api else LOGIN
    if route.kind and not route.rows and not visible(route.kind, which, role):
        return 404
    if role not in route.allowed:
        return route.denied
    return route.ok[which] if isinstance(route.ok, dict) else route.ok


def _engagement(e) -> dict:
    return {"pk": e.enterprise_id, "engagement_id": e.pk}


def _visit(v) -> dict:
    return {"pk": v.enterprise_id, "visit_id": v.pk}


def _region_pk(code: str) -> int:
    from regions.models import Region

    return Region.objects.get(code=code).pk


def _attachment(a) -> dict:
    return {"pk": a.visit.enterprise_id, "attachment_id": a.pk}


def _matrix_table(_value) -> dict:
    return {"code": "matrix_counties"}


def _layout_form(code: str) -> dict:
    """A complete layout form (``reporting.services.layouts``) on the world's indicator."""
    return {"code": code, "title": "矩阵表样", "period": "2025S1", "rows": "level:county",
            "columns": "n | matrix_n | int", "rank": "1 | 3 | 矩阵指标 | 家"}  # fmt: skip


def _milestone(m) -> dict:
    return {"pk": m.project_id, "milestone_id": m.pk}


def _project_file(a) -> dict:
    return {"pk": a.project_id, "attachment_id": a.pk}


#: Who runs a project: the enterprise's users, the lead provider's staff, the region's officers.
MANAGERS = OFFICERS | {"enterprise_user", "provider_staff"}


def _comment(c) -> dict:
    return {"pk": c.diagnosis_id, "comment_id": c.pk}


def _qualification(q) -> dict:
    return {"pk": q.provider_id, "qpk": q.pk}


def _recommendation(r) -> dict:
    return {"pk": r.diagnosis_id, "rec_id": r.pk}


def _in_diagnosis(d) -> dict:
    return {"diagnosis_pk": d.pk}


def _api_recommendation(r) -> dict:
    return {"diagnosis_pk": r.diagnosis_id, "pk": r.pk}


def _action(action):
    return lambda s: {"pk": s.pk, "action": action}


def _today() -> str:
    return timezone.localdate().isoformat()


_NO_URL_OBJECT = lambda obj: {}  # noqa: E731  (the object travels in the body, not the URL)
TRANSITION = {"to_status": "suspended", "reason": "矩阵核查"}
#: Who may suspend the world's providers: the province anywhere, 南昌's city officer those based in 南昌.
SUSPENDERS = PROVINCE_ROLES | {"city_officer"}
CLOSE_CLINIC = {"to_status": "closed", "reason": "矩阵核查"}

ROUTES: list[Route] = [
    # --- root, accounts, language -------------------------------------------------------------
    page("home"),  # everyone signed in has a 工作台; anonymous → sign in
    page("accounts:login", ok=302, allowed=SIGNED_IN, anonymous=200),
    page("accounts:logout", "POST", ok=302, allowed=EVERYONE),
    page("accounts:notifications", kind="notification", rows=True),  # each person their own
    page(
        "accounts:notifications_read",
        "POST",
        kind="notification",
        ok=302,
        kwargs=_NO_URL_OBJECT,
        data=lambda n: {"id": n.pk},
    ),
    page("set_language", "POST", ok=302, allowed=EVERYONE, data={"language": "en", "next": "/"}),
    # --- the enterprise archive ----------------------------------------------------------------
    page("diagnosis:enterprise_list", kind="enterprise", rows=True),
    page("diagnosis:enterprise_create", allowed=OFFICERS),
    page("diagnosis:enterprise_detail", kind="enterprise"),
    page("diagnosis:enterprise_edit", kind="enterprise", allowed=CASEWORKERS),
    # --- the register import: officers only, 404 for anyone else -------------------------------
    page("diagnosis:import_upload", allowed=OFFICERS, denied=404),
    page("diagnosis:import_help", allowed=OFFICERS, denied=404),
    page("diagnosis:import_template", allowed=OFFICERS, denied=404),
    page("diagnosis:import_template", allowed=OFFICERS, denied=404, query={"format": "csv"}),
    page("diagnosis:import_jobs", kind="import_job", rows=True, allowed=OFFICERS, denied=404),
    page("diagnosis:import_job", kind="import_job", allowed=OFFICERS, denied=404),
    page("diagnosis:import_job_status", kind="import_job", allowed=OFFICERS, denied=404),
    page("diagnosis:import_confirm", "POST", kind="import_job", allowed=OFFICERS, denied=404, ok=302),
    page("diagnosis:import_cancel", "POST", kind="import_job", allowed=OFFICERS, denied=404, ok=302),
    page("diagnosis:import_rejects", kind="import_job", allowed=OFFICERS, denied=404),
    # --- caseload and assignment -----------------------------------------------------------------
    page("diagnosis:caseload", allowed=frozenset({"commissioner"}), denied=404),
    page("diagnosis:assign", kind="enterprise", rows=True, allowed=OFFICERS),
    page("diagnosis:caseload_of", kind="commissioner_user", kwargs=lambda u: {"user_id": u.pk}),
    page(
        "diagnosis:commissioner_deactivate",
        kind="commissioner_user",
        allowed=OFFICERS,
        kwargs=lambda u: {"user_id": u.pk},
    ),
    page("diagnosis:assign_one", kind="enterprise", allowed=OFFICERS),
    # --- engagements and visits ----------------------------------------------------------------
    page("diagnosis:engage", kind="enterprise", allowed=CASEWORKERS),
    page(
        "diagnosis:engagement_close",
        "POST",
        kind="engagement",
        allowed=CASEWORKERS,
        ok=302,
        kwargs=_engagement,
    ),
    page("diagnosis:visit_list", kind="visit", kwargs=lambda v: {"pk": v.enterprise_id}),
    page("diagnosis:visit_log", kind="enterprise", allowed=CASEWORKERS),
    page("diagnosis:visit_follow_up_done", "POST", kind="visit", allowed=CASEWORKERS, ok=302, kwargs=_visit),
    page("diagnosis:visit_attachment", kind="visit_attachment", kwargs=_attachment),
    page("diagnosis:overdue_follow_ups", kind="overdue_visit", rows=True, allowed=OFFICERS, denied=404),
    page(
        "diagnosis:overdue_follow_ups",
        kind="overdue_visit",
        rows=True,
        allowed=OFFICERS,
        denied=404,
        query={"format": "csv"},
    ),
    # --- diagnoses ------------------------------------------------------------------------------
    page("diagnosis:diagnosis_start", "POST", kind="enterprise", allowed=DIAGNOSERS, ok=302),
    page("diagnosis:diagnosis_list", kind="diagnosis_issued", rows=True),
    page("diagnosis:diagnosis_list", kind="diagnosis_draft", rows=True),
    page("diagnosis:diagnosis_list", kind="diagnosis_submitted", rows=True),
    page("diagnosis:diagnosis_detail", kind="diagnosis_issued"),
    page("diagnosis:diagnosis_detail", kind="diagnosis_draft"),
    page("diagnosis:diagnosis_detail", kind="diagnosis_submitted"),
    page("diagnosis:diagnosis_edit", kind="diagnosis_draft", allowed=CLINIC),
    page(
        "diagnosis:diagnosis_edit",
        "POST",
        kind="diagnosis_draft",
        allowed=CLINIC,
        ok=302,
        data={"revision": "0"},
    ),
    page("diagnosis:diagnosis_edit", kind="diagnosis_submitted", allowed=_NOBODY),  # in review: read-only
    page("diagnosis:diagnosis_submit", "POST", kind="diagnosis_draft", allowed=CLINIC, ok=302),
    page(
        "diagnosis:diagnosis_return",
        "POST",
        kind="diagnosis_submitted",
        allowed=OFFICERS,
        ok=302,
        data={"comment": "矩阵退回"},
    ),
    page("diagnosis:diagnosis_approve", "POST", kind="diagnosis_submitted", allowed=OFFICERS, ok=302),
    page("diagnosis:diagnosis_issue", "POST", kind="diagnosis_submitted", allowed=OFFICERS, ok=302),
    page("diagnosis:diagnosis_confirm", "POST", kind="diagnosis_issued", allowed=ENTERPRISE, ok=302),
    # --- the report (一企一诊断书): whoever sees the issued diagnosis; verification is public -------
    page("diagnosis:report_download", kind="report", kwargs=lambda r: {"pk": r.diagnosis_id}),
    page(
        "diagnosis:report_download", kind="diagnosis_issued", query={"lang": "en"}, ok=302
    ),  # none yet: made
    page(
        "diagnosis:report_version", kind="report", kwargs=lambda r: {"pk": r.diagnosis_id, "report_id": r.pk}
    ),
    page("diagnosis:report_generate", "POST", kind="diagnosis_issued", ok=302),
    page("diagnosis:report_status", kind="report", kwargs=lambda r: {"pk": r.diagnosis_id}),
    page("diagnosis:report_batches", kind="report_batch", rows=True, allowed=OFFICERS, denied=404),
    page(
        "diagnosis:report_batches",
        "POST",
        allowed=OFFICERS,
        denied=404,
        ok=302,
        data=lambda _obj: {"region": _region_pk("360102"), "language": "zh-hans"},
    ),
    page("diagnosis:report_batch", kind="report_batch", allowed=OFFICERS, denied=404),
    page("diagnosis:report_batch_status", kind="report_batch", allowed=OFFICERS, denied=404),
    page("diagnosis:report_batch_cancel", "POST", kind="report_batch", allowed=OFFICERS, denied=404, ok=302),
    page("diagnosis:report_batch_zip", kind="report_batch", allowed=OFFICERS, denied=404),
    page("report_verify", allowed=EVERYONE),
    page("report_verify", allowed=EVERYONE, query={"code": "NOSUCHCODE"}, ok=404),
    page(
        "diagnosis:diagnosis_dispute",
        "POST",
        kind="diagnosis_issued",
        allowed=ENTERPRISE,
        ok=302,
        data={"reasons": "矩阵异议"},
    ),
    page(
        "diagnosis:diagnosis_correct",
        "POST",
        kind="diagnosis_issued",
        allowed=CLINIC,
        ok=302,
        data={"reason": "矩阵更正"},
    ),
    # --- the enterprise portal, and the officers' and commissioners' side of it -----------------
    # --- transformation projects, acceptance, vouchers --------------------------------------------
    page("diagnosis:project_list", kind="project", rows=True),
    page("diagnosis:project_list", kind="project_completed", rows=True, query={"status": "completed"}),
    page("diagnosis:project_export", kind="project", rows=True, query={"format": "csv"}),
    page(
        "diagnosis:project_export"
    ),  # the XLSX (its rows are checked in tests/diagnosis/test_project_pages.py)
    page("diagnosis:project_outcome"),
    page("diagnosis:project_create", kind="enterprise", allowed=MANAGERS),
    page("diagnosis:project_create", "POST", kind="enterprise", allowed=MANAGERS, ok=400),  # empty: 400
    page("diagnosis:project_detail", kind="project"),
    page("diagnosis:project_detail", kind="project_completed"),
    page("diagnosis:project_edit", kind="project", allowed=MANAGERS),
    page("diagnosis:project_edit", "POST", kind="project", allowed=MANAGERS, ok=400),
    page(
        "diagnosis:project_step", "POST", kind="project", allowed=MANAGERS, ok=302, data={"action": "start"}
    ),
    page("diagnosis:milestone_add", "POST", kind="project", allowed=MANAGERS, ok=400),
    page("diagnosis:milestone_done", "POST", kind="milestone", allowed=MANAGERS, ok=302, kwargs=_milestone),
    page("diagnosis:project_file_upload", "POST", kind="project", allowed=MANAGERS, ok=400),  # no file
    page("diagnosis:project_file", kind="project_file", kwargs=_project_file),
    page(
        "diagnosis:acceptance_enterprise",
        "POST",
        kind="project_completed",
        allowed=ENTERPRISE,
        ok=302,
        data={"report": "矩阵企业验收", "satisfaction": "4"},
    ),  # fmt: skip
    page(
        "diagnosis:acceptance_provider",
        "POST",
        kind="project_completed",
        allowed=STAFF,
        ok=302,
        data={"report": "矩阵服务商验收"},
    ),  # fmt: skip
    page(
        "diagnosis:project_accept", "POST", kind="project_completed", allowed=OFFICERS, ok=400
    ),  # no reports yet
    page("diagnosis:voucher_list", kind="voucher", rows=True),
    page("diagnosis:voucher_issue", kind="enterprise", allowed=OFFICERS),
    page("diagnosis:voucher_issue", "POST", kind="enterprise", allowed=OFFICERS, ok=400),
    page("diagnosis:voucher_detail", kind="voucher"),
    page("diagnosis:voucher_redeem", "POST", kind="voucher", allowed=OFFICERS | ENTERPRISE, ok=400),
    page(
        "diagnosis:voucher_revoke",
        "POST",
        kind="voucher",
        allowed=OFFICERS,
        ok=302,
        data={"reason": "矩阵作废"},
    ),
    page("diagnosis:portal", allowed=ENTERPRISE, denied=404),
    page("diagnosis:portal_self_assessment", allowed=ENTERPRISE, denied=404),
    page(
        "diagnosis:portal_self_assessment", "POST", allowed=ENTERPRISE, denied=404, ok=302, data={"save": "1"}
    ),
    page("diagnosis:portal_correction", allowed=ENTERPRISE, denied=404),
    page(
        "diagnosis:portal_correction",
        "POST",
        allowed=ENTERPRISE,
        denied=404,
        ok=302,
        data={"contact_person": "矩阵新联系人", "contact_phone": "0791-1", "address": "矩阵路1号"},
    ),
    page("diagnosis:portal_request_new", allowed=ENTERPRISE, denied=404),
    page(
        "diagnosis:portal_request_new",
        "POST",
        allowed=ENTERPRISE,
        denied=404,
        ok=302,
        data={"kind": "diagnosis"},
    ),
    page("diagnosis:self_assessment_detail", kind="self_assessment"),
    page("diagnosis:correction_list", kind="correction", rows=True, allowed=OFFICERS, denied=404),
    page("diagnosis:correction_accept", "POST", kind="correction", allowed=OFFICERS, ok=302),
    page(
        "diagnosis:correction_reject",
        "POST",
        kind="correction",
        allowed=OFFICERS,
        ok=302,
        data={"reason": "矩阵"},
    ),
    page("diagnosis:request_list", kind="enterprise_request", rows=True),
    page("diagnosis:request_detail", kind="enterprise_request"),
    page(
        "diagnosis:request_reply",
        "POST",
        kind="enterprise_request",
        allowed=REPLIERS,
        ok=302,
        data={"reply": "矩阵答复"},
    ),
    page("diagnosis:diagnosis_comments", kind="diagnosis_issued"),
    page(
        "diagnosis:diagnosis_comments",
        "POST",
        kind="diagnosis_issued",
        allowed=ENTERPRISE,
        ok=302,
        data={"text": "矩阵意见"},
    ),
    page(
        "diagnosis:diagnosis_comment_reply",
        "POST",
        kind="diagnosis_comment",
        allowed=OFFICERS | CLINIC,
        ok=302,
        kwargs=_comment,
        data={"text": "矩阵答复"},
    ),
    # --- findings and recommendations (the diagnosing clinic, while the diagnosis is editable) ---
    page("diagnosis:recommendations", kind="diagnosis_draft", allowed=CLINIC),
    # the world's drafts have no scores yet: generating says so and writes nothing
    page("diagnosis:recommendations_generate", "POST", kind="diagnosis_draft", allowed=CLINIC, ok=302),
    page("diagnosis:recommendation_add", kind="diagnosis_draft", allowed=CLINIC),
    page(
        "diagnosis:recommendation_add",
        "POST",
        kind="diagnosis_draft",
        allowed=CLINIC,
        ok=302,
        data={"title": "矩阵新建议", "priority": "2", "impact": "2", "effort": "2"},
    ),
    page("diagnosis:recommendation_edit", kind="recommendation", allowed=CLINIC, kwargs=_recommendation),
    page(
        "diagnosis:recommendation_edit",
        "POST",
        kind="recommendation",
        allowed=CLINIC,
        ok=302,
        kwargs=_recommendation,
        data=lambda r: {
            "title": "矩阵改建议",
            "priority": "1",
            "impact": "3",
            "effort": "1",
            "revision": r.revision,
        },
    ),
    page(
        "diagnosis:recommendation_delete",
        "POST",
        kind="recommendation",
        allowed=CLINIC,
        ok=302,
        kwargs=_recommendation,
    ),
    page(
        "diagnosis:recommendation_move",
        "POST",
        kind="recommendation",
        allowed=CLINIC,
        ok=302,
        kwargs=_recommendation,
        data={"direction": "down"},
    ),
    # --- the provider pool -----------------------------------------------------------------------
    page("providers:provider_list", kind="provider", rows=True),
    page("providers:my_provider", ok=302),
    page("providers:applications", allowed=PROVINCE_ROLES, denied=404),
    page("providers:held_application", kind="held_application", allowed=PROVINCE_ROLES, denied=404),
    page("providers:provider_detail", kind="provider"),
    page(
        "providers:provider_transition", "POST", kind="provider", allowed=SUSPENDERS, ok=302, data=TRANSITION
    ),
    page("providers:provider_edit", kind="provider", allowed=STAFF),
    page("providers:provider_staff_create", kind="provider", allowed=PROVINCE_ROLES | STAFF),
    page("providers:qualification_create", kind="provider", allowed=STAFF),
    page("providers:qualification_edit", kind="qualification", allowed=STAFF, kwargs=_qualification),
    page(
        "providers:qualification_delete",
        "POST",
        kind="qualification",
        allowed=STAFF,
        ok=302,
        kwargs=_qualification,
    ),
    # --- solutions -------------------------------------------------------------------------------
    page("providers:solution_list", kind="solution", rows=True),
    page("providers:solution_create", allowed=STAFF),
    page("providers:solution_reviews", allowed=PROVINCE_ROLES, denied=404),
    page("providers:solution_detail", kind="solution"),
    page("providers:solution_edit", kind="solution", allowed=STAFF),
    # withdrawing the 浔阳 draft (province) is a move the rules refuse: 400, nothing written
    page(
        "providers:solution_action",
        "POST",
        kind="solution",
        allowed=PROVINCE_ROLES | STAFF,
        ok={"in": 302, "out": 400},
        kwargs=_action("withdraw"),
    ),
    page(
        "providers:solution_action",
        "POST",
        kind="solution_draft",
        allowed=STAFF,
        ok=302,
        kwargs=_action("submit"),
    ),
    page(
        "providers:solution_action",
        "POST",
        kind="solution_submitted",
        allowed=PROVINCE_ROLES,
        ok=302,
        kwargs=_action("publish"),
    ),
    page(
        "providers:solution_action",
        "POST",
        kind="solution_submitted",
        allowed=PROVINCE_ROLES,
        ok=302,
        kwargs=_action("return"),
        data={"reason": "矩阵退回"},
    ),
    # --- clinics and commissioners -----------------------------------------------------------------
    page("providers:clinic_list", kind="clinic", rows=True),
    page("providers:clinic_create", allowed=OFFICERS),
    page("providers:clinic_detail", kind="clinic"),
    page("providers:clinic_status", kind="clinic", allowed=OFFICERS),
    page("providers:clinic_edit", kind="clinic", allowed=OFFICERS),
    page("providers:clinic_staff_create", kind="clinic", allowed=OFFICERS),
    page("providers:commissioner_list", kind="commissioner", rows=True),
    page("providers:commissioner_register", allowed=OFFICERS),
    page("providers:commissioner_detail", kind="commissioner"),
    page("providers:commissioner_training_add", kind="commissioner", allowed=OFFICERS),
    # --- the public directory: no sign-in ----------------------------------------------------------
    page("directory:index", kind="public_provider", rows=True, allowed=EVERYONE),
    page("directory:index", kind="public_solution", rows=True, allowed=EVERYONE, query={"tab": "solutions"}),
    page("directory:provider", kind="public_provider", allowed=EVERYONE),
    page("directory:solution", kind="public_solution", allowed=EVERYONE),
    page("directory:apply", allowed=EVERYONE),
    page("directory:apply_done", ok=302, allowed=EVERYONE),  # nothing applied in this session
    # --- reporting ---------------------------------------------------------------------------------
    page("reporting:provider_league", kind="evaluation", rows=True, allowed=PROVINCE_ROLES, denied=404),
    page("reporting:provider_league_csv", kind="evaluation", rows=True, allowed=PROVINCE_ROLES, denied=404),
    page("reporting:evaluation_recompute", "POST", allowed=PROVINCE_ROLES, denied=404, ok=302),
    page("reporting:provider_evaluation", kind="evaluated_provider", kwargs=lambda p: {"provider_id": p.pk}),
    page("reporting:my_evaluation", allowed=STAFF, denied=404),
    page("reporting:targets", allowed=OFFICERS, denied=404),
    page("reporting:dashboard", allowed=OFFICERS, denied=404),
    page(
        "reporting:dashboard_region",
        kind="stats_region",
        allowed=OFFICERS,
        denied=404,
        kwargs=lambda r: {"region": r.code},
    ),  # fmt: skip
    # statistics: a county table holding a 东湖 value (in) and a 浔阳 value (out)
    page("reporting:stats_tables", allowed=OFFICERS, denied=404),
    page("reporting:stats_entry", allowed=OFFICERS, denied=404),
    page("reporting:bulletin_list", kind="bulletin", rows=True, allowed=OFFICERS, denied=404),
    page("reporting:bulletin_list", "POST", allowed=PROVINCE_ROLES, denied=404, ok=400),  # empty form: 400
    page("reporting:bulletin_detail", kind="bulletin", allowed=OFFICERS, denied=404),
    page(
        "reporting:bulletin_detail", kind="bulletin", allowed=OFFICERS, denied=404, query={"format": "json"}
    ),
    page(
        "reporting:bulletin_detail", kind="bulletin", allowed=OFFICERS, denied=404, query={"format": "xlsx"}
    ),
    page(
        "reporting:bulletin_detail",
        kind="bulletin",
        allowed=OFFICERS,
        denied=404,
        ok={"in": 302, "out": 200},
        query={"format": "pdf"},
    ),  # published: its PDF is being rendered (the job rings on commit), so back to the page; the draft's preview
    page(
        "reporting:bulletin_edit",
        "POST",
        kind="bulletin",
        allowed=PROVINCE_ROLES,
        denied=404,
        ok={"in": 400, "out": 302},
        data={"title": "矩阵改过的通报", "period": "2025S1", "tables": ["matrix_cities"], "text": "改"},
    ),  # published: refused (400), nothing written; the draft: saved
    page(
        "reporting:bulletin_publish",
        "POST",
        kind="bulletin",
        allowed=PROVINCE_ROLES,
        denied=404,
        ok={"in": 400, "out": 302},
    ),  # published already: 400; the draft: published
    page("reporting:stats_entry", "POST", allowed=OFFICERS, denied=404, ok=302, data={"period": "2025S1"}),
    page(
        "reporting:stats_entry_cell",
        "POST",
        kind="stats_value",
        allowed=OFFICERS,
        denied=404,
        kwargs=lambda v: {},
        data=lambda v: {"name": f"v-{v.indicator_id}-{v.region_id}", "period": v.period, "value": "5"},
    ),  # fmt: skip
    page(
        "reporting:stats_reviews",
        kind="stats_review",
        rows=True,
        allowed=OFFICERS,
        denied=404,
        query={"period": "2025S1"},
    ),  # fmt: skip
    page(
        "reporting:stats_review_step",
        "POST",
        kind="stats_review",
        allowed=frozenset({"county_officer"}),
        ok=302,
        kwargs=lambda r: {},
        data=lambda r: {"region": r.region.code, "period": r.period, "action": "submit"},
    ),  # fmt: skip
    page("reporting:stats_load", "POST", allowed=OFFICERS, denied=404, ok=400),  # no file: 400
    page(
        "reporting:stats_table",
        kind="stats_value",
        rows=True,
        allowed=OFFICERS,
        denied=404,
        kwargs=_matrix_table,
    ),
    page(
        "reporting:stats_table",
        kind="stats_value",
        rows=True,
        allowed=OFFICERS,
        denied=404,
        kwargs=_matrix_table,
        query={"format": "csv"},
    ),  # fmt: skip
    # table layouts: the province writes them (others: 404); any table's layout may be edited.
    # The edit URL holds the table's code, which is also its marker, so any answer echoes it (the
    # language switch's ``next``): ``rows`` checks that the page shows the table, not that a 404 hides it.
    # ``rows`` takes GET only, so the POST is walked, as the table page is, on the values' county table.
    page("reporting:stats_layout_create", allowed=PROVINCE_ROLES, denied=404),
    page(
        "reporting:stats_layout_create",
        "POST",
        allowed=PROVINCE_ROLES,
        denied=404,
        ok=302,
        data=_layout_form("matrix_new"),
    ),
    page(
        "reporting:stats_layout_edit",
        kind="stats_table",
        rows=True,
        allowed=PROVINCE_ROLES,
        denied=404,
        kwargs=lambda t: {"code": t.code},
    ),
    page(
        "reporting:stats_layout_edit",
        "POST",
        kind="stats_value",
        allowed=PROVINCE_ROLES,
        denied=404,
        ok=302,
        kwargs=_matrix_table,
        data=_layout_form("matrix_counties"),
    ),  # the county table of the values (as reporting:stats_table): saved by the province only
    # --- API: accounts and regions -------------------------------------------------------------------
    api("api-token", "POST", ok=400, allowed=EVERYONE, data={}),  # no credentials: 400, never 500
    api("api-me"),
    api("api-region-list"),
    # --- API: enterprises, assignment, visits --------------------------------------------------------
    api("api-enterprise-list", kind="enterprise", rows=True),
    api("api-enterprise-list", "POST", allowed=OFFICERS, ok=400, data={}),
    api("api-enterprise-detail", kind="enterprise"),
    api("api-enterprise-detail", "PUT", kind="enterprise", allowed=CASEWORKERS, ok=400, data={}),
    api("api-enterprise-detail", "PATCH", kind="enterprise", allowed=CASEWORKERS, data={}),
    api("api-enterprise-history", kind="enterprise"),
    # the commissioner is missing on purpose: officers get 400 and nothing is assigned
    api(
        "api-assignment-list",
        "POST",
        kind="enterprise",
        allowed=OFFICERS,
        ok=400,
        kwargs=_NO_URL_OBJECT,
        data=lambda e: {"enterprise_ids": [e.pk]},
    ),
    api("api-visit-list", kind="visit", rows=True),
    api(
        "api-visit-list",
        "POST",
        kind="enterprise",
        allowed=CASEWORKERS,
        ok=201,
        kwargs=_NO_URL_OBJECT,
        data=lambda e: {"enterprise": e.pk, "visited_on": _today(), "summary": "矩阵新走访"},
    ),
    api("api-visit-detail", kind="visit"),
    api("api-visit-follow-up", "POST", kind="visit", allowed=CASEWORKERS),
    api("api-visit-attachments", kind="visit"),
    api("api-visit-attachments", "POST", kind="visit", allowed=CASEWORKERS, ok=400),  # no file sent: 400
    api(
        "api-visit-attachment",
        kind="visit_attachment",
        kwargs=lambda a: {"pk": a.visit_id, "attachment_id": a.pk},
    ),
    # --- API: providers and solutions ------------------------------------------------------------------
    # --- API: diagnoses -------------------------------------------------------------------------
    api("api-diagnosis-list", kind="diagnosis_issued", rows=True),
    api("api-diagnosis-list", kind="diagnosis_draft", rows=True),
    api("api-diagnosis-list", kind="diagnosis_submitted", rows=True),
    api("api-diagnosis-detail", kind="diagnosis_issued"),
    api("api-diagnosis-detail", kind="diagnosis_draft"),
    api("api-diagnosis-detail", kind="diagnosis_submitted"),
    api("api-diagnosis-benchmark", kind="diagnosis_issued"),
    api("api-diagnosis-answers", "PUT", kind="diagnosis_draft", allowed=CLINIC, data={"revision": 0}),
    api(
        "api-diagnosis-answers",
        "PUT",
        kind="diagnosis_submitted",
        allowed=_NOBODY,
        ok=400,
        denied=400,
        data={"revision": 0},
    ),
    api("api-diagnosis-submit", "POST", kind="diagnosis_draft", allowed=CLINIC, ok=400),  # incomplete: 400
    api(
        "api-diagnosis-return",
        "POST",
        kind="diagnosis_submitted",
        allowed=OFFICERS,
        data={"comment": "矩阵退回"},
    ),
    api("api-diagnosis-approve", "POST", kind="diagnosis_submitted", allowed=OFFICERS),
    api(
        "api-diagnosis-issue", "POST", kind="diagnosis_submitted", allowed=OFFICERS, ok=400
    ),  # not approved: 400
    api("api-diagnosis-confirm", "POST", kind="diagnosis_issued", allowed=ENTERPRISE),
    api(
        "api-diagnosis-dispute",
        "POST",
        kind="diagnosis_issued",
        allowed=ENTERPRISE,
        data={"reasons": "矩阵异议"},
    ),
    # --- API: the enterprise portal ----------------------------------------------------------------
    api("api-self-assessment-list", kind="self_assessment", rows=True),
    api("api-self-assessment-list", "POST", allowed=ENTERPRISE, ok=201, data={}),
    api("api-self-assessment-detail", kind="self_assessment"),
    api(
        "api-self-assessment-submit", "POST", kind="self_assessment", allowed=ENTERPRISE, ok=400
    ),  # submitted
    api("api-contact-correction-list", kind="correction", rows=True),
    api(
        "api-contact-correction-list", "POST", allowed=ENTERPRISE, ok=201, data={"contact_person": "矩阵接口"}
    ),
    api("api-contact-correction-detail", kind="correction"),
    api("api-contact-correction-accept", "POST", kind="correction", allowed=OFFICERS),
    api(
        "api-contact-correction-reject", "POST", kind="correction", allowed=OFFICERS, data={"reason": "矩阵"}
    ),
    api("api-enterprise-request-list", kind="enterprise_request", rows=True),
    api("api-enterprise-request-list", "POST", allowed=ENTERPRISE, ok=201, data={"kind": "diagnosis"}),
    api("api-enterprise-request-detail", kind="enterprise_request"),
    api(
        "api-enterprise-request-reply",
        "POST",
        kind="enterprise_request",
        allowed=REPLIERS,
        data={"reply": "矩阵"},
    ),
    api("api-diagnosis-comment-list", kind="diagnosis_comment", rows=True),
    api(
        "api-diagnosis-comment-list",
        "POST",
        kind="diagnosis_issued",
        allowed=ENTERPRISE,
        ok=201,
        kwargs=_NO_URL_OBJECT,
        data=lambda d: {"diagnosis": d.pk, "text": "矩阵接口意见"},
    ),
    api("api-diagnosis-comment-detail", kind="diagnosis_comment"),
    # --- API: recommendations (read: whoever sees the diagnosis; write: its clinic, while editable)
    api("api-recommendation-list", kind="diagnosis_issued", kwargs=_in_diagnosis),
    api("api-recommendation-list", kind="diagnosis_draft", kwargs=_in_diagnosis),
    api(
        "api-recommendation-list",
        "POST",
        kind="diagnosis_draft",
        allowed=CLINIC,
        ok=201,
        kwargs=_in_diagnosis,
        data={"title": "矩阵接口建议"},
    ),
    api("api-recommendation-detail", kind="recommendation", kwargs=_api_recommendation),
    api(
        "api-recommendation-detail",
        "PATCH",
        kind="recommendation",
        allowed=CLINIC,
        kwargs=_api_recommendation,
        data=lambda r: {"revision": r.revision, "title": "矩阵接口改"},
    ),
    api(
        "api-recommendation-detail",
        "DELETE",
        kind="recommendation",
        allowed=CLINIC,
        ok=204,
        kwargs=_api_recommendation,
    ),
    # no scores yet: 400, nothing written
    api(
        "api-recommendation-generate",
        "POST",
        kind="diagnosis_draft",
        allowed=CLINIC,
        ok=400,
        kwargs=_in_diagnosis,
    ),
    api("api-provider-list", kind="provider", rows=True),
    api("api-provider-detail", kind="provider"),
    api("api-provider-transition", "POST", kind="provider", allowed=SUSPENDERS, data=TRANSITION),
    api("api-solution-list", kind="solution", rows=True),
    api("api-solution-list", "POST", allowed=STAFF, ok=400, data={}),
    api("api-solution-detail", kind="solution"),
    api("api-solution-detail", "PUT", kind="solution", allowed=STAFF, ok=400, data={}),
    api("api-solution-detail", "PATCH", kind="solution", allowed=STAFF, data={}),
    api(
        "api-solution-withdraw",
        "POST",
        kind="solution",
        allowed=PROVINCE_ROLES | STAFF,
        ok={"in": 200, "out": 400},
    ),
    api("api-solution-submit", "POST", kind="solution_draft", allowed=STAFF),
    api("api-solution-publish", "POST", kind="solution_submitted", allowed=PROVINCE_ROLES),
    api(
        "api-solution-return",
        "POST",
        kind="solution_submitted",
        allowed=PROVINCE_ROLES,
        data={"reason": "矩阵退回"},
    ),
    api("api-directory-provider-list", kind="public_provider", rows=True, allowed=EVERYONE),
    api("api-directory-provider-detail", kind="public_provider", allowed=EVERYONE),
    api("api-directory-solution-list", kind="public_solution", rows=True, allowed=EVERYONE),
    api("api-directory-solution-detail", kind="public_solution", allowed=EVERYONE),
    # --- API: clinics, commissioners, evaluations --------------------------------------------------------
    api("api-clinic-list", kind="clinic", rows=True),
    api("api-clinic-list", "POST", allowed=OFFICERS, ok=400, data={}),
    api("api-clinic-detail", kind="clinic"),
    api("api-clinic-set-status", "POST", kind="clinic", allowed=OFFICERS, data=CLOSE_CLINIC),
    api("api-commissioner-list", kind="commissioner", rows=True),
    api("api-commissioner-list", "POST", allowed=OFFICERS, ok=400, data={}),
    api("api-commissioner-detail", kind="commissioner"),
    api("api-evaluation-list", kind="evaluation", rows=True),
    api("api-stats-value-list", kind="stats_value", rows=True),
    api("api-stats-table-list"),
    api("api-stats-table-detail", kind="stats_table", kwargs=lambda t: {"code": t.code}),
    api("api-evaluation-detail", kind="evaluation"),
    # --- API: projects and vouchers (read) ------------------------------------------------------
    api("api-project-list", kind="project", rows=True),
    api("api-project-detail", kind="project"),
    api("api-voucher-list", kind="voucher", rows=True),
    api("api-voucher-detail", kind="voucher"),
    # --- the schema and its docs page: public by design (no data, only the shape of the API) ------------
    page("api-schema", allowed=EVERYONE),
    page("api-docs", allowed=EVERYONE),
]

#: The admin site (/admin/) is walked coarsely by ``test_routes.test_admin_is_staff_only``: the index
#: and every registered model's changelist and add page, for every role. Its URL names (and its
#: unnamed patterns) count as registered here.
ADMIN_NAMESPACE = "admin"


def registry_names() -> set[str]:
    return {route.name for route in ROUTES}
