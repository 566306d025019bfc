"""Serializers of the reporting API (read-only)."""

from rest_framework import serializers

from reporting.models import ProviderEvaluation


class ProviderEvaluationSerializer(serializers.ModelSerializer):
    """One provider's monthly evaluation; ``score`` is a Decimal string (null: no data in the month)."""

    provider_name = serializers.CharField(source="provider.organisation.name", read_only=True)

    class Meta:
        model = ProviderEvaluation
        fields = [
            "id", "provider", "provider_name", "period", "score", "grade", "rank_in_category", "parts",
            "computed_at",
        ]  # fmt: skip
        read_only_fields = fields
