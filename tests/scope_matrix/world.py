"""The matrix world: the shared world (``tests.conftest.build_world``) plus, for every kind of object
a route acts on, one object inside the scope of the in-scope users (东湖区 / 南昌市, the world's
clinic and provider, the 东湖 enterprise) and one outside it (浔阳区, 九江市, other organisations).

``VISIBLE[kind]`` says, as a table written here and not derived from the code under test, which
roles may see the ``in`` and the ``out`` object of that kind. Every object has a ``marker``: a
text unique in the world (a name, a title, a summary) that lists, exports and downloads must show
exactly when the row is visible.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Notification, Organisation
from diagnosis.models import (
    ContactCorrection,
    Diagnosis,
    DiagnosisComment,
    DiagnosisReport,
    Engagement,
    EnterpriseRequest,
    ImportJob,
    Recommendation,
    ReportBatch,
    ReportBatchItem,
    SelfAssessment,
    Visit,
    VisitAttachment,
)
from providers.models import Clinic, CommissionerProfile, Provider, ProviderApplication, Solution
from reporting.models import ProviderEvaluation
from reporting.services.evaluation import evaluation_run
from tests.conftest import World, build_world
from tests.factories import OrganisationFactory, make_role_user, region
from tests.providers.test_pool_support import make_provider, make_solution
from tests.roles import (
    ANONYMOUS,
    IN_COUNTY,
    OFFICERS,
    OUT_CITY,
    OUT_COUNTY,
    PROVINCE_ROLES,
    REAL_ROLES,
)

#: The month the world's providers are evaluated for.
PERIOD = "202501"

_SIGNED_IN = frozenset(REAL_ROLES)
_EVERYONE = frozenset([*REAL_ROLES, ANONYMOUS])
_NOBODY = frozenset()

#: kind → (roles that see the ``in`` object, roles that see the ``out`` object).
VISIBLE: dict[str, tuple[frozenset, frozenset]] = {
    # the 东湖 enterprise: its officers, commissioner, engaged clinic and provider, its own account
    "enterprise": (_SIGNED_IN, PROVINCE_ROLES),
    "engagement": (_SIGNED_IN, PROVINCE_ROLES),
    "visit": (_SIGNED_IN, PROVINCE_ROLES),
    "overdue_visit": (_SIGNED_IN, PROVINCE_ROLES),
    # a photo of the 东湖 visit vs one of the 浔阳 visit (as their visits)
    "visit_attachment": (_SIGNED_IN, PROVINCE_ROLES),
    # notifications are personal: the 东湖 commissioner's vs the 浔阳 commissioner's
    "notification": (frozenset({"commissioner"}), frozenset({"other_commissioner"})),
    # each role's own import job in; a 九江 officer's job out (administrators see every job)
    "import_job": (_SIGNED_IN, frozenset({"admin"})),
    # the world's provider (based in and serving 南昌市) vs one based in 浔阳区 serving nothing
    "provider": (OFFICERS | {"provider_staff"}, PROVINCE_ROLES),
    "qualification": (OFFICERS | {"provider_staff"}, PROVINCE_ROLES),
    # a published solution of the world's provider (everyone signed in) vs a 浔阳 draft
    "solution": (_SIGNED_IN, PROVINCE_ROLES),
    "solution_draft": (PROVINCE_ROLES | {"provider_staff"}, PROVINCE_ROLES),
    "solution_submitted": (PROVINCE_ROLES | {"provider_staff"}, PROVINCE_ROLES),
    # the 东湖 clinic (operated by the world's provider) vs a 浔阳 centre run by a park
    "clinic": (OFFICERS | {"commissioner", "clinic_staff", "provider_staff"}, PROVINCE_ROLES),
    # the 东湖 commissioner's registry entry / account vs the 浔阳 one's
    "commissioner": (OFFICERS | {"commissioner"}, PROVINCE_ROLES),
    "commissioner_user": (OFFICERS | {"commissioner"}, PROVINCE_ROLES),
    # evaluations: the province reads all, provider staff their own
    "evaluation": (PROVINCE_ROLES | {"provider_staff"}, PROVINCE_ROLES),
    "evaluated_provider": (PROVINCE_ROLES | {"provider_staff"}, PROVINCE_ROLES),
    # diagnoses: an issued one (everyone around the 东湖 enterprise) vs a 浔阳 one (province only);
    # the clinic's draft (the clinic and the province only); the provider's, in review (officers, the provider)
    "diagnosis_issued": (_SIGNED_IN, PROVINCE_ROLES),
    # a finished report version of the issued diagnosis in and out (as their diagnoses)
    "report": (_SIGNED_IN, PROVINCE_ROLES),
    # a report batch of 东湖 (its officers) vs one of 浔阳 (the province)
    "report_batch": (OFFICERS, PROVINCE_ROLES),
    "diagnosis_draft": (PROVINCE_ROLES | {"clinic_staff"}, PROVINCE_ROLES),
    "diagnosis_submitted": (OFFICERS | {"provider_staff"}, PROVINCE_ROLES),
    # the portal: a submitted self-assessment (the enterprise, officers, engaged staff; never the
    # commissioner), a pending contact correction (officers, the enterprise), an open request
    # (officers, the commissioner, the enterprise), a comment on the issued diagnosis (as it)
    "self_assessment": (OFFICERS | {"clinic_staff", "provider_staff", "enterprise_user"}, PROVINCE_ROLES),
    "correction": (OFFICERS | {"enterprise_user"}, PROVINCE_ROLES),
    "enterprise_request": (OFFICERS | {"commissioner", "enterprise_user"}, PROVINCE_ROLES),
    "diagnosis_comment": (_SIGNED_IN, PROVINCE_ROLES),
    # a recommendation of the clinic's draft vs one of the 浔阳 draft: as their diagnoses
    "recommendation": (PROVINCE_ROLES | {"clinic_staff"}, PROVINCE_ROLES),
    # a public-form submission held apart for each provider: the province decides, nobody else sees it
    "held_application": (PROVINCE_ROLES, PROVINCE_ROLES),
    # the public directory: an admitted provider / published solution vs unpublished ones (nobody)
    "public_provider": (_EVERYONE, _NOBODY),
    "public_solution": (_EVERYONE, _NOBODY),
    # transformation projects of 东湖 (led by the world's provider) vs of 浔阳 (another provider):
    # whoever sees the enterprise; planned, running (its milestone), completed (acceptance), a file
    "project": (_SIGNED_IN, PROVINCE_ROLES),
    "project_completed": (_SIGNED_IN, PROVINCE_ROLES),
    "milestone": (_SIGNED_IN, PROVINCE_ROLES),
    "project_file": (_SIGNED_IN, PROVINCE_ROLES),
    # service vouchers: the enterprise's officers, commissioner and own users (no provider or clinic staff)
    "voucher": (OFFICERS | {"commissioner", "enterprise_user"}, PROVINCE_ROLES),
    # statistics: a value of 东湖 (its officers up to the province) vs one of 浔阳 (the province);
    # table layouts are not secret (their computed rows are scoped like the values)
    "stats_value": (OFFICERS, PROVINCE_ROLES),
    "stats_table": (_SIGNED_IN, _SIGNED_IN),
    # the review of 东湖's figures for a period vs 浔阳's (as the values)
    "stats_review": (OFFICERS, PROVINCE_ROLES),
    # a published bulletin (every officer) vs a draft (the province)
    "bulletin": (OFFICERS, PROVINCE_ROLES),
    # the dashboard of 东湖 (its officers up to the province) vs of 浔阳 (the province)
    "stats_region": (OFFICERS, PROVINCE_ROLES),
}


def visible(kind: str, which: str, role: str) -> bool:
    seen_in, seen_out = VISIBLE[kind]
    return role in (seen_in if which == "in" else seen_out)


@dataclass
class ScopeWorld:
    world: World
    objects: dict = field(default_factory=dict)  # kind → {"in": obj, "out": obj}
    own_jobs: dict = field(default_factory=dict)  # role → that role's own import job
    markers: dict = field(default_factory=dict)  # (kind, which) → text

    @property
    def users(self) -> dict:
        return self.world.users

    def user_for(self, role: str):
        return self.world.user_for(role)

    def obj(self, kind: str, which: str, role: str):
        """The ``which`` ("in"/"out") object of ``kind`` as ``role`` meets it (import jobs are per user)."""
        if kind == "import_job" and which == "in":
            return self.own_jobs.get(role, self.own_jobs["admin"])  # anonymous: any job will do
        return self.objects[kind][which]

    def marker(self, kind: str, which: str, role: str) -> str:
        if kind == "import_job" and which == "in":
            return self.obj(kind, which, role).original_name
        return self.markers[(kind, which)]


def _job(user, name: str) -> ImportJob:
    job = ImportJob(
        created_by=user,
        original_name=name,
        file_format="csv",
        total_rows=1,
        **ImportJob.fields_for(ImportJob.State.PREVIEWED),
    )
    job.file.save("matrix.csv", ContentFile("统一社会信用代码,企业名称\n".encode()), save=False)
    job.rejects_file.save(
        "matrix-rejects.csv", io.BytesIO(f"\ufeff行号,错误原因\n2,{name}\n".encode()), save=False
    )
    job.save()
    return job


def build_scope_world() -> ScopeWorld:
    """Create the matrix world (the caller provides DB access)."""
    world = build_world()
    users = world.users
    sw = ScopeWorld(world)
    today = timezone.localdate()

    def put(kind, inside, outside, marker_in, marker_out):
        sw.objects[kind] = {"in": inside, "out": outside}
        sw.markers[(kind, "in")] = marker_in
        sw.markers[(kind, "out")] = marker_out

    ent_in, ent_out = world.ent_donghu, world.ent_jiujiang
    put("enterprise", ent_in, ent_out, ent_in.name, ent_out.name)

    # network: the world's provider (南昌), a 浔阳 provider, the 东湖 clinic and a 浔阳 centre
    own = make_provider("赣云科技服务商", home="360100", serves=("360100",), organisation=world.provider)
    far = make_provider("浔阳矩阵网络科技有限公司", home=OUT_COUNTY)
    applied = make_provider("庐山矩阵装备服务有限公司", home=OUT_COUNTY, status=Provider.Status.APPLIED)
    put("provider", own, far, own.name, far.name)
    put("evaluated_provider", own, far, own.name, far.name)
    put("public_provider", own, applied, own.name, applied.name)
    put("qualification", own.qualifications.get(), far.qualifications.get(), f"RQ-{own.pk}", f"RQ-{far.pk}")
    held = [
        ProviderApplication.objects.create(
            provider=provider,
            status=ProviderApplication.Status.HELD,
            name=f"{provider.name}（待核实提交）",
            credit_code=provider.organisation.credit_code,
            home_region=provider.home_region,
        )
        for provider in (own, far)
    ]
    put("held_application", held[0], held[1], held[0].name, held[1].name)

    published = make_solution(own, "矩阵云MES轻量版", status=Solution.Status.PUBLISHED)
    own_draft = make_solution(own, "矩阵设备联网草稿")
    own_submitted = make_solution(own, "矩阵质量追溯待审", status=Solution.Status.SUBMITTED)
    far_draft = make_solution(far, "矩阵浔阳专网草稿")
    far_submitted = make_solution(far, "矩阵浔阳能耗待审", status=Solution.Status.SUBMITTED)
    put("solution", published, far_draft, published.title, far_draft.title)
    put("public_solution", published, far_draft, published.title, far_draft.title)
    put("solution_draft", own_draft, far_draft, own_draft.title, far_draft.title)
    put("solution_submitted", own_submitted, far_submitted, own_submitted.title, far_submitted.title)

    park = OrganisationFactory(name="浔阳矩阵产业园", kind=Organisation.Kind.PARK, region=region(OUT_COUNTY))
    far_centre_org = OrganisationFactory(
        name="浔阳矩阵促进中心", kind=Organisation.Kind.CENTRE, region=region(OUT_COUNTY)
    )
    clinic_in = Clinic.objects.create(
        organisation=world.clinic, operator=world.provider, region=region(IN_COUNTY), industries=["39"]
    )
    clinic_out = Clinic.objects.create(
        organisation=far_centre_org, kind=Clinic.Kind.CENTRE, operator=park, region=region(OUT_COUNTY)
    )
    put("clinic", clinic_in, clinic_out, clinic_in.name, clinic_out.name)

    # casework
    eng_in = Engagement.objects.get(enterprise=ent_in, organisation=world.clinic)
    eng_out = Engagement.objects.create(enterprise=ent_out, organisation=far_centre_org)
    put("engagement", eng_in, eng_out, world.clinic.name, far_centre_org.name)
    due = today + datetime.timedelta(days=7)
    visit_in = Visit.objects.create(
        enterprise=ent_in,
        commissioner=users["commissioner"],
        visited_on=today,
        summary="矩阵东湖走访",
        follow_up_due=due,
    )
    visit_out = Visit.objects.create(
        enterprise=ent_out,
        commissioner=users["other_commissioner"],
        visited_on=today,
        summary="矩阵浔阳走访",
        follow_up_due=due,
    )
    put("visit", visit_in, visit_out, visit_in.summary, visit_out.summary)
    photo = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
        b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    attachments = []
    for visit, name in ((visit_in, "矩阵东湖照片.png"), (visit_out, "矩阵浔阳照片.png")):
        attachment = VisitAttachment(
            visit=visit,
            uploaded_by=visit.commissioner,
            name=name,
            content_type="image/png",
            size=len(photo),
            image=True,
        )
        attachment.file.save("matrix.png", ContentFile(photo), save=False)
        attachment.save()
        attachments.append(attachment)
    put("visit_attachment", *attachments, attachments[0].name, attachments[1].name)
    note_in = Notification.objects.create(user=users["commissioner"], key="matrix", title="矩阵东湖提醒")
    note_out = Notification.objects.create(
        user=users["other_commissioner"], key="matrix", title="矩阵浔阳提醒"
    )
    put("notification", note_in, note_out, note_in.title, note_out.title)
    late = today - datetime.timedelta(days=10)
    overdue_in, overdue_out = (
        Visit.objects.create(
            enterprise=enterprise,
            commissioner=users[who],
            visited_on=late - datetime.timedelta(days=20),
            summary=summary,
            follow_up_due=late,
        )
        for enterprise, who, summary in (
            (ent_in, "commissioner", "矩阵东湖逾期走访"),
            (ent_out, "other_commissioner", "矩阵浔阳逾期走访"),
        )
    )
    put("overdue_visit", overdue_in, overdue_out, overdue_in.summary, overdue_out.summary)

    # diagnoses (rows written directly: the world needs states side by side that the services
    # would only reach one after another)
    def diagnosis(enterprise, organisation, status, number):
        return Diagnosis.objects.create(
            enterprise=enterprise, organisation=organisation, status=status, number=number, examiners="矩阵"
        )

    S = Diagnosis.Status
    put(
        "diagnosis_issued",
        diagnosis(ent_in, world.clinic, S.ISSUED, "ZDMXISSIN"),
        diagnosis(ent_out, far_centre_org, S.ISSUED, "ZDMXISSOUT"),
        "ZDMXISSIN",
        "ZDMXISSOUT",
    )
    put(
        "diagnosis_draft",
        diagnosis(ent_in, world.clinic, S.DRAFT, "ZDMXDRAFTIN"),
        diagnosis(ent_out, far_centre_org, S.DRAFT, "ZDMXDRAFTOUT"),
        "ZDMXDRAFTIN",
        "ZDMXDRAFTOUT",
    )
    put(
        "diagnosis_submitted",
        diagnosis(ent_in, world.provider, S.SUBMITTED, "ZDMXSUBIN"),
        diagnosis(ent_out, far_centre_org, S.SUBMITTED, "ZDMXSUBOUT"),
        "ZDMXSUBIN",
        "ZDMXSUBOUT",
    )
    draft_in, draft_out = sw.objects["diagnosis_draft"]["in"], sw.objects["diagnosis_draft"]["out"]
    put(
        "recommendation",
        Recommendation.objects.create(diagnosis=draft_in, title="矩阵东湖建议", position=1),
        Recommendation.objects.create(diagnosis=draft_out, title="矩阵浔阳建议", position=1),
        "矩阵东湖建议",
        "矩阵浔阳建议",
    )

    # the portal (rows written directly, in the states the routes act on)
    def self_assessment(enterprise):
        return SelfAssessment.objects.create(
            enterprise=enterprise, status=SelfAssessment.Status.SUBMITTED, submitted_at=timezone.now()
        )

    put("self_assessment", self_assessment(ent_in), self_assessment(ent_out), ent_in.name, ent_out.name)
    corrections = [
        ContactCorrection.objects.create(
            enterprise=enterprise,
            changes={"contact_person": [enterprise.contact_person, "矩阵联系人"]},
            note=note,
        )
        for enterprise, note in ((ent_in, "矩阵更正东湖"), (ent_out, "矩阵更正浔阳"))
    ]
    put("correction", *corrections, "矩阵更正东湖", "矩阵更正浔阳")
    requests = [
        EnterpriseRequest.objects.create(enterprise=enterprise, text=text)
        for enterprise, text in ((ent_in, "矩阵诉求东湖"), (ent_out, "矩阵诉求浔阳"))
    ]
    put("enterprise_request", *requests, "矩阵诉求东湖", "矩阵诉求浔阳")
    comments = [
        DiagnosisComment.objects.create(diagnosis=sw.objects["diagnosis_issued"][which], text=text)
        for which, text in (("in", "矩阵意见东湖"), ("out", "矩阵意见浔阳"))
    ]
    put("diagnosis_comment", *comments, "矩阵意见东湖", "矩阵意见浔阳")
    reports = []
    for which in ("in", "out"):
        report = DiagnosisReport(
            diagnosis=sw.objects["diagnosis_issued"][which], version=1, template_version="matrix",
            input_hash=f"matrix-{which}", status=DiagnosisReport.Status.DONE, pages=1,
        )  # fmt: skip
        report.file.save(f"matrix-{which}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        report.save()
        reports.append(report)
    put("report", *reports, reports[0].verification_code, reports[1].verification_code)
    batches = []
    for which, code in (("in", IN_COUNTY), ("out", OUT_COUNTY)):
        batch = ReportBatch.objects.create(region=region(code), total=1, status=ReportBatch.Status.DONE)
        ReportBatchItem.objects.create(batch=batch, report=sw.objects["report"][which])
        batches.append(batch)
    put("report_batch", *batches, f'data-batch="{batches[0].pk}"', f'data-batch="{batches[1].pk}"')

    # commissioners
    users["commissioner"].display_name = "矩阵东湖专员"
    users["commissioner"].save()
    users["other_commissioner"].display_name = "矩阵浔阳专员"
    users["other_commissioner"].save()
    prof_in = CommissionerProfile.objects.create(
        user=users["commissioner"], tier="county", employer="东湖区工信局"
    )
    prof_out = CommissionerProfile.objects.create(user=users["other_commissioner"], tier="county")
    put("commissioner", prof_in, prof_out, "矩阵东湖专员", "矩阵浔阳专员")
    put(
        "commissioner_user",
        users["commissioner"],
        users["other_commissioner"],
        "矩阵东湖专员",
        "矩阵浔阳专员",
    )

    # import jobs: one per signed-in user, and one of a 九江 city officer
    for role in REAL_ROLES:
        sw.own_jobs[role] = _job(users[role], f"矩阵名录-{role}.csv")
    far_officer = make_role_user("city_officer", username="jj_city_matrix", region_code=OUT_CITY)
    job_out = _job(far_officer, "矩阵名录-九江.csv")
    sw.objects["import_job"] = {"in": None, "out": job_out}
    sw.markers[("import_job", "out")] = job_out.original_name

    # transformation projects and vouchers (rows written directly, in the states the routes act on)
    from diagnosis.models import ProjectAttachment, ProjectMilestone, ServiceVoucher, TransformationProject

    def project(enterprise, provider, title, status, **extra):
        return TransformationProject.objects.create(
            enterprise=enterprise, provider=provider, title=title, status=status, **extra
        )

    Status = TransformationProject.Status
    put(
        "project",
        project(ent_in, own, "矩阵东湖改造项目", Status.PLANNED),
        project(ent_out, far, "矩阵浔阳改造项目", Status.PLANNED),
        "矩阵东湖改造项目",
        "矩阵浔阳改造项目",
    )
    done = {"started_on": today - datetime.timedelta(days=30), "completed_on": today, "actual_investment": 10}
    put(
        "project_completed",
        project(ent_in, own, "矩阵东湖待验收", Status.COMPLETED, **done),
        project(ent_out, far, "矩阵浔阳待验收", Status.COMPLETED, **done),
        "矩阵东湖待验收",
        "矩阵浔阳待验收",
    )
    milestones = []
    for enterprise, provider, title in ((ent_in, own, "矩阵东湖里程碑"), (ent_out, far, "矩阵浔阳里程碑")):
        running = project(enterprise, provider, f"{title}项目", Status.IN_PROGRESS, started_on=today)
        milestones.append(ProjectMilestone.objects.create(project=running, title=title, due_on=today))
    put("milestone", *milestones, "矩阵东湖里程碑", "矩阵浔阳里程碑")
    files = []
    for which, name in (("in", "矩阵东湖佐证.png"), ("out", "矩阵浔阳佐证.png")):
        item = ProjectAttachment(
            project=sw.objects["project"][which], uploaded_by=users["admin"], name=name,
            content_type="image/png", size=len(photo), image=True,
        )  # fmt: skip
        item.file.save("matrix.png", ContentFile(photo), save=False)
        item.save()
        files.append(item)
    put("project_file", *files, files[0].name, files[1].name)
    vouchers = [
        ServiceVoucher.objects.create(
            number=number,
            enterprise=enterprise,
            issuer_region=enterprise.county,
            amount=50,
            purpose="矩阵服务券",
            expires_on=today + datetime.timedelta(days=90),
        )  # fmt: skip
        for enterprise, number in ((ent_in, "FWQMATRIXIN"), (ent_out, "FWQMATRIXOUT"))
    ]
    put("voucher", *vouchers, "FWQMATRIXIN", "FWQMATRIXOUT")

    # statistics: one indicator, a county table, a value in 东湖 and one in 浔阳
    from reporting.models import Indicator, IndicatorValue, StatsTable

    matrix_n = Indicator.objects.create(code="matrix_n", name="矩阵指标", unit="家")
    values = [
        IndicatorValue.objects.create(indicator=matrix_n, region=region(code), period="2025S1", value=number)
        for code, number in ((IN_COUNTY, 987654), (OUT_COUNTY, 876543))
    ]
    put("stats_value", *values, "987654", "876543")
    tables = [
        StatsTable.objects.create(
            code=code,
            title=code,
            layout={
                "code": code,
                "title": code,
                "period": "2025S1",
                "rows": rows,
                "columns": [{"label": "n", "expr": "matrix_n", "format": "int"}],
            },
        )  # fmt: skip
        for code, rows in (("matrix_counties", "level:county"), ("matrix_cities", "level:city"))
    ]
    put("stats_table", *tables, "matrix_counties", "matrix_cities")
    from reporting.models import StatsReview

    reviews = [
        StatsReview.objects.create(region=region(code), period="2025S1") for code in (IN_COUNTY, OUT_COUNTY)
    ]
    put("stats_review", *reviews, f'data-region="{IN_COUNTY}"', f'data-region="{OUT_COUNTY}"')
    from reporting.models import Bulletin

    published = Bulletin.objects.create(
        title="矩阵已发布通报", period="2025S1", tables=["matrix_cities"], status="published",
        snapshot={"title": "矩阵已发布通报", "period": "2025S1", "text": "", "tables": []}, published_at=timezone.now(),
    )  # fmt: skip
    draft = Bulletin.objects.create(title="矩阵草稿通报", period="2025S1", tables=["matrix_cities"])
    put("bulletin", published, draft, published.title, draft.title)
    put(
        "stats_region",
        region(IN_COUNTY),
        region(OUT_COUNTY),
        f'data-dashboard-region="{IN_COUNTY}"',
        f'data-dashboard-region="{OUT_COUNTY}"',
    )

    # evaluations of both admitted providers for PERIOD
    evaluation_run(period=PERIOD)
    put(
        "evaluation",
        ProviderEvaluation.objects.get(provider=own, period=PERIOD),
        ProviderEvaluation.objects.get(provider=far, period=PERIOD),
        own.name,
        far.name,
    )
    return sw
