"""The directory's full-text search: what an organisation is indexed under, and its relevance.

Weighted name (A) > services (their categories in three languages and their own texts) and
recognitions (B) > description (D, a mere mention: a bakery "looking for cleaning" is no cleaning
firm). ts_rank weighs B nearly as much as A (textsearch.RANK_WEIGHTS), so that the organisations
that offer a service come first when it is searched. A word spelled nearly like a known word (of
a name, a service category in any language or a service's text) finds it too, so that a typo
still finds (the search vector has a GIN index, migration 0002, which also creates the
`brugwerk_dutch` configuration; the known words are portal.SearchWord, with a trigram index). On
SQLite every word of the query must occur in the name, the description or the indexed text (or a
known word spelled nearly like it, for a word of five letters or more). The query logic is
portal.textsearch's, shared with the opportunities.

Among near equals (DirectoryFilter's order), social enterprises come before other kinds when the
visitor has not chosen a kind (`social_first`: their rank counts whole, the others' half), then
verified, fresh and complete profiles, as in the recommended order.
"""

from django.db.models import Case, FloatField, Value, When

from portal import textsearch

WEIGHTS = {"name": "A", textsearch.SEARCH_TEXT: "B", "description": "D"}
FIELDS_FOR_SQLITE = ["name", "description", textsearch.SEARCH_TEXT]


# A kind other than a social enterprise ranks at this share of its relevance (social_first).
OTHER_KINDS_SHARE = 0.5


def indexed_text(organisation):
    """The text of an organisation's services and recognitions, in every portal language."""
    parts = []
    for service in organisation.services.select_related("category"):
        category = service.category
        parts += [category.name_nl, category.name_fr, category.name_en, service.description]
    for recognition in organisation.recognitions.all():
        parts += [recognition.name_nl, recognition.name_fr, recognition.name_en]
    return "\n".join(part for part in parts if part)


def index(organisation):
    """Recompute the organisation's search text (and, on PostgreSQL, its search vector).

    Call after its name, description, services or recognitions change; Organisation.save()
    calls it for name and description. The words of its services and recognitions become known
    words (a typo in them still finds; "Did you mean" offers them).
    """
    text = indexed_text(organisation)
    textsearch.index(organisation, text, weights=WEIGHTS, known=[text])


def _social_first():
    from .models import OrganisationKind  # companies.models imports this module

    return Case(
        When(kind=OrganisationKind.SOCIAL, then=Value(1.0)),
        default=Value(OTHER_KINDS_SHARE),
        output_field=FloatField(),
    )


def search(queryset, q, *, social_first=False):
    """Organisations matching the query `q`, annotated with a relevance `search_rank`
    (rank()). An empty query returns the queryset as it is (without a rank).
    """
    return textsearch.search(
        queryset,
        q,
        near=True,
        fields_for_sqlite=FIELDS_FOR_SQLITE,
        weights=WEIGHTS,
        boost=_social_first() if social_first else None,
    )


def rank(queryset, q, *, social_first=False):
    """`queryset` annotated with the relevance `search_rank` of `q`, not narrowed;
    `social_first`: other kinds than social enterprises count half."""
    return textsearch.rank(
        queryset,
        q,
        near=True,
        fields_for_sqlite=FIELDS_FOR_SQLITE,
        weights=WEIGHTS,
        boost=_social_first() if social_first else None,
    )
