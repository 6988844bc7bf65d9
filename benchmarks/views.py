"""The reference page of the page benchmarks: the framework's floor.

It goes through the same middleware, context processors and base template as every page and
runs exactly one query, so a search page's median divided by this page's median says what the
search itself costs. It is served only by the benchmarks' own URLconf (benchmarks/urls.py), never
by the portal.
"""

from django.shortcuts import render

from portal.models import Province


def reference(request):
    provinces = list(Province.objects.order_by("name_nl")[:5])
    return render(request, "benchmarks/reference.html", {"provinces": provinces})
