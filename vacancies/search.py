"""The opportunities' full-text search: what a vacancy or a service request is indexed under.

Weighted title (A) > indexed text (B) > description (C). The indexed text holds what a visitor
types but the poster may not have written: the sector's or service category's names in Dutch,
French and English, the place, and for a vacancy what makes it open to doorstroom ("mentor",
"geen diploma vereist"); for a request also its volume. The query logic is portal.textsearch's.
"""

from portal import textsearch

from .models import Vacancy

WEIGHTS = {"title": "A", textsearch.SEARCH_TEXT: "B", "description": "C"}
FIELDS_FOR_SQLITE = ["title", "description", textsearch.SEARCH_TEXT]


def _names(named):
    return [named.name_nl, named.name_fr, named.name_en]


def indexed_text(opportunity):
    """The text besides title and description that an opportunity is found by."""
    municipality = opportunity.municipality
    parts = [municipality.name_nl, municipality.name_fr]
    if isinstance(opportunity, Vacancy):
        parts += _names(opportunity.sector)
        for support in opportunity.supports.all():
            parts += _names(support)
    else:
        parts += _names(opportunity.category)
        parts.append(opportunity.volume)
    # dict.fromkeys: one copy of a name that reads the same in two languages, in order.
    return "\n".join(dict.fromkeys(part for part in parts if part))


def index(opportunity):
    """Recompute the opportunity's search text (and, on PostgreSQL, its search vector).

    Call after saving it, and again after its supports change (they are set after the save).
    """
    textsearch.index(opportunity, indexed_text(opportunity), weights=WEIGHTS)


def search(queryset, q):
    """Vacancies or service requests matching `q`, annotated with `search_rank`; a typo in a
    title still finds it on PostgreSQL. An empty query returns the queryset as it is."""
    return textsearch.search(queryset, q, near=True, fields_for_sqlite=FIELDS_FOR_SQLITE)


def rank(queryset, q):
    """`queryset` annotated with the relevance `search_rank` of `q`, not narrowed."""
    return textsearch.rank(queryset, q, near=True, fields_for_sqlite=FIELDS_FOR_SQLITE)
