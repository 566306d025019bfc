"""Pages of the casework (mounted at /enterprises/): archive, import, caseload, assignment, engagements, visits, diagnoses, recommendations, the enterprise portal, projects and vouchers."""

from django.urls import path

from diagnosis.views import (
    assignment,
    diagnoses,
    engagements,
    enterprises,
    findings,
    funding,
    imports,
    portal,
    projects,
    reports,
    visits,
)

app_name = "diagnosis"

urlpatterns = [
    path("", enterprises.enterprise_list_view, name="enterprise_list"),
    path("new/", enterprises.enterprise_create_view, name="enterprise_create"),
    path("<int:pk>/", enterprises.enterprise_detail_view, name="enterprise_detail"),
    path("<int:pk>/edit/", enterprises.enterprise_edit_view, name="enterprise_edit"),
    # the register import
    path("import/", imports.import_upload_view, name="import_upload"),
    path("import/help/", imports.import_help_view, name="import_help"),
    path("import/template/", imports.import_template_view, name="import_template"),
    path("import/jobs/", imports.import_jobs_view, name="import_jobs"),
    path("import/jobs/<int:pk>/", imports.import_job_view, name="import_job"),
    path("import/jobs/<int:pk>/status/", imports.import_job_status_view, name="import_job_status"),
    path("import/jobs/<int:pk>/confirm/", imports.import_confirm_view, name="import_confirm"),
    path("import/jobs/<int:pk>/cancel/", imports.import_cancel_view, name="import_cancel"),
    path("import/jobs/<int:pk>/rejects/", imports.import_rejects_view, name="import_rejects"),
    # caseload and assignment
    path("caseload/", assignment.caseload_view, name="caseload"),
    path("assign/", assignment.assign_view, name="assign"),
    path("commissioners/<int:user_id>/caseload/", assignment.caseload_of_view, name="caseload_of"),
    path(
        "commissioners/<int:user_id>/deactivate/",
        assignment.commissioner_deactivate_view,
        name="commissioner_deactivate",
    ),
    path("<int:pk>/assign/", assignment.assign_one_view, name="assign_one"),
    # engagements and visits
    path("<int:pk>/engage/", engagements.engage_view, name="engage"),
    path(
        "<int:pk>/engage/<int:engagement_id>/close/",
        engagements.engagement_close_view,
        name="engagement_close",
    ),
    path("<int:pk>/visits/", visits.visit_list_view, name="visit_list"),
    path("<int:pk>/visits/new/", visits.visit_log_view, name="visit_log"),
    path(
        "<int:pk>/visits/<int:visit_id>/done/", visits.visit_follow_up_done_view, name="visit_follow_up_done"
    ),
    path(
        "<int:pk>/visits/attachments/<int:attachment_id>/",
        visits.visit_attachment_view,
        name="visit_attachment",
    ),
    path("follow-ups/overdue/", visits.overdue_follow_ups_view, name="overdue_follow_ups"),
    # diagnoses
    path("<int:pk>/diagnose/", diagnoses.diagnosis_start_view, name="diagnosis_start"),
    path("diagnoses/", diagnoses.diagnosis_list_view, name="diagnosis_list"),
    path("diagnoses/<int:pk>/", diagnoses.diagnosis_detail_view, name="diagnosis_detail"),
    path("diagnoses/<int:pk>/edit/", diagnoses.diagnosis_edit_view, name="diagnosis_edit"),
    path("diagnoses/<int:pk>/submit/", diagnoses.diagnosis_submit_view, name="diagnosis_submit"),
    path("diagnoses/<int:pk>/return/", diagnoses.diagnosis_return_view, name="diagnosis_return"),
    path("diagnoses/<int:pk>/approve/", diagnoses.diagnosis_approve_view, name="diagnosis_approve"),
    path("diagnoses/<int:pk>/issue/", diagnoses.diagnosis_issue_view, name="diagnosis_issue"),
    path("diagnoses/<int:pk>/confirm/", diagnoses.diagnosis_confirm_view, name="diagnosis_confirm"),
    path("diagnoses/<int:pk>/dispute/", diagnoses.diagnosis_dispute_view, name="diagnosis_dispute"),
    path("diagnoses/<int:pk>/correct/", diagnoses.diagnosis_correct_view, name="diagnosis_correct"),
    # the report (一企一诊断书)
    path("diagnoses/<int:pk>/report/", reports.report_download_view, name="report_download"),
    path("diagnoses/<int:pk>/report/generate/", reports.report_generate_view, name="report_generate"),
    path("diagnoses/<int:pk>/report/status/", reports.report_status_view, name="report_status"),
    path("diagnoses/<int:pk>/reports/<int:report_id>/", reports.report_version_view, name="report_version"),
    path("reports/batches/", reports.report_batch_list_view, name="report_batches"),
    path("reports/batches/<int:pk>/", reports.report_batch_view, name="report_batch"),
    path("reports/batches/<int:pk>/status/", reports.report_batch_status_view, name="report_batch_status"),
    path("reports/batches/<int:pk>/cancel/", reports.report_batch_cancel_view, name="report_batch_cancel"),
    path("reports/batches/<int:pk>/zip/", reports.report_batch_zip_view, name="report_batch_zip"),
    path("diagnoses/<int:pk>/comments/", portal.diagnosis_comments_view, name="diagnosis_comments"),
    path(
        "diagnoses/<int:pk>/comments/<int:comment_id>/reply/",
        portal.diagnosis_comment_reply_view,
        name="diagnosis_comment_reply",
    ),
    # the enterprise's portal, and the officers' and commissioners' side of it
    path("portal/", portal.portal_view, name="portal"),
    path("portal/self-assessment/", portal.self_assessment_edit_view, name="portal_self_assessment"),
    path("portal/correction/", portal.correction_propose_view, name="portal_correction"),
    path("portal/requests/new/", portal.request_create_view, name="portal_request_new"),
    path("self-assessments/<int:pk>/", portal.self_assessment_detail_view, name="self_assessment_detail"),
    path("corrections/", portal.correction_list_view, name="correction_list"),
    path("corrections/<int:pk>/accept/", portal.correction_accept_view, name="correction_accept"),
    path("corrections/<int:pk>/reject/", portal.correction_reject_view, name="correction_reject"),
    path("requests/", portal.request_list_view, name="request_list"),
    path("requests/<int:pk>/", portal.request_detail_view, name="request_detail"),
    path("requests/<int:pk>/reply/", portal.request_reply_view, name="request_reply"),
    # findings and recommendations (the clinic's pages)
    path("diagnoses/<int:pk>/recommendations/", findings.recommendations_view, name="recommendations"),
    path(
        "diagnoses/<int:pk>/recommendations/generate/",
        findings.recommendations_generate_view,
        name="recommendations_generate",
    ),
    path(
        "diagnoses/<int:pk>/recommendations/new/", findings.recommendation_add_view, name="recommendation_add"
    ),
    path(
        "diagnoses/<int:pk>/recommendations/<int:rec_id>/",
        findings.recommendation_edit_view,
        name="recommendation_edit",
    ),
    path(
        "diagnoses/<int:pk>/recommendations/<int:rec_id>/delete/",
        findings.recommendation_delete_view,
        name="recommendation_delete",
    ),
    path(
        "diagnoses/<int:pk>/recommendations/<int:rec_id>/move/",
        findings.recommendation_move_view,
        name="recommendation_move",
    ),
    # transformation projects, acceptance, service vouchers
    path("projects/", projects.project_list_view, name="project_list"),
    path("projects/export.xlsx", projects.project_export_view, name="project_export"),
    path("projects/outcome/", projects.project_outcome_view, name="project_outcome"),
    path("<int:pk>/projects/new/", projects.project_create_view, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail_view, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_edit_view, name="project_edit"),
    path("projects/<int:pk>/step/", projects.project_step_view, name="project_step"),
    path("projects/<int:pk>/milestones/", projects.milestone_add_view, name="milestone_add"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_id>/done/",
        projects.milestone_done_view,
        name="milestone_done",
    ),
    path("projects/<int:pk>/files/", projects.project_file_upload_view, name="project_file_upload"),
    path("projects/<int:pk>/files/<int:attachment_id>/", projects.project_file_view, name="project_file"),
    path(
        "projects/<int:pk>/acceptance/enterprise/",
        projects.acceptance_enterprise_view,
        name="acceptance_enterprise",
    ),
    path(
        "projects/<int:pk>/acceptance/provider/",
        projects.acceptance_provider_view,
        name="acceptance_provider",
    ),
    path("projects/<int:pk>/accept/", projects.project_accept_view, name="project_accept"),
    path("vouchers/", funding.voucher_list_view, name="voucher_list"),
    path("<int:pk>/vouchers/new/", funding.voucher_issue_view, name="voucher_issue"),
    path("vouchers/<int:pk>/", funding.voucher_detail_view, name="voucher_detail"),
    path("vouchers/<int:pk>/redeem/", funding.voucher_redeem_view, name="voucher_redeem"),
    path("vouchers/<int:pk>/revoke/", funding.voucher_revoke_view, name="voucher_revoke"),
]
