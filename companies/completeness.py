"""How complete an organisation's profile is: the owners' checklist and its stored score.

The score (0 to 100) is a stored column, `Organisation.completeness`, so that the directory's
recommended order reads one integer per row instead of four EXISTS subqueries over services,
recognitions and collaborations for every organisation it sorts. It is recomputed where the
things it counts change: a save of the organisation (profile, logo, contact details), a service
added, changed or removed, recognitions set, a collaboration saved or removed (the receivers at
the end of companies/models.py call `refresh`). Bulk writes that bypass signals (the demo's
bulk_create, a collaboration import) call `refresh_all` afterwards or leave it to the next save.

Each step is worth its points; a step that does not apply (recognitions for anything but a
social-economy enterprise) is left out and the score is the share of the points that apply.
"""

from dataclasses import dataclass

from django.db.models import Case, Exists, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    adds: str
    points: int


STEPS = [
    Step("logo", _("A logo"), _("Your cards in the directory are recognised at a glance."), 10),
    Step(
        "description",
        _("A description"),
        _("Visitors read what you do, and the search finds the words you use."),
        20,
    ),
    Step(
        "services",
        _("Services with the distance you travel"),
        _("Buyers near you find you when they search for a service."),
        20,
    ),
    Step(
        "recognitions",
        _("Your recognitions"),
        _("Public buyers see which social clauses you meet."),
        15,
    ),
    Step(
        "contact",
        _("A phone number, email address or website"),
        _("Visitors can reach you directly."),
        20,
    ),
    Step(
        "collaboration",
        _("At least one confirmed collaboration"),
        _("Shows that others have worked with you."),
        15,
    ),
]


def _done(organisation):
    """Which steps the organisation has done (a few small queries)."""
    from .models import Collaboration

    return {
        "logo": bool(organisation.logo),
        "description": bool((organisation.description or "").strip()),
        # Every service has its radius: a number of km, or empty for all of Flanders.
        "services": organisation.services.exists(),
        "recognitions": organisation.recognitions.exists(),
        "contact": bool(organisation.phone or organisation.email or organisation.website),
        "collaboration": Collaboration.objects.confirmed()
        .filter(Q(regular=organisation) | Q(social=organisation))
        .exists(),
    }


def applies(step, organisation):
    if step.key == "recognitions":
        return organisation.is_social
    return True


def _score(steps, done):
    total = sum(step.points for step in steps)
    return round(100 * sum(step.points for step in steps if done[step.key]) / total)


def checklist(organisation):
    """The score and the steps that apply, each with whether it is done and its share."""
    done = _done(organisation)
    steps = [step for step in STEPS if applies(step, organisation)]
    total = sum(step.points for step in steps)
    return {
        "score": _score(steps, done),
        "steps": [
            {
                "key": step.key,
                "label": step.label,
                "adds": step.adds,
                "done": done[step.key],
                "percent": round(100 * step.points / total),
            }
            for step in steps
        ],
    }


def score(organisation):
    steps = [step for step in STEPS if applies(step, organisation)]
    return _score(steps, _done(organisation))


def refresh(organisation):
    """Store the organisation's score (an UPDATE of one column: no signal, no re-index)."""
    from .models import Organisation

    value = score(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(completeness=value)
    organisation.completeness = value
    return value


def refresh_all(queryset=None):
    """Every score of `queryset` (all organisations by default) in one UPDATE, for bulk writes
    that bypass the receivers (seeding, imports): the same steps and points as `score`."""
    from .models import Collaboration, OfferedService, Organisation, OrganisationKind

    organisations = Organisation.objects.all() if queryset is None else queryset
    social = Q(kind=OrganisationKind.SOCIAL)
    done = {
        "logo": ~Q(logo=""),
        "description": ~Q(description=""),
        "services": Exists(OfferedService.objects.filter(organisation=OuterRef("pk"))),
        "recognitions": Exists(
            Organisation.recognitions.through.objects.filter(organisation=OuterRef("pk"))
        ),
        "contact": ~Q(phone="") | ~Q(email="") | ~Q(website=""),
        "collaboration": Exists(
            Collaboration.objects.confirmed().filter(
                Q(regular=OuterRef("pk")) | Q(social=OuterRef("pk"))
            )
        ),
    }

    def points(step):
        condition = done[step.key] & social if step.key == "recognitions" else done[step.key]
        return Case(When(condition, then=Value(step.points)), default=Value(0))

    earned = sum((points(step) for step in STEPS[1:]), points(STEPS[0]))
    applying = {
        is_social: sum(step.points for step in STEPS if step.key != "recognitions" or is_social)
        for is_social in (True, False)
    }
    total = Case(When(social, then=Value(applying[True])), default=Value(applying[False]))
    return organisations.update(completeness=Round(Cast(earned * 100, FloatField()) / total))
