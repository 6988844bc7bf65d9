from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("Vouchers")

    def ready(self):
        # The voucher report registers itself with /reports/ (companies imports no voucher code).
        # And its sections of the work queue (portal/workqueue.py).
        from . import reports, workqueue  # noqa: F401
