"""The diagnosis API (``/api/v1/diagnoses/``): read diagnoses with their results, fill and move them.

Contract:
- Reads go through ``diagnosis.selectors.diagnoses`` with the requesting user: a list holds only
  what the user may see (drafts stay with the diagnosing organisation; the enterprise and its
  commissioner see issued ones), and an id out of scope answers 404.
- ``GET {id}/`` gives the result: total, level, dimension and sub-dimension scores (exact decimal
  strings), scenario levels, the answers with their raw figures; ``GET {id}/benchmark/`` the peer
  benchmark of an issued diagnosis.
- ``PUT {id}/answers/`` saves the questionnaire through ``diagnosis_save`` (the body's
  ``revision`` must be the current one: 400 with code ``stale`` otherwise, nothing written);
  ``POST {id}/submit|return|approve|issue|confirm|dispute/`` take the steps. 403 with the reason
  when the user may not, 400 with the reason from the wrong state or for refused input
  (``core.api`` maps the services' errors).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.pagination import KeysetPagination
from diagnosis.models import Diagnosis
from diagnosis.scoring import decimal_text
from diagnosis.selectors.benchmark import peer_benchmark
from diagnosis.selectors.diagnoses import diagnosis_get, diagnosis_list, diagnosis_report
from diagnosis.services import diagnoses as services

TAG = _("诊断")
NOT_FOUND = {404: OpenApiResponse(description=_("诊断不存在或不在您的管辖范围内。"))}


def exact(value) -> str | None:
    return None if value is None else decimal_text(Decimal(value))


class DiagnosisSerializer(serializers.ModelSerializer):
    enterprise = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    model = serializers.SlugRelatedField(slug_field="code", read_only=True)
    total_score = serializers.SerializerMethodField()

    class Meta:
        model = Diagnosis
        fields = [
            "id", "number", "enterprise", "organisation", "model", "status", "total_score", "level",
            "examiners", "onsite_start", "onsite_end", "revision", "returned_count", "previous",
            "supersedes", "submitted_at", "approved_at", "issued_at", "confirmed_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_enterprise(self, obj) -> dict:
        return {"id": obj.enterprise_id, "name": obj.enterprise.name}

    def get_organisation(self, obj) -> dict:
        return {"id": obj.organisation_id, "name": obj.organisation.name}

    def get_total_score(self, obj) -> str | None:
        return exact(obj.total_score)


class QuestionnaireInputSerializer(serializers.Serializer):
    """The questionnaire's answers as the API takes them (a diagnosis' and a self-assessment's):
    option keys per question, raw figures per band question, a level 0–4 per scenario."""

    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=10), max_length=50), required=False
    )
    figures = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(max_length=40)), required=False
    )
    scenarios = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=4), required=False
    )


class AnswersInputSerializer(QuestionnaireInputSerializer):
    revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    examiners = serializers.CharField(max_length=200, required=False, allow_blank=True)
    onsite_start = serializers.DateField(required=False, allow_null=True)
    onsite_end = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    question_comments = serializers.DictField(child=serializers.CharField(max_length=1000), required=False)
    reasons = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DiagnosisPagination(KeysetPagination):
    """Keyset pages, newest change first; ``?count=1`` adds the total."""


def _result(actor, diagnosis: Diagnosis) -> dict:
    report = diagnosis_report(actor=actor, diagnosis=diagnosis)
    return {
        **DiagnosisSerializer(diagnosis).data,
        "level_name": report["level_name"],
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "points": exact(d.points),
                "score": exact(d.score),
                "subdimensions": [
                    {"code": s.code, "name": s.name, "points": exact(s.points), "score": exact(s.score)}
                    for s in d.parts
                ],
            }
            for d in report["dimensions"]
        ],
        "scenarios": [
            {"code": s.code, "name": s.name, "constrained": s.constrained, "level": s.level}
            for s in report["scenarios"]
        ],
        "answers": [
            {
                "question": a.code,
                "title": a.title,
                "chosen": a.chosen,
                "score": exact(a.score),
                "figures": dict(a.figures),
            }
            for a in report["answers"]
        ],
    }


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary=_("诊断列表"), description=_("当前用户可见的诊断；?status= 按状态筛选。")
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("诊断结果"),
        description=_("得分、等级、各维度、场景与答题。"),
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    ),
)
class DiagnosisViewSet(GenericViewSet):
    serializer_class = DiagnosisSerializer
    pagination_class = DiagnosisPagination

    def get_queryset(self):
        return diagnosis_list(
            actor=self.request.user, status=self.request.query_params.get("status")
        ).order_by("-id")

    def get_object(self) -> Diagnosis:
        from django.http import Http404

        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return diagnosis_get(actor=self.request.user, pk=pk)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DiagnosisSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(_result(request.user, self.get_object()))

    @extend_schema(
        tags=[TAG],
        summary=_("同行对比"),
        responses={200: OpenApiResponse(description=_("三组对比；少于 5 家企业的组只给家数。")), **NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def benchmark(self, request, pk=None):
        diagnosis = self.get_object()
        groups = peer_benchmark(diagnosis) if diagnosis.issued else []

        def figures(f):
            return {k: exact(getattr(f, k)) for k in ("average", "q1", "median", "q3")}

        return Response(
            [
                {
                    "group": g.key,
                    "label": g.label,
                    "size": g.size,
                    "shown": g.shown,
                    "total": figures(g.total) if g.shown else None,
                    "dimensions": {code: figures(f) for code, f in g.dimensions.items()} if g.shown else {},
                    "scenarios": {code: exact(v) for code, v in g.scenarios.items()} if g.shown else {},
                }
                for g in groups
            ]
        )

    @extend_schema(
        tags=[TAG],
        summary=_("保存答题"),
        request=AnswersInputSerializer,
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["put"])
    def answers(self, request, pk=None):
        diagnosis = self.get_object()
        body = AnswersInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        details = {k: data[k] for k in ("examiners", "onsite_start", "onsite_end", "summary") if k in data}
        saved = services.diagnosis_save(
            actor=request.user,
            diagnosis=diagnosis,
            revision=data["revision"],
            answers=data.get("answers", {}),
            figures=data.get("figures", {}),
            scenarios=data.get("scenarios", {}),
            details=details,
        )
        return Response(_result(request.user, saved))

    def _step(self, request, run):
        diagnosis = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run(diagnosis, body.validated_data)
        return Response(
            DiagnosisSerializer(
                Diagnosis.objects.select_related("enterprise", "organisation", "model").get(pk=diagnosis.pk)
            ).data
        )

    @extend_schema(
        tags=[TAG],
        summary=_("提交审核"),
        request=CommentSerializer,
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(
            request,
            lambda d, b: services.diagnosis_submit(
                actor=request.user, diagnosis=d, comment=b.get("comment", "")
            ),
        )

    @extend_schema(
        tags=[TAG],
        summary=_("退回修改"),
        request=CommentSerializer,
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._step(
            request,
            lambda d, b: services.diagnosis_return(
                actor=request.user,
                diagnosis=d,
                comment=b.get("comment", ""),
                question_comments=b.get("question_comments"),
            ),
        )

    @extend_schema(
        tags=[TAG],
        summary=_("审核通过"),
        request=CommentSerializer,
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(
            request,
            lambda d, b: services.diagnosis_approve(
                actor=request.user, diagnosis=d, comment=b.get("comment", "")
            ),
        )

    @extend_schema(
        tags=[TAG], summary=_("出具"), request=None, responses={200: DiagnosisSerializer, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._step(request, lambda d, b: services.diagnosis_issue(actor=request.user, diagnosis=d))

    @extend_schema(
        tags=[TAG],
        summary=_("企业确认"),
        request=CommentSerializer,
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._step(
            request,
            lambda d, b: services.diagnosis_confirm(
                actor=request.user, diagnosis=d, comment=b.get("comment", "")
            ),
        )

    @extend_schema(
        tags=[TAG],
        summary=_("企业提出异议"),
        request=CommentSerializer,
        responses={200: DiagnosisSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        return self._step(
            request,
            lambda d, b: services.diagnosis_dispute(
                actor=request.user, diagnosis=d, reasons=b.get("reasons", "")
            ),
        )
