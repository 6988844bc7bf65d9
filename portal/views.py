import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from . import health as portal_health
from . import notifications, personal_data, workqueue
from .forms import AccountDeletionForm, NotificationPreferencesForm
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
    # Regisseurs and administrators see what waits for them (portal/workqueue.py) per region.
    return render(request, "portal/dashboard.html", {"queue": workqueue.queue_for(request.user)})


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


# Browsers, and the admin's pages (which link no icon), ask for /favicon.ico at the root: the
# portal's icon (static/img/favicon.ico, made once from favicon.svg), 16, 32 and 48 px.
FAVICON = settings.BASE_DIR / "static" / "img" / "favicon.ico"


@require_safe
def favicon(request):
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# For a load balancer: no login, no secrets, never cached. 503 only when the database is down.
@require_safe
@never_cache
def health(request):
    body, status = portal_health.report()
    return JsonResponse(body, status=status)


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


# --- Privacy -------------------------------------------------------------------------------------


def privacy(request):
    """What the portal keeps, why, for how long (the PRIVACY_* settings), and the user's rights."""
    periods = {
        "unverified_account_days": settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS,
        "stale_draft_days": settings.PRIVACY_STALE_DRAFT_DAYS,
        "event_guest_days": settings.EVENTS_ATTENDEE_RETENTION_DAYS,
        "notification_days": settings.PRIVACY_NOTIFICATION_DAYS,
        "audit_log_days": settings.PRIVACY_AUDIT_LOG_DAYS,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
    }
    return render(request, "portal/privacy.html", periods)


def _account_privacy_page(request, form):
    context = {"form": form, "problems": personal_data.erasure_problems(request.user)}
    return render(request, "portal/account_privacy.html", context)


@login_required
def account_privacy(request):
    return _account_privacy_page(request, AccountDeletionForm(user=request.user))


@login_required
@require_safe
def account_export(request):
    """The user's personal data as a JSON file (a download that changes nothing)."""
    data = personal_data.export(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"{slugify(settings.PORTAL_NAME)}-personal-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_delete(request):
    """Delete the signed-in user's own account, confirmed with their password; then log out."""
    form = AccountDeletionForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_privacy_page(request, form)
    try:
        personal_data.erase(request.user)
    except ValidationError:
        # The page lists what stands in the way (the last owner of an organisation, ...).
        messages.error(request, _("Your account was not deleted. See below what to do first."))
        return _account_privacy_page(request, AccountDeletionForm(user=request.user))
    logout(request)
    messages.success(request, _("Your account and your personal data are deleted. Goodbye."))
    return redirect("home")
