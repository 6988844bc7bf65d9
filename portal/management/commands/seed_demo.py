from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Create demo users and data for a local run (idempotent). Each app adds its part in a "
        "module named demo.py with a function seed(); refuses to run when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a known password; it only runs with "
                "DJANGO_DEBUG=true."
            )
        logins = []
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    demo = import_module(f"{app_config.name}.demo")
                    logins.extend(demo.seed())
        self.stdout.write(self.style.SUCCESS("Demo data are in place. Log in with:"))
        for role, email in logins:
            self.stdout.write(f"  {role:<28} {email:<34} password: {DEMO_PASSWORD}")
        self.stdout.write(
            "Staff (administrator, regisseurs) then enter the code of an authenticator app set up"
            f" with the secret {DEMO_TOTP_SECRET} (time-based, 6 digits, 30 seconds)."
        )
