"""The recommendations API (``/api/v1/diagnoses/{diagnosis_pk}/recommendations/``).

Contract:
- The diagnosis is read through ``diagnosis.selectors.diagnoses.diagnosis_get`` with the
  requesting user: out of scope (or not there) answers 404, and so does a recommendation of
  another diagnosis. Whoever sees the diagnosis reads its recommendations (``GET``), in order,
  each with the matching published solutions and their providers; amounts are exact decimal
  strings in 万元.
- Writes (``POST`` add, ``PATCH {id}/`` change — the body's ``revision`` must be the current one,
  400 otherwise —, ``DELETE {id}/``, ``POST generate/``) go through
  ``diagnosis.services.findings``: 403 with the reason for a user who may not, 400 with the reason
  once the diagnosis is in review or issued (read-only) or for refused input.
"""

from decimal import Decimal

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from diagnosis.models import MONEY, Recommendation
from diagnosis.models.findings import MAX_MONTHS, Phase, Priority
from diagnosis.scoring import decimal_text
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.findings import matching_solutions, recommendation_get, recommendation_list
from diagnosis.services import findings as services

TAG = _("诊断建议")
NOT_FOUND = {404: OpenApiResponse(description=_("诊断或建议不存在，或不在您的管辖范围内。"))}
DIAGNOSIS = OpenApiParameter(
    "diagnosis_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("诊断 id")
)


def _exact(value) -> str | None:
    return None if value is None else decimal_text(Decimal(value))


class MatchingSolutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    provider = serializers.SerializerMethodField()
    price_min = serializers.SerializerMethodField()
    price_max = serializers.SerializerMethodField()

    def get_provider(self, obj) -> dict:
        return {"id": obj.provider_id, "name": obj.provider.organisation.name}

    def get_price_min(self, obj) -> str | None:
        return _exact(obj.price_min)

    def get_price_max(self, obj) -> str | None:
        return _exact(obj.price_max)


class RecommendationSerializer(serializers.ModelSerializer):
    rule = serializers.SlugRelatedField(slug_field="code", read_only=True)
    investment_min = serializers.SerializerMethodField()
    investment_max = serializers.SerializerMethodField()
    solutions = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id", "position", "rule", "edited", "revision", "subject", "subject_code", "subject_name",
            "finding", "title", "detail", "benefit", "priority", "impact", "effort", "phase",
            "investment_min", "investment_max", "months", "scenario_codes", "solutions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_investment_min(self, obj) -> str | None:
        return _exact(obj.investment_min)

    def get_investment_max(self, obj) -> str | None:
        return _exact(obj.investment_max)

    @extend_schema_field(MatchingSolutionSerializer(many=True))
    def get_solutions(self, obj) -> list:
        return MatchingSolutionSerializer(self.context.get("solutions", {}).get(obj.pk, []), many=True).data


def _money(label):
    return serializers.DecimalField(
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        allow_null=True,
        required=False,
        label=label,
    )


class RecommendationInputSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    title = serializers.CharField(max_length=200, required=False)
    subject_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    finding = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    detail = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    benefit = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    impact = serializers.IntegerField(min_value=1, max_value=3, required=False)
    effort = serializers.IntegerField(min_value=1, max_value=3, required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False, allow_null=True)
    investment_min = _money(_("投资下限（万元）"))
    investment_max = _money(_("投资上限（万元）"))
    months = serializers.IntegerField(min_value=1, max_value=MAX_MONTHS, required=False, allow_null=True)
    scenario_codes = serializers.ListField(
        child=serializers.SlugField(max_length=60), max_length=20, required=False
    )


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary=_("诊断建议列表"),
        description=_("按顺序列出诊断建议，附匹配的已发布解决方案及其服务商。"),
        parameters=[DIAGNOSIS],
        responses={200: RecommendationSerializer(many=True), **NOT_FOUND},
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary=_("诊断建议"),
        parameters=[DIAGNOSIS],
        responses={200: RecommendationSerializer, **NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary=_("新增诊断建议"),
        parameters=[DIAGNOSIS],
        request=RecommendationInputSerializer,
        responses={201: RecommendationSerializer, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary=_("修改诊断建议"),
        description=_("须带上当前的 revision；期间他人已修改时返回 400，不写入。"),
        parameters=[DIAGNOSIS],
        request=RecommendationInputSerializer,
        responses={200: RecommendationSerializer, **NOT_FOUND},
    ),
    destroy=extend_schema(
        tags=[TAG], summary=_("删除诊断建议"), parameters=[DIAGNOSIS], responses={204: None, **NOT_FOUND}
    ),
)
class RecommendationViewSet(GenericViewSet):
    serializer_class = RecommendationSerializer
    pagination_class = None
    queryset = Recommendation.objects.none()  # the schema's model; requests use the selectors

    def _diagnosis(self):
        try:
            pk = int(self.kwargs["diagnosis_pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        return diagnosis_get(actor=self.request.user, pk=pk)

    def _recommendation(self, diagnosis):
        return recommendation_get(actor=self.request.user, diagnosis=diagnosis, pk=self.kwargs["pk"])

    def _render(self, diagnosis, recommendations, *, many=True, code=200):
        solutions = matching_solutions(
            actor=self.request.user, diagnosis=diagnosis, recommendations=recommendations
        )
        data = RecommendationSerializer(
            recommendations if many else recommendations[0], many=many, context={"solutions": solutions}
        ).data
        return Response(data, status=code)

    def _texts(self, rows):
        """English readers get the rule's English for generated text the clinic has not changed."""
        language = get_language() or ""
        for row in rows:
            for name, value in row.text(language).items():
                setattr(row, name, value)
        return rows

    def list(self, request, diagnosis_pk=None):
        diagnosis = self._diagnosis()
        return self._render(
            diagnosis, self._texts(list(recommendation_list(actor=request.user, diagnosis=diagnosis)))
        )

    def retrieve(self, request, diagnosis_pk=None, pk=None):
        diagnosis = self._diagnosis()
        return self._render(diagnosis, self._texts([self._recommendation(diagnosis)]), many=False)

    def _input(self, request):
        body = RecommendationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def create(self, request, diagnosis_pk=None):
        diagnosis = self._diagnosis()
        data = self._input(request)
        data.pop("revision", None)
        if not data.get("title"):
            raise serializers.ValidationError({"title": [_("请填写建议。")]})
        saved = services.recommendation_save(actor=request.user, diagnosis=diagnosis, data=data)
        return self._render(diagnosis, [saved], many=False, code=status.HTTP_201_CREATED)

    def partial_update(self, request, diagnosis_pk=None, pk=None):
        diagnosis = self._diagnosis()
        recommendation = self._recommendation(diagnosis)
        data = self._input(request)
        if "revision" not in data:
            raise serializers.ValidationError({"revision": [_("请带上当前的修订号 revision。")]})
        revision = data.pop("revision")
        saved = services.recommendation_save(
            actor=request.user,
            diagnosis=diagnosis,
            recommendation=recommendation,
            revision=revision,
            data=data,
        )
        return self._render(diagnosis, [saved], many=False)

    def destroy(self, request, diagnosis_pk=None, pk=None):
        diagnosis = self._diagnosis()
        recommendation = self._recommendation(diagnosis)
        services.recommendation_delete(actor=request.user, diagnosis=diagnosis, recommendation=recommendation)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG],
        summary=_("按规则生成诊断建议"),
        description=_("替换未修改过的生成建议，保留人工修改或新增的建议。"),
        parameters=[DIAGNOSIS],
        request=None,
        responses={200: RecommendationSerializer(many=True), **NOT_FOUND},
    )
    @action(detail=False, methods=["post"])
    def generate(self, request, diagnosis_pk=None):
        diagnosis = self._diagnosis()
        made = services.recommendations_generate(actor=request.user, diagnosis=diagnosis)
        return self._render(diagnosis, self._texts(made))
