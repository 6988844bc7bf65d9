"""/reports/: the four questions and the list of reports (companies/four_questions.py), and one
page per report, with its CSV and JSON (`format=`).

The figures, who sees what and the exports are companies/reports.py's; these views parse the
GET parameters, ask for the viewer's mode (staff get more than the public view only in a
session that passed the second factor, portal/twofactor.py) and render.
"""

from urllib.parse import urlencode

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from portal import datachanges, maps, twofactor
from portal.models import Region

from . import four_questions, report_charts, reports


def overview(request):
    """The four questions answered for the choice in the form (companies/four_questions.py):
    each in short, then in full, then how the figures are made, then the list of reports.
    Public figures for everyone: the page is the published answer."""
    version = datachanges.version()
    form = reports.FilterForm(request.GET, section=four_questions.QUESTIONS, version=version)
    filters = form.filters()
    coverage = four_questions.coverage(filters, version=version)
    answers = four_questions.answers(filters, version=version)
    context = {
        "sections": reports.sections(),
        "form": form,
        "filters": filters,
        "selection": filters.describe(four_questions.QUESTIONS.filters),
        "today": timezone.localdate(),
        "coverage": coverage,
        "answers": answers,
        "hidden_in_summary": any(answer.summary and answer.summary.hidden for answer in answers),
        # The answers as rendered are kept in the cache (the template's {% cache %}): the same
        # for every visitor of this choice, and most of the page's time.
        "rendering_key": four_questions.rendering_key(filters, coverage=coverage, answers=answers),
        "rendering_seconds": reports.CACHE_SECONDS,
        # While the worker computes figures after a change: the oldest time one was current.
        "as_of": min(
            (at for at in [coverage.as_of, *(a.table.as_of for a in answers)] if at), default=None
        ),
        "stale_minutes": reports.stale_minutes(),
        "report_query": urlencode(four_questions.report_query(filters)),
        "threshold": reports.THRESHOLD,
        "HIDDEN": reports.HIDDEN,
    }
    return render(request, "companies/reports/overview.html", context)


def report(request, slug):
    section = reports.get(slug)
    if section is None:
        raise Http404
    # The data version once: the form's default years and the figures are cached by it.
    version = datachanges.version()
    form = reports.FilterForm(request.GET, section=section, version=version)
    filters = form.filters()
    mode = section.viewer_mode(request.user, filters)
    # More than the public figures only in a session that passed the second factor.
    if mode != reports.Mode.PUBLIC and (step := twofactor.second_factor_step(request)):
        return step
    table = section.compute(filters, mode=mode, version=version)
    export = request.GET.get("format")
    if export == "csv":
        return reports.csv_response(section, table)
    if export == "json":
        return JsonResponse(
            reports.as_json(section, table, filters=filters, mode=mode),
            json_dumps_params={"ensure_ascii": False},
        )
    query = request.GET.copy()
    for name in ("format", "row", "column"):
        query.pop(name, None)
    # A regisseur looking at public figures is offered their own regions, in full.
    own_regions = []
    if (
        mode == reports.Mode.PUBLIC
        and section.counts_firms
        and section.regional_in_full
        and request.user.is_staff
    ):
        for region in Region.objects.filter(regisseurs=request.user).order_by("name"):
            in_region = query.copy()
            in_region["region"] = region.slug
            own_regions.append({"region": region, "query": in_region.urlencode()})
    section_maps = section.maps(table, filters)
    context = {
        "section": section,
        "sections": reports.sections(),
        "form": form,
        "filters": filters,
        "selection": filters.describe(section.filters),
        "mode": mode,
        "table": table,
        "chart": report_charts.chart(section, table),
        "section_maps": section_maps,
        # The municipalities' outlines, once for the page's maps that share them.
        "outline_sprite": maps.outline_sprite()
        if any(drawn["chart"].shared for drawn in section_maps)
        else "",
        "behind": reports.behind(
            section,
            table,
            filters,
            mode=mode,
            row_key=request.GET.get("row"),
            column_key=request.GET.get("column"),
        ),
        "query": query.urlencode(),
        "own_regions": own_regions,
        "stale_minutes": reports.stale_minutes(),
        "threshold": reports.THRESHOLD,
        "HIDDEN": reports.HIDDEN,
    }
    return render(request, "companies/reports/report.html", context)
