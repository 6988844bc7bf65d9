"""The admin's long lists at volume (issue 20).

Django writes each row's action checkbox through a form widget and the template renderer: at
100 rows a page that is a fifth of the page's time. ListCheckbox writes the very same markup
directly (tests/portal/test_adminlists.py holds it to Django's). Mixed into the ModelAdmins
whose lists regisseurs and administrators page through.
"""

from django.contrib.admin import helpers
from django.utils.html import format_html

# Django's own string, translated by Django's catalogue: named otherwise so that `make messages`
# does not copy it into ours.
from django.utils.translation import gettext as upstream_gettext


class ListCheckbox:
    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(upstream_gettext("Select this object for an action - {}"), str(obj)),
        )
