from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .models import Municipality, ServiceCategory


def _directory_url():
    # The home page's search box searches the directory once the companies app serves it.
    try:
        return reverse("companies:directory")
    except NoReverseMatch:
        return None


def home(request):
    context = {
        "service_categories": ServiceCategory.objects.all(),
        "municipality_count": Municipality.objects.current().flemish().count(),
        "search_url": _directory_url(),
    }
    return render(request, "portal/home.html", context)


@login_required
def dashboard(request):
    regions = request.user.regions.all() if request.user.is_staff else []
    return render(request, "portal/dashboard.html", {"regions": regions})
