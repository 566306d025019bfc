"""The daily voucher-expiry task (``diagnosis.services.funding``): enqueued by ``core.jobs`` for a
``VoucherExpiryRun`` row; the row decides whether there is work left, so a duplicate delivery does nothing."""

import datetime

from celery import shared_task

from diagnosis.services import funding


@shared_task(name="diagnosis.tasks.expire_vouchers", acks_late=True)
def expire_vouchers(day: str) -> str:
    """Close the vouchers expired before ``day`` (``YYYY-MM-DD``); returns the run's status."""
    return funding.vouchers_expire_run(day=datetime.date.fromisoformat(day)).status
