"""A buyer's spend in the social economy: the page (also as CSV and on paper), the upload and
removing a year. Who sees what is procurement/spend.py's; the import is spend_import.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from companies.csv_import import ImportFileError
from portal import csvexport

from . import spend
from .spend_forms import SpendUploadForm
from .spend_import import FORMAT_HELP, MAX_LINES, import_spend, remove_year

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
# Line errors shown on the page; the rest are counted.
ERRORS_SHOWN = 100


def _chosen_year(request, found):
    """The year asked for (?year=) when the buyer has it, else the newest."""
    asked = request.GET.get("year", "")
    numbers = found.year_numbers
    if asked.isascii() and asked.isdigit() and len(asked) == 4 and int(asked) in numbers:
        return int(asked)
    return numbers[0] if numbers else None


@login_required
@require_safe
def spend_page(request, slug):
    viewer, step = spend.viewer_for(request, slug)
    if step:
        return step
    buyer = viewer.buyer
    found = spend.figures(buyer)
    year = _chosen_year(request, found)
    if request.GET.get("format") == "csv":
        return _csv(buyer, found, year)
    unmatched = found.unmatched(year)
    years = sorted(found.year_numbers)
    context = {
        "organisation": buyer,
        "member": viewer.membership,
        "viewer": viewer,
        "spend": found,
        "year": found.year(year),
        "years": years,
        "breakdowns": [
            {
                "id": "by-recognition",
                "title": _("Per recognition of the enterprise"),
                "note": _(
                    "An enterprise with several recognitions counts under each, so these rows "
                    "may add up to more than the total."
                ),
                "none": _("No recognition recorded"),
                "rows": _rows(found.recognitions, years),
            },
            {
                "id": "by-category",
                "title": _("Per service category"),
                "none": _("No category given"),
                "rows": _rows(found.categories, years),
            },
            {
                "id": "by-province",
                "title": _("Per province of the supplier"),
                "none": _("Brussels or abroad (no province)"),
                "rows": _rows(found.provinces, years),
            },
        ],
        "unmatched": unmatched[: spend.UNMATCHED_SHOWN],
        "unmatched_more": max(0, len(unmatched) - spend.UNMATCHED_SHOWN),
    }
    return render(request, "procurement/spend/page.html", context)


def _rows(parts, years):
    """Each part as a label and its amounts in the order of `years` (None: nothing that year)."""
    return [
        {"label": part.label, "amounts": [part.amounts.get(year) for year in years]}
        for part in parts
    ]


def _csv(buyer, found, year):
    """The chosen year's purchases summed per supplier and category, with what the portal
    knows of each supplier."""
    rows = [row for row in found.rows if row[0] == year]
    rows.sort(key=lambda row: (-row[3], row[1].number))

    def header():
        return [
            _("Year"),
            _("Enterprise number"),
            _("Supplier"),
            _("Listed on the portal"),
            _("Social economy"),
            _("Recognitions"),
            _("Province"),
            _("Service category"),
            _("Purchase lines"),
            _("Amount (EUR)"),
        ]

    def line(row):
        year_number, supplier, category, amount, lines = row
        return [
            year_number,
            supplier.shown_number,
            supplier.name,
            _("yes") if supplier.listed else _("no"),
            _("yes") if supplier.is_social else _("no"),
            ", ".join(str(recognition) for recognition in supplier.recognitions),
            str(supplier.province) if supplier.province else "",
            str(category) if category else "",
            lines,
            f"{amount:.2f}".replace(".", ","),
        ]

    lines = csvexport.lines(rows, header=header, row=line)
    return csvexport.response(lines, topic=f"spend-{buyer.slug}-{year or ''}")


@login_required
@FORM_METHODS
def spend_upload(request, slug):
    member = spend.member_of(request, slug)
    buyer = member.organisation
    posted = request.method == "POST"
    # An empty POST is a bound form too: every required field then says so.
    form = SpendUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            result = import_spend(
                form.data_of_file(),
                buyer=buyer,
                year=year,
                by=request.user,
                file_name=form.cleaned_data["file"].name,
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            form.add_error("year", error)
        else:
            if result.written:
                if result.same_file:
                    text = _(
                        "This file for %(year)s is the one uploaded before (%(lines)s lines): "
                        "nothing changed."
                    )
                elif result.replaced:
                    text = _(
                        "The purchases of %(year)s are replaced by the %(lines)s lines of this "
                        "file."
                    )
                else:
                    text = _("The %(lines)s purchase lines of %(year)s are in.")
                messages.success(request, text % {"year": year, "lines": result.imported})
                return redirect(f"{_page_url(buyer)}?year={year}")
    context = {
        "organisation": buyer,
        "member": member,
        "form": form,
        "result": result,
        "errors": result.errors[:ERRORS_SHOWN] if result else [],
        "errors_more": max(0, len(result.errors) - ERRORS_SHOWN) if result else 0,
        "format_help": FORMAT_HELP,
        "max_lines": MAX_LINES,
    }
    return render(request, "procurement/spend/upload.html", context)


def _page_url(buyer):
    return reverse("procurement:spend", kwargs={"slug": buyer.slug})


@login_required
@require_POST
def spend_remove(request, slug, year):
    member = spend.member_of(request, slug)
    buyer = member.organisation
    if remove_year(buyer=buyer, year=year):
        messages.success(request, _("The purchases of %(year)s are removed.") % {"year": year})
    else:
        messages.info(request, _("There were no purchases of %(year)s.") % {"year": year})
    return redirect(_page_url(buyer))
