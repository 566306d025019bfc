"""Forms of the enterprise archive pages.

Contract: a form checks the *format* of what a person typed (normalising the credit code, the
industry code and amounts as a clerk writes them) and offers only the choices the acting user
may use (counties in their region, commissioners from ``selectors.commissioner_choices``). It
never writes: the view passes ``service_data()`` to ``services.enterprise_create`` /
``enterprise_update``, which hold the rules, and maps their ``ValidationError`` back onto the
fields with ``add_service_errors()`` so the page re-renders with everything typed kept.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.scope import REGIONS_MANAGED, restrict
from core.fields import ModelChoiceField
from diagnosis.models import ENTERPRISE_FIELDS, Enterprise
from diagnosis.selectors.enterprises import commissioner_choices
from diagnosis.services.enterprises import COMMISSIONER_FIELDS
from regions.codes import (
    MANUFACTURING_DIVISIONS,
    normalise_credit_code,
    normalise_industry_code,
    normalise_text,
    section_of,
    validate_credit_code,
)
from regions.models import Region

#: How the archive is grouped on the detail page and the form: (title, field names).
ARCHIVE_SECTIONS = (
    (_("基本信息"), ("name", "credit_code", "county", "address", "industry_code", "contact_person", "contact_phone")),
    (_("经营情况"), ("above_designated_size", "size_class", "employees", "revenue", "output_value")),
    (
        _("数字化情况"),
        (
            "cloud_adopted", "cloud_depth", "integration_certified", "integration_level",
            "iip_platform_used", "identifier_resolution", "uses_5g",
        ),
    ),
    (_("对接服务"), ("commissioner",)),
)  # fmt: skip


def _label(field: str):
    return Enterprise._meta.get_field(field).verbose_name


class CreditCodeField(forms.CharField):
    """A unified social credit code: NFKC-folded, spaces removed, upper-cased, then checked.

    Normalising comes first so a code typed in full-width characters, lower case or in groups of
    digits is accepted, and the length check counts the characters that will be stored.
    """

    default_validators = [validate_credit_code]

    def to_python(self, value):
        return normalise_credit_code(super().to_python(value))


class AmountField(forms.DecimalField):
    """An amount in 万元, exact: accepts full-width digits and thousands separators ("1,234.5")."""

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_text(value).replace(",", "").replace(" ", "")
        return super().to_python(value)


class TelInput(forms.TextInput):
    """A phone number: brings up the dial pad on phones."""

    input_type = "tel"


class UnknownYesNoSelect(forms.NullBooleanSelect):
    """Yes / no / not yet known, for the digital facts a commissioner may not have checked yet."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("未填报")), ("true", _("是")), ("false", _("否"))]


def commissioner_label(user) -> str:
    if not user.region_id:
        return str(user)
    return _("%(name)s（%(region)s）") % {"name": user, "region": user.region.name}


def ancestor_paths(path: str) -> list[str]:
    """``"360000/360100/360102/"`` → the paths of that region and every region above it."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def counties_for(actor):
    """Counties the actor may file an archive in (as ``scope.region_in_scope``), customary order."""
    qs = Region.objects.counties().select_related("parent").order_by("parent__sort_order", "sort_order")
    return restrict(qs, REGIONS_MANAGED, actor)


def grouped_county_choices(counties, empty_label, *, key=lambda county: county.pk) -> list:
    """``[("", empty), (city, [(key, county name), …]), …]`` for a ``<select>`` with optgroups.

    ``key`` gives an option's value (the pk for model forms, the code for the list filter). A
    single city's counties are listed without a group heading; ``empty_label`` None adds no
    empty option.
    """
    groups: dict[str, list] = {}
    for county in counties:
        groups.setdefault(county.parent.name if county.parent_id else "", []).append(county)
    choices: list = [("", empty_label)] if empty_label is not None else []
    if len(groups) == 1:
        return choices + [(key(c), c.name) for c in next(iter(groups.values()))]
    return choices + [(city, [(key(c), c.name) for c in members]) for city, members in groups.items()]


class EnterpriseForm(forms.ModelForm):
    """Create or edit an archive as ``actor``.

    A commissioner (``Role.COMMISSIONER``) gets only ``services.COMMISSIONER_FIELDS``; everyone
    else gets every archive field. ``county`` offers the counties of the actor's region and
    ``commissioner`` the commissioners the actor may assign — on edit only those filed at the
    archive's county or above — plus the one already assigned, so saving an unrelated change never
    fails on it. Whether a choice is allowed is still the service's decision.
    """

    credit_code = CreditCodeField(
        label=_label("credit_code"),
        # Says only that the code is taken, never where or whose: that archive may be out of scope.
        error_messages={
            "unique": _(
                "该统一社会信用代码已建立企业档案，不能重复建档。请核对代码；如需修改该企业的信息，请联系其所在地的工信部门。"
            )
        },
        help_text=_("18位，字母不区分大小写，可含空格"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    industry_code = forms.CharField(
        label=_label("industry_code"),
        required=False,
        max_length=12,
        help_text=_("国民经济行业分类代码，如 C3911、3911 或 39"),
        widget=forms.TextInput(attrs={"list": "industry-divisions", "autocomplete": "off"}),
    )
    revenue = AmountField(
        label=_label("revenue"),
        required=False,
        max_digits=Enterprise._meta.get_field("revenue").max_digits,
        decimal_places=Enterprise._meta.get_field("revenue").decimal_places,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    output_value = AmountField(
        label=_label("output_value"),
        required=False,
        max_digits=Enterprise._meta.get_field("output_value").max_digits,
        decimal_places=Enterprise._meta.get_field("output_value").decimal_places,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)
        field_classes = {"county": ModelChoiceField, "commissioner": ModelChoiceField}
        widgets = {
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "employees": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "contact_phone": TelInput(attrs={"autocomplete": "off"}),
            "cloud_adopted": UnknownYesNoSelect,
            "integration_certified": UnknownYesNoSelect,
            "iip_platform_used": UnknownYesNoSelect,
            "identifier_resolution": UnknownYesNoSelect,
            "uses_5g": UnknownYesNoSelect,
        }

    #: Sections of the form page, in order; fields a user does not get are skipped.
    SECTIONS = ARCHIVE_SECTIONS

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if actor.role == Role.COMMISSIONER:
            for name in list(self.fields):
                if name not in COMMISSIONER_FIELDS:
                    del self.fields[name]
        if "county" in self.fields:
            field = self.fields["county"]
            field.queryset = counties_for(actor)
            counties = list(field.queryset)
            field.widget.choices = grouped_county_choices(
                counties, None if len(counties) == 1 else _("请选择县（市、区）")
            )
            if len(counties) == 1 and not self.instance.pk:
                self.initial.setdefault("county", counties[0].pk)
        if "commissioner" in self.fields:
            field = self.fields["commissioner"]
            allowed = Q(pk__in=commissioner_choices(actor=actor).values("pk"))
            if self.instance.county_id:
                # Only commissioners filed at the archive's county or above can take it on.
                allowed &= Q(region__path__in=ancestor_paths(self.instance.county.path))
            if self.instance.commissioner_id:
                allowed |= Q(pk=self.instance.commissioner_id)
            field.queryset = (
                User.objects.filter(allowed)
                .select_related("region")
                .order_by("region__path", "display_name", "username")
            )
            field.label_from_instance = commissioner_label
            field.empty_label = _("未分配")
        self._readable_initial()
        for name in ("cloud_depth", "integration_level", "size_class"):
            if name in self.fields:
                self.fields[name].choices = [("", _("未填报"))] + list(self.fields[name].choices)[1:]

    def _readable_initial(self) -> None:
        """Show stored values as a person writes them: ``C3911``, ``9800`` rather than ``9800.0000``."""
        code = self.initial.get("industry_code")
        if code and "industry_code" in self.fields:
            self.initial["industry_code"] = f"{section_of(code[:2]) or ''}{code}"
        for name in ("revenue", "output_value"):
            value = self.initial.get(name)
            if isinstance(value, Decimal) and name in self.fields:
                text = format(value, "f")
                self.initial[name] = text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """``[(title, [bound fields])]`` holding only the fields this user edits."""
        result = []
        for title, names in self.SECTIONS:
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                result.append((title, bound))
        return result

    @property
    def industry_divisions(self) -> list[tuple[str, str]]:
        """Suggestions for the industry code input (manufacturing divisions)."""
        return [(f"C{code}", name) for code, name in MANUFACTURING_DIVISIONS.items()]

    def clean_industry_code(self) -> str:
        value = self.cleaned_data.get("industry_code", "")
        if not normalise_text(value):
            return ""
        return normalise_industry_code(value)

    def clean_name(self) -> str:
        return normalise_text(self.cleaned_data.get("name", ""))

    def clean(self):
        cleaned = super().clean()
        # Mirrors the model's check constraint, so the person reads what to do rather than
        # the constraint's name.
        level = cleaned.get("integration_level")
        if "integration_level" in self.fields and level and cleaned.get("integration_certified") is not True:
            self.add_error(
                "integration_level",
                _(
                    "只有通过两化融合管理体系评定的企业才能填写评定等级：请将“两化融合管理体系评定”选为“是”，或清空等级。"
                ),
            )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The cleaned values to hand to the service.

        On create, fields left empty are omitted so the archive's history lists only what was
        filled in; on edit every field of the form is passed and the service records what changed.
        """
        data = {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}
        if not self.instance.pk:
            data = {name: value for name, value in data.items() if value not in (None, "")}
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` next to the fields it names (or above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            if field in self.fields:
                self.add_error(field, errors)
            elif field == NON_FIELD_ERRORS:
                self.add_error(None, errors)
            else:
                label = _label(field) if field in ENTERPRISE_FIELDS else field
                self.add_error(
                    None,
                    [
                        _("%(field)s：%(message)s") % {"field": label, "message": message}
                        for e in errors
                        for message in e.messages
                    ],
                )
