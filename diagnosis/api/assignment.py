"""The assignment and visits API: ``/api/v1/assignments/`` (POST bulk assign) and
``/api/v1/visits/`` (scoped list and detail, POST log, POST ``{id}/follow-up/``).

Contract:
- Enterprises and visits are looked up through the requesting user's scope: an id outside it
  answers 404 exactly like an id that does not exist (for a bulk request: if any id is not
  visible, nothing is written and the answer is 404 saying how many).
- Writes go through ``diagnosis.services_assignment`` with ``source=API``; order of answers:
  404 (not visible) → 403 (may not do this) → 400 (malformed input or a broken rule).
Routes are registered in ``urlpatterns``; include them in ``diagnosis/api/urls.py``.
"""

import django_filters
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from accounts.permissions import is_officer
from core.fields import IdField, IdFilter, PrimaryKeyRelatedField, parse_id
from core.files import serve_private
from diagnosis.api.serializers import UserRefSerializer
from diagnosis.models import Enterprise, EnterpriseChange, NeedTag, Visit, VisitAttachment
from diagnosis.permissions import can_log_visit
from diagnosis.selectors.enterprises import commissioner_choices
from diagnosis.selectors.visits import visit_list
from diagnosis.services.assignment import enterprise_assign
from diagnosis.services.visits import visit_attach, visit_follow_up_done, visit_log

TAG_ASSIGN = _("专员分配")
TAG_VISITS = _("走访记录")
ERRORS_WRITE = {
    400: OpenApiResponse(description=_("输入有误：按字段列出原因。")),
    403: OpenApiResponse(description=_("没有权限进行此操作（附原因）。")),
}
NOT_FOUND = {404: OpenApiResponse(description=_("企业或走访记录不存在，或不在您的管辖范围内。"))}


@extend_schema_field(OpenApiTypes.INT)
class CommissionerChoiceField(PrimaryKeyRelatedField):
    """A commissioner's user id among those the acting user may assign (others read as "does not exist")."""

    def get_queryset(self):
        request = self.context.get("request")
        return commissioner_choices(actor=request.user if request else None)


class AssignInputSerializer(serializers.Serializer):
    enterprise_ids = serializers.ListField(
        child=IdField(model=Enterprise),
        min_length=1,
        max_length=5000,
        label=_("企业 id 列表"),
    )
    commissioner = CommissionerChoiceField(label=_("数字专员"), help_text=_("数字专员的用户 id。"))
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("说明")
    )


class AssignResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(label=_("本次改变分配的企业数"))
    unchanged = serializers.IntegerField(label=_("原已由该专员负责的企业数"))


class AssignmentViewSet(GenericViewSet):
    """Bulk assignment of enterprises to a commissioner."""

    serializer_class = AssignInputSerializer

    @extend_schema(
        tags=[TAG_ASSIGN],
        summary=_("批量分配数字专员"),
        description=_(
            "把一批企业分配给一位数字专员：关闭原分配记录、开启新记录并记入档案变更记录。"
            "只有工信部门可以分配；专员须在岗且负责这些企业所在的县（市、区）。"
            "任何一家企业不可见时返回 404，且不做任何修改；原已由该专员负责的企业保持不变。"
        ),
        request=AssignInputSerializer,
        responses={200: AssignResultSerializer, **ERRORS_WRITE, **NOT_FOUND},
    )
    def create(self, request):
        ids = request.data.get("enterprise_ids") if hasattr(request.data, "get") else None
        # Only well-formed ids are looked up here; anything else is the serializer's 400 below.
        if isinstance(ids, list) and ids and all(parse_id(i, Enterprise) is not None for i in ids):
            ids = [parse_id(i, Enterprise) for i in ids]
            visible = Enterprise.objects.visible_to(request.user).filter(pk__in=ids).count()
            missing = len(set(ids)) - visible
            if missing:
                raise exceptions.NotFound(
                    gettext("有 %(n)d 家企业不存在或不在您的管辖范围内，未做任何修改。") % {"n": missing}
                )
        if not is_officer(request.user):
            raise exceptions.PermissionDenied(gettext("只有省、市、县工信部门可以分配数字专员。"))
        serializer = AssignInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed = enterprise_assign(
            actor=request.user,
            enterprises=data["enterprise_ids"],
            commissioner=data["commissioner"],
            reason=data["reason"],
            source=EnterpriseChange.Source.API,
        )
        total = len(set(data["enterprise_ids"]))
        return Response({"changed": changed, "unchanged": total - changed})


class VisitAttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(label=_("下载地址"))

    class Meta:
        model = VisitAttachment
        fields = ("id", "name", "content_type", "size", "image", "created_at", "download")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, obj) -> str:
        return reverse("api-visit-attachment", kwargs={"pk": obj.visit_id, "attachment_id": obj.pk})


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        min_length=1,
        label=_("文件"),
        help_text=_("一个或多个照片或文档（multipart/form-data，字段名 file，可重复）。"),
    )


class VisitSerializer(serializers.ModelSerializer):
    commissioner = UserRefSerializer(read_only=True, label=_("数字专员"))
    attachments = VisitAttachmentSerializer(many=True, read_only=True, label=_("附件"))
    need_tags = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, label=_("需求类型")
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, label=_("企业名称"))

    class Meta:
        model = Visit
        fields = (
            "id", "enterprise", "enterprise_name", "commissioner", "visited_on", "kind", "people_met",
            "need_tags", "summary", "needs", "follow_up_due", "followed_up_on", "created_at", "attachments",
        )  # fmt: skip
        read_only_fields = fields


class VisitInputSerializer(serializers.Serializer):
    enterprise = IdField(model=Enterprise, label=_("企业 id"))
    visited_on = serializers.DateField(label=_("走访日期"), help_text=_("不能晚于今天。"))
    summary = serializers.CharField(label=_("走访情况"))
    needs = serializers.CharField(required=False, allow_blank=True, default="", label=_("企业需求"))
    kind = serializers.ChoiceField(
        choices=Visit.Kind.choices, required=False, default=Visit.Kind.ONSITE, label=_("走访方式")
    )
    people_met = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, label=_("接待人员")
    )
    need_tags = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        default=list,
        queryset=NeedTag.objects.filter(active=True),
        label=_("需求类型"),
    )
    follow_up_due = serializers.DateField(required=False, allow_null=True, default=None, label=_("跟进期限"))


class VisitFilter(django_filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", label=_("企业 id"))
    commissioner = IdFilter(field_name="commissioner_id", label=_("数字专员的用户 id"))
    visited_after = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label=_("走访日期起")
    )
    visited_before = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="lte", label=_("走访日期止")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期未跟进"))

    class Meta:
        model = Visit
        fields = ["enterprise", "commissioner", "visited_after", "visited_before", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"follow_up_due__lt": timezone.localdate(), "followed_up_on__isnull": True}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG_VISITS],
        summary=_("走访记录列表"),
        description=_(
            "当前用户可见企业的走访记录，按走访日期倒序。筛选：enterprise、commissioner、visited_after、visited_before、overdue。"
        ),
    ),
    retrieve=extend_schema(
        tags=[TAG_VISITS], summary=_("走访记录详情"), responses={200: VisitSerializer, **NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG_VISITS],
        summary=_("记录走访"),
        description=_(
            "企业的对接数字专员，或所在地工信部门记录一次走访。走访日期不能晚于今天，跟进期限不能早于走访日期。"
        ),
        request=VisitInputSerializer,
        responses={201: VisitSerializer, **ERRORS_WRITE, **NOT_FOUND},
    ),
)
class VisitViewSet(GenericViewSet):
    serializer_class = VisitSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = VisitFilter

    def get_queryset(self):
        return (
            visit_list(actor=self.request.user).prefetch_related("attachments").order_by("-visited_on", "-id")
        )

    def get_object(self) -> Visit:
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (TypeError, ValueError, Visit.DoesNotExist) as exc:
            raise Http404 from exc

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(VisitSerializer(self.get_object()).data)

    def create(self, request):
        serializer = VisitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            enterprise = Enterprise.objects.visible_to(request.user).get(pk=data.pop("enterprise"))
        except Enterprise.DoesNotExist as exc:
            raise exceptions.NotFound(gettext("企业不存在或不在您的管辖范围内。")) from exc
        if not can_log_visit(request.user, enterprise):
            raise exceptions.PermissionDenied(
                gettext("只有该企业的对接数字专员或所在地工信部门可以记录走访。")
            )
        visit = visit_log(actor=request.user, enterprise=enterprise, **data)
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG_VISITS],
        summary=_("标记走访已跟进"),
        description=_("把一次走访的跟进标记为今天已完成；已跟进的保持不变。"),
        request=None,
        responses={200: VisitSerializer, **ERRORS_WRITE, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="follow-up", filter_backends=[])
    def follow_up(self, request, pk=None):
        visit = self.get_object()
        visit = visit_follow_up_done(actor=request.user, visit=visit)
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        methods=["GET"],
        tags=[TAG_VISITS],
        summary=_("走访附件列表"),
        responses={200: VisitAttachmentSerializer(many=True), **NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        tags=[TAG_VISITS],
        summary=_("上传走访附件"),
        description=_(
            "给已记录的走访添加照片或文档（multipart/form-data，字段名 file，可重复）。按文件内容判断类型："
            "JPG、PNG、GIF、WebP、HEIC 照片，PDF、Word、Excel、PowerPoint 文档；单个文件有大小上限，"
            "每次走访的附件数有上限。任何一个文件不合格时全部不保存，并逐个说明原因。"
        ),
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: VisitAttachmentSerializer(many=True), **ERRORS_WRITE, **NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="attachments",
        filter_backends=[],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        visit = self.get_object()
        if request.method == "GET":
            return Response(VisitAttachmentSerializer(visit.attachments.all(), many=True).data)
        if not can_log_visit(request.user, visit.enterprise):
            raise exceptions.PermissionDenied(
                gettext("只有该企业的对接数字专员或所在地工信部门可以记录走访。")
            )
        uploads = request.FILES.getlist("file")
        if not uploads:
            raise exceptions.ValidationError({"file": [gettext("请选择要上传的文件。")]})
        stored = visit_attach(actor=request.user, visit=visit, uploads=uploads)
        return Response(VisitAttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG_VISITS],
        summary=_("下载走访附件"),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})",
        url_name="attachment",
        filter_backends=[],
    )
    def attachment(self, request, pk=None, attachment_id=None):
        visit = self.get_object()
        try:
            attachment = visit.attachments.get(pk=int(attachment_id))
        except (ValueError, VisitAttachment.DoesNotExist) as exc:
            raise Http404 from exc
        return serve_private(request, attachment.file, attachment.name)


router = SimpleRouter(trailing_slash=True)
router.register("assignments", AssignmentViewSet, basename="api-assignment")
router.register("visits", VisitViewSet, basename="api-visit")

urlpatterns = router.urls
