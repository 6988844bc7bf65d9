"""The work queue's voucher sections (portal/workqueue.py; registered from
VouchersConfig.ready()): applications to decide and redeemed vouchers to pay, per region of the
programme."""

from django.utils.translation import gettext_lazy as _

from portal.workqueue import Section, register

from .models import Voucher, VoucherStatus

PROGRAMME_REGION = "programme__region"
REGION_FILTER = "programme__region__id__exact"  # the region filter of VoucherAdmin

register(
    Section(
        slug="vouchers-to-decide",
        label=_("Voucher applications to decide"),
        queryset=lambda: Voucher.objects.filter(status=VoucherStatus.SUBMITTED),
        region=PROGRAMME_REGION,
        since="created_at",
        link="admin:vouchers_voucher_changelist",
        parameters={"status__exact": VoucherStatus.SUBMITTED},
        region_parameter=REGION_FILTER,
        order=40,
    )
)
register(
    Section(
        slug="vouchers-to-pay",
        label=_("Redeemed vouchers to pay"),
        queryset=lambda: Voucher.objects.filter(status=VoucherStatus.REDEEMED),
        region=PROGRAMME_REGION,
        since="redeemed_at",
        link="admin:vouchers_voucher_changelist",
        parameters={"status__exact": VoucherStatus.REDEEMED},
        region_parameter=REGION_FILTER,
        order=50,
    )
)
