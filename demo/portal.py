"""Demo data of the enterprise portal, for the demo enterprise (user ``qiye``).

Contract of ``seed_portal()``: once (nothing is written when the enterprise already has a
self-assessment), through the services, so every rule applies as in use:
- a submitted self-assessment (a moderately mature answer set, ``random.Random(SEED)``);
- a pending correction of its contact phone, with a note;
- an open request (a need, with two need tags) for its commissioner;
- a comment on its issued diagnosis waiting for confirmation (about its first dimension).
Returns how many rows it made.
"""

from __future__ import annotations

import random

from django.db import transaction

from accounts.models import User
from demo.diagnoses import answers_for
from diagnosis.models import Diagnosis, Enterprise, NeedTag, SelfAssessment
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.services import portal as services

SEED = 2027


@transaction.atomic
def seed_portal() -> int:
    owner = User.objects.filter(username="qiye").first()
    model = default_model()
    if owner is None or model is None:
        return 0
    enterprise = Enterprise.objects.visible_to(owner).first()
    if enterprise is None or SelfAssessment.objects.filter(enterprise=enterprise).exists():
        return 0
    spec = model_spec(model)
    answers, scenarios = answers_for(spec, random.Random(SEED), 0.55)
    draft = services.self_assessment_save(
        actor=owner, enterprise=enterprise, answers=answers, scenarios=scenarios
    )
    services.self_assessment_submit(actor=owner, assessment=draft)
    made = 1
    phone = "0791-86" + (enterprise.contact_phone or "000000")[-6:].rjust(6, "0")
    if phone != enterprise.contact_phone:
        services.contact_correction_propose(
            actor=owner,
            enterprise=enterprise,
            values={"contact_phone": phone},
            note="办公室电话已更换为新号码。",
        )
        made += 1
    tags = list(NeedTag.objects.filter(active=True).values_list("pk", flat=True)[:2])
    services.enterprise_request_create(
        actor=owner,
        enterprise=enterprise,
        kind="need",
        text="希望实现主要生产设备联网和生产数据自动采集，请推荐合适的服务商和“小快轻准”方案。",
        need_tag_ids=tags,
    )
    made += 1
    waiting = (
        Diagnosis.objects.visible_to(owner)
        .filter(enterprise=enterprise, status=Diagnosis.Status.ISSUED)
        .order_by("-issued_at", "-id")
        .first()
    )
    if waiting is not None:
        services.diagnosis_comment_add(
            actor=owner,
            diagnosis=waiting,
            about=spec.dimensions[0].code,
            text="我们去年已上线设备管理系统，这一项的得分似乎偏低，请核实。",
        )
        made += 1
    return made
