"""The portal API, scoped like the pages (``diagnosis.selectors.portal``): an id out of scope is 404.

- ``self-assessments/`` GET (what the user sees: the enterprise its own, officers in scope and
  engaged staff submitted ones), POST (the enterprise saves its draft; 201), ``{id}/`` GET,
  ``{id}/submit/`` POST.
- ``contact-corrections/`` GET, POST (the enterprise proposes; 201), ``{id}/`` GET,
  ``{id}/accept/`` and ``{id}/reject/`` POST (officers in scope; a reason to reject).
- ``enterprise-requests/`` GET, POST (the enterprise; 201), ``{id}/`` GET, ``{id}/reply/`` POST
  (its commissioner, officers in scope).
- ``diagnosis-comments/`` GET (``?diagnosis=``), POST (the enterprise on an issued diagnosis, or
  ``reply_to`` for the diagnosing staff's and officers' replies; 201), ``{id}/`` GET.
Refusals: 403 with the reason, 400 with the reason (wrong state, refused input; ``core.api``).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.pagination import KeysetPagination
from diagnosis.api.diagnoses import QuestionnaireInputSerializer
from diagnosis.models import ContactCorrection, DiagnosisComment, EnterpriseRequest, SelfAssessment
from diagnosis.models.portal import TEXT_MAX
from diagnosis.scoring import decimal_text
from diagnosis.selectors import portal as selectors
from diagnosis.selectors.diagnoses import diagnosis_get
from diagnosis.selectors.enterprises import own_enterprise
from diagnosis.services import portal as services

TAG = _("企业服务")
NOT_FOUND = {404: OpenApiResponse(description=_("不存在或不在您的管辖范围内。"))}


def _own(user):
    enterprise = own_enterprise(actor=user)
    if enterprise is None:
        raise PermissionDenied(_("只有企业自己的用户可以这样做。"))
    return enterprise


class SelfAssessmentSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)
    model = serializers.SlugRelatedField(slug_field="code", read_only=True)
    total_score = serializers.SerializerMethodField()
    self_assessed = serializers.SerializerMethodField(help_text=_("总是 true：企业自评，不是正式诊断结论。"))

    class Meta:
        model = SelfAssessment
        fields = [
            "id", "enterprise", "model", "status", "answers", "figures", "scenarios", "total_score",
            "level", "dimensions", "self_assessed", "submitted_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_total_score(self, obj) -> str | None:
        return None if obj.total_score is None else decimal_text(obj.total_score)

    def get_self_assessed(self, obj) -> bool:
        return True


class SelfAssessmentInputSerializer(QuestionnaireInputSerializer):
    """A self-assessment's answers: the diagnosis questionnaire without its revision guard."""


class CorrectionSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ContactCorrection
        fields = ["id", "enterprise", "changes", "note", "status", "reason", "proposed_at", "decided_at"]
        read_only_fields = fields


class CorrectionInputSerializer(serializers.Serializer):
    contact_person = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class RequestSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)
    need_tags = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = EnterpriseRequest
        fields = [
            "id",
            "enterprise",
            "kind",
            "need_tags",
            "text",
            "status",
            "reply",
            "created_at",
            "replied_at",
        ]
        read_only_fields = fields


class RequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EnterpriseRequest.Kind.choices)
    need_tags = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=50, required=False
    )
    text = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    close = serializers.BooleanField(required=False, default=False)


class DiagnosisCommentSerializer(serializers.ModelSerializer):
    diagnosis = serializers.PrimaryKeyRelatedField(read_only=True)
    reply_to = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.StringRelatedField()

    class Meta:
        model = DiagnosisComment
        fields = ["id", "diagnosis", "about", "text", "reply_to", "author", "created_at"]
        read_only_fields = fields


class DiagnosisCommentInputSerializer(serializers.Serializer):
    diagnosis = serializers.IntegerField(min_value=1, required=False)
    reply_to = serializers.IntegerField(min_value=1, required=False)
    about = serializers.CharField(max_length=60, required=False, allow_blank=True)
    text = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class PortalPagination(KeysetPagination):
    """Keyset pages, newest first; ``?count=1`` adds the total."""


class _Base(GenericViewSet):
    pagination_class = PortalPagination
    getter = None

    def get_object(self):
        return type(self).getter(actor=self.request.user, pk=self.kwargs["pk"])

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.serializer_class(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.serializer_class(self.get_object()).data)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


def _views(name: str, output, create_input):
    return extend_schema_view(
        list=extend_schema(tags=[TAG], summary=_("%(name)s列表") % {"name": name}),
        retrieve=extend_schema(tags=[TAG], summary=name, responses={200: output, **NOT_FOUND}),
        create=extend_schema(tags=[TAG], summary=_("新建%(name)s") % {"name": name}, request=create_input,
                             responses={201: output}),
    )  # fmt: skip


@_views(_("企业自评"), SelfAssessmentSerializer, SelfAssessmentInputSerializer)
class SelfAssessmentViewSet(_Base):
    serializer_class = SelfAssessmentSerializer
    getter = selectors.self_assessment_get

    def get_queryset(self):
        return selectors.self_assessment_list(actor=self.request.user).order_by("-id")

    def create(self, request):
        data = self._body(SelfAssessmentInputSerializer)
        saved = services.self_assessment_save(
            actor=request.user,
            enterprise=_own(request.user),
            answers=data.get("answers", {}),
            figures=data.get("figures", {}),
            scenarios=data.get("scenarios", {}),
        )
        return Response(SelfAssessmentSerializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary=_("提交自评"),
        request=None,
        responses={200: SelfAssessmentSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        done = services.self_assessment_submit(actor=request.user, assessment=self.get_object())
        return Response(SelfAssessmentSerializer(done).data)


@_views(_("联系信息更正申请"), CorrectionSerializer, CorrectionInputSerializer)
class ContactCorrectionViewSet(_Base):
    serializer_class = CorrectionSerializer
    getter = selectors.correction_get

    def get_queryset(self):
        return selectors.correction_list(
            actor=self.request.user, status=self.request.query_params.get("status")
        ).order_by("-id")

    def create(self, request):
        data = self._body(CorrectionInputSerializer)
        note = data.pop("note", "")
        correction = services.contact_correction_propose(
            actor=request.user, enterprise=_own(request.user), values=data, note=note
        )
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG], summary=_("采纳更正"), request=None, responses={200: CorrectionSerializer, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        done = services.contact_correction_accept(actor=request.user, correction=self.get_object())
        return Response(CorrectionSerializer(done).data)

    @extend_schema(
        tags=[TAG],
        summary=_("不予采纳"),
        request=ReasonSerializer,
        responses={200: CorrectionSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        correction = self.get_object()
        data = self._body(ReasonSerializer)
        done = services.contact_correction_reject(
            actor=request.user, correction=correction, reason=data.get("reason", "")
        )
        return Response(CorrectionSerializer(done).data)


@_views(_("企业诉求"), RequestSerializer, RequestInputSerializer)
class EnterpriseRequestViewSet(_Base):
    serializer_class = RequestSerializer
    getter = selectors.request_get

    def get_queryset(self):
        return selectors.request_list(
            actor=self.request.user, status=self.request.query_params.get("status")
        ).order_by("-id")

    def create(self, request):
        data = self._body(RequestInputSerializer)
        item = services.enterprise_request_create(
            actor=request.user,
            enterprise=_own(request.user),
            kind=data["kind"],
            text=data.get("text", ""),
            need_tag_ids=data.get("need_tags", []),
        )
        return Response(RequestSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary=_("答复诉求"),
        request=ReplySerializer,
        responses={200: RequestSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        item = self.get_object()
        data = self._body(ReplySerializer)
        done = services.enterprise_request_reply(
            actor=request.user, request=item, reply=data.get("reply", ""), close=data.get("close", False)
        )
        return Response(RequestSerializer(done).data)


@_views(_("诊断意见"), DiagnosisCommentSerializer, DiagnosisCommentInputSerializer)
class DiagnosisCommentViewSet(_Base):
    serializer_class = DiagnosisCommentSerializer
    getter = selectors.comment_get

    def get_queryset(self):
        qs = selectors.comment_list(actor=self.request.user)
        diagnosis = self.request.query_params.get("diagnosis")
        if diagnosis:
            qs = qs.filter(diagnosis_id=int(diagnosis)) if diagnosis.isdigit() else qs.none()
        return qs.order_by("-id")

    def create(self, request):
        data = self._body(DiagnosisCommentInputSerializer)
        if data.get("reply_to"):
            comment = selectors.comment_get(actor=request.user, pk=data["reply_to"])
            saved = services.diagnosis_comment_reply(
                actor=request.user, comment=comment, text=data.get("text", "")
            )
        else:
            if not data.get("diagnosis"):
                raise serializers.ValidationError(
                    {"diagnosis": [_("请指明诊断（diagnosis）或所答复的意见（reply_to）。")]}
                )
            diagnosis = diagnosis_get(actor=request.user, pk=data["diagnosis"])
            saved = services.diagnosis_comment_add(
                actor=request.user,
                diagnosis=diagnosis,
                text=data.get("text", ""),
                about=data.get("about", ""),
            )
        return Response(DiagnosisCommentSerializer(saved).data, status=status.HTTP_201_CREATED)
