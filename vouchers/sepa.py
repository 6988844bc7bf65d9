"""A programme's payouts as a SEPA credit-transfer file (ISO 20022 pain.001.001.03), written by
the sepaxml library and checked by it against the schema before it is handed out.

The regisseur downloads it from the admin, uploads it to the regie's bank, and marks the vouchers
paid afterwards with the bank's reference (the lifecycle's mark_paid: the file changes nothing).
Debtor: the programme's paying account (Programme.payer_name, payer_iban); creditors: the
providers of its redeemed vouchers, each for what its voucher pays (Voucher.amount), with the
voucher's code as end-to-end reference and code and invoice number as the message. No BICs:
within SEPA the IBAN is enough.
"""

from decimal import Decimal

from django.utils import timezone
from sepaxml import SepaTransfer

from .models import VoucherStatus

CURRENCY = "EUR"
MAX_MESSAGE = 140  # the unstructured remittance information


def payable(vouchers):
    """The vouchers of `vouchers` that the file pays: redeemed (not yet paid), with a provider
    that gave its IBAN; and those left out for want of one."""
    redeemed = list(
        vouchers.filter(status=VoucherStatus.REDEEMED)
        .select_related("provider")
        .order_by("delivered_on", "pk")
    )
    paid = [voucher for voucher in redeemed if voucher.provider.iban]
    return paid, [voucher for voucher in redeemed if not voucher.provider.iban]


def cents(amount):
    return int((Decimal(amount) * 100).to_integral_value())


def credit_transfer(programme, vouchers, *, execution_date=None):
    """The pain.001 document (bytes) paying `vouchers` from the programme's account."""
    execution_date = execution_date or timezone.localdate()
    transfer = SepaTransfer(
        {
            "name": programme.payer_name or programme.region.name,
            "IBAN": programme.payer_iban,
            "batch": True,
            "currency": CURRENCY,
        }
    )
    for voucher in vouchers:
        transfer.add_payment(
            {
                "name": voucher.provider.name,
                "IBAN": voucher.provider.iban,
                "amount": cents(voucher.amount),
                "execution_date": execution_date,
                "description": f"{voucher.code} {voucher.invoice_number}".strip()[:MAX_MESSAGE],
                "endtoend_id": voucher.code,
            }
        )
    return transfer.export(validate=True)
