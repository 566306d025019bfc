"""The upload form of the register import. The rules on files live in ``services_import.upload_problem``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnosis.services.imports import upload_problem


class ImportUploadForm(forms.Form):
    """One file, .xlsx or .csv, at most ``IMPORT_MAX_UPLOAD_BYTES``; errors name the chosen file."""

    file = forms.FileField(
        label=_("企业名录文件"),
        help_text=_("Excel（.xlsx）或 CSV（.csv）文件，不超过 50 MB。"),
        allow_empty_file=True,  # emptiness is reported by upload_problem, with the file's name
        error_messages={
            "required": _("请选择要导入的文件（.xlsx 或 .csv）。"),
            "invalid": _("没有收到文件，请检查表单的编码方式后重新选择。"),
            "missing": _("没有收到文件，请重新选择。"),
        },
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = upload_problem(name=upload.name, size=upload.size)
        if problem:
            raise forms.ValidationError(problem, code="upload")
        return upload

    @property
    def chosen_name(self) -> str:
        """The name of the file the person chose (shown again when the form comes back with an error)."""
        upload = self.files.get(self.add_prefix("file")) if self.is_bound else None
        return getattr(upload, "name", "") or ""
