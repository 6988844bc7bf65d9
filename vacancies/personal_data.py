"""What vacancies keeps about a person, for the export and the deletion of their account
(portal/personal_data.py finds this module and explains the three functions).

Saved searches are the person's and go with the account. Opportunities and responses belong to
organisations and stay; who wrote them (created_by) becomes empty. A response's candidate
profile is not the writer's data (and holds none of the candidate's: vacancies/privacy.py), so
the export names the response, not its text.
"""

from .models import Response, SavedSearch, ServiceRequest, Vacancy


def _when(value):
    return value.isoformat() if value else None


def _opportunities(model, kind, user):
    return [
        {
            "kind": kind,
            "title": opportunity.title,
            "organisation": opportunity.organisation.name,
            "status": opportunity.status,
            "created_at": _when(opportunity.created_at),
        }
        for opportunity in model.objects.filter(created_by=user)
        .select_related("organisation")
        .order_by("created_at", "pk")
    ]


def export(user, addresses):
    return {
        "saved_searches": [
            {
                "name": search.name,
                "search_of": search.target,
                "parameters": search.query,
                "frequency": search.frequency,
                "created_at": _when(search.created_at),
                "new_results_counted_from": _when(search.last_sent_at),
            }
            for search in SavedSearch.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "opportunities_created": _opportunities(Vacancy, "vacancy", user)
        + _opportunities(ServiceRequest, "service_request", user),
        "responses_sent": [
            {
                "to": response.opportunity.title,
                "for_enterprise": response.enterprise.name,
                "status": response.status,
                "sent_at": _when(response.created_at),
            }
            for response in Response.objects.filter(created_by=user)
            .select_related("vacancy", "service_request", "enterprise")
            .order_by("created_at", "pk")
        ],
    }


def erasure_problems(user):
    return []


def erase(user, addresses):
    """Nothing beyond the foreign keys: saved searches cascade, the rest loses its writer."""
