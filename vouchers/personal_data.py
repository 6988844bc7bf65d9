"""What vouchers keeps about a person, for the export and the deletion of their account
(portal/personal_data.py finds this module and explains the three functions).

Vouchers are the applicant firm's and public money: they stay with their history when the
person who applied or took a step deletes their account; applied_by and the events' actor
become empty.
"""

from .models import Voucher, VoucherEvent


def _when(value):
    return value.isoformat() if value else None


def export(user, addresses):
    return {
        "vouchers_applied_for": [
            {
                "programme": voucher.programme.name,
                "applicant": voucher.applicant.name,
                "provider": voucher.provider.name,
                "service_category": voucher.category.name,
                "intended_use": voucher.intended_use,
                "status": voucher.status,
                "applied_at": _when(voucher.created_at),
            }
            for voucher in Voucher.objects.filter(applied_by=user)
            .select_related("programme", "applicant", "provider", "category")
            .order_by("created_at", "pk")
        ],
        "voucher_steps_taken": [
            {
                "voucher": event.voucher.code or event.voucher_id,
                "from": event.from_status,
                "to": event.to_status,
                "at": _when(event.at),
            }
            for event in VoucherEvent.objects.filter(actor=user)
            .select_related("voucher")
            .order_by("at", "pk")
        ],
    }


def erasure_problems(user):
    return []


def erase(user, addresses):
    """Nothing beyond the foreign keys: vouchers and their events lose their actor."""
