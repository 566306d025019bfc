"""Routes of the enterprise API, mounted under /api/v1/ (see ``config/api_urls.py``).

``enterprises/`` (GET list, POST create), ``enterprises/{id}/`` (GET, PUT, PATCH — no DELETE),
``enterprises/{id}/history/`` (GET). Route names are prefixed ``api-enterprise-``. Assignments and
visits: see ``diagnosis/api/assignment.py``. Diagnoses (``diagnoses/``, names ``api-diagnosis-``):
see ``diagnosis/api/diagnoses.py``. The enterprise portal (``self-assessments/``,
``contact-corrections/``, ``enterprise-requests/``, ``diagnosis-comments/``): ``diagnosis/api/portal.py``.
see ``diagnosis/api/diagnoses.py``. Their recommendations (``diagnoses/{id}/recommendations/``,
names ``api-recommendation-``): see ``diagnosis/api/findings.py``. Projects and vouchers
(``projects/``, ``vouchers/``, names ``api-project-``, ``api-voucher-``): ``diagnosis/api/projects.py``.
"""

from rest_framework.routers import SimpleRouter

from diagnosis.api.assignment import urlpatterns as assignment_urlpatterns
from diagnosis.api.diagnoses import DiagnosisViewSet
from diagnosis.api.enterprises import EnterpriseViewSet
from diagnosis.api.findings import RecommendationViewSet
from diagnosis.api.portal import (
    ContactCorrectionViewSet,
    DiagnosisCommentViewSet,
    EnterpriseRequestViewSet,
    SelfAssessmentViewSet,
)
from diagnosis.api.projects import ProjectViewSet, VoucherViewSet

router = SimpleRouter(trailing_slash=True)
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("diagnoses", DiagnosisViewSet, basename="api-diagnosis")
router.register("self-assessments", SelfAssessmentViewSet, basename="api-self-assessment")
router.register("contact-corrections", ContactCorrectionViewSet, basename="api-contact-correction")
router.register("enterprise-requests", EnterpriseRequestViewSet, basename="api-enterprise-request")
router.register("diagnosis-comments", DiagnosisCommentViewSet, basename="api-diagnosis-comment")
router.register("projects", ProjectViewSet, basename="api-project")
router.register("vouchers", VoucherViewSet, basename="api-voucher")
router.register(
    r"diagnoses/(?P<diagnosis_pk>[^/.]+)/recommendations",
    RecommendationViewSet,
    basename="api-recommendation",
)

urlpatterns = router.urls + assignment_urlpatterns
