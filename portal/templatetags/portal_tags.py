from datetime import datetime
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats
from django.utils.translation import get_language, get_language_info

from portal import phones

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language of the portal, for the language switcher."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return links


@register.simple_tag
def page_numbers(page_obj, on_each_side=2, on_ends=1):
    """The page numbers around the current page, with Paginator.ELLIPSIS for the gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


@register.filter(expects_localtime=True)
def long_date(value):
    """A day as the active language writes it in full ("2 december 2026"): the `date` filter
    with DATE_FORMAT, remembered per day and language, as a list of twenty cards writes the
    same few days over and over (formatting a date costs more than the rest of a card)."""
    if not value:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return _long_date(day, get_language())


@lru_cache(maxsize=4096)
def _long_date(day, language):
    return formats.date_format(day, "DATE_FORMAT")


@register.simple_tag
def error_summary(form):
    """Every problem of a bound form, in the order of the page, for the summary at its top
    (templates/companies/_error_summary.html): the form's own errors, then each error of each
    field (all of them, not the first: a person must see every problem), hidden fields
    included. Each item is (field or None, message); the summary counts these items, so the
    number above the list is the number of items in it."""
    items = [(None, message) for message in form.non_field_errors()]
    for field in form:
        items.extend((field, message) for message in field.errors)
    return items


@register.filter
def phone(value):
    """A stored phone number (E.164) as people write it: "011 23 45 67" for a Belgian number,
    "+31 20 123 4567" for another country's; one that does not parse, as stored."""
    return phones.display(value)


@register.simple_tag(takes_context=True)
def work_queue(context):
    """The signed-in user's work queue (portal/workqueue.py), or None if they have none."""
    from portal import workqueue

    return workqueue.queue_for(context["request"].user)
