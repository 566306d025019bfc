"""The casework models, one module per subdomain (enterprises ← casework ← assessment ← diagnoses ← findings ← portal ← projects ← reports)."""

from diagnosis.models.assessment import (  # noqa: F401
    AssessmentModel,
    Dimension,
    LevelRule,
    Option,
    Question,
    Scenario,
    SubDimension,
)
from diagnosis.models.casework import (  # noqa: F401
    Assignment,
    Engagement,
    NeedTag,
    ReminderRun,
    RevisitInterval,
    Visit,
    VisitAttachment,
    VisitDraft,
)
from diagnosis.models.diagnoses import (  # noqa: F401
    Diagnosis,
    DiagnosisAnswer,
    DiagnosisEvent,
    DiagnosisScenario,
    DiagnosisScore,
)
from diagnosis.models.enterprises import (  # noqa: F401
    ENTERPRISE_FIELDS,
    MONEY,
    Enterprise,
    EnterpriseAccount,
    EnterpriseChange,
    EnterpriseQuerySet,
    ImportJob,
)
from diagnosis.models.findings import (  # noqa: F401
    FindingRule,
    Interpretation,
    Recommendation,
)
from diagnosis.models.funding import (  # noqa: F401
    ServiceVoucher,
    SubsidyRule,
    VoucherEntry,
    VoucherExpiryRun,
)
from diagnosis.models.portal import (  # noqa: F401
    CONTACT_FIELDS,
    ContactCorrection,
    DiagnosisComment,
    EnterpriseRequest,
    SelfAssessment,
)
from diagnosis.models.projects import (  # noqa: F401
    ProjectAcceptance,
    ProjectAttachment,
    ProjectEvent,
    ProjectMilestone,
    ProjectType,
    ProviderRating,
    TransformationProject,
)
from diagnosis.models.reports import DiagnosisReport, ReportBatch, ReportBatchItem  # noqa: F401
