from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import static
from django.views.decorators.csrf import csrf_exempt

from . import notifications
from .forms import NotificationPreferencesForm
from .models import Municipality, ServiceCategory, User


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


@login_required
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email preferences are saved."))
        return redirect("notification_preferences")
    return render(request, "portal/notification_preferences.html", {"form": form})


# A mail client's one-click unsubscribe (RFC 8058) POSTs without a CSRF token; the signed token
# in the address is what authorises it, and all it can do is switch one kind of email off.
@csrf_exempt
def notification_unsubscribe(request, token):
    found = notifications.read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        return render(request, "portal/unsubscribe.html", {"invalid": True}, status=404)
    kind = notifications.KINDS[found[1]]
    if request.method == "POST":
        notifications.unsubscribe(user, found[1])
        return render(request, "portal/unsubscribe.html", {"done": True, "kind": kind})
    return render(request, "portal/unsubscribe.html", {"kind": kind, "email": user.email})
