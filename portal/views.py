from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import static

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


# Uploaded files the portal shows: logos, re-encoded by Pillow on upload (companies/logos.py).
# In production a web server in front may serve MEDIA_ROOT itself; this view is the fallback
# and what the embedded run uses.
MEDIA_TYPES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}


def media(request, path):
    if not path.startswith("logos/") or Path(path).suffix.lower() not in MEDIA_TYPES:
        raise Http404
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
