"""The directory's full-text search: what an organisation is indexed under.

Weighted name (A) > services and recognitions (B) > description (C); on PostgreSQL a word spelled
nearly like a word of a name finds it too, so that a typo in a name still finds it (the search
vector has a GIN index, migration 0002, which also creates the `brugwerk_dutch` configuration;
the words of names are known words, portal.SearchWord, with a trigram index). On SQLite every
word of the query must occur in the name, the description or the indexed text. The query logic
is portal.textsearch's, shared with the opportunities.
"""

from portal import textsearch

WEIGHTS = {"name": "A", textsearch.SEARCH_TEXT: "B", "description": "C"}
FIELDS_FOR_SQLITE = ["name", "description", textsearch.SEARCH_TEXT]


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
    calls it for name and description.
    """
    textsearch.index(organisation, indexed_text(organisation), weights=WEIGHTS)


def search(queryset, q):
    """Organisations matching the query `q`, annotated with a relevance `search_rank`.

    An empty query returns the queryset as it is (without a rank).
    """
    return textsearch.search(queryset, q, near=True, fields_for_sqlite=FIELDS_FOR_SQLITE)


def rank(queryset, q):
    """`queryset` annotated with the relevance `search_rank` of `q`, not narrowed."""
    return textsearch.rank(queryset, q, near=True, fields_for_sqlite=FIELDS_FOR_SQLITE)
