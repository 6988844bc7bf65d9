"""Reference rows that list pages show on every card (postcodes, municipalities, provinces,
sectors, service categories), held in each process so that a page's rows need not join them.

Joining four small tables to twenty rows costs more than the rows themselves: the planner
weighs every order of five tables, hashes the whole postcode and municipality tables, and
Django builds five objects per row. `with_reference(queryset, "municipality", ...)` instead
reads the rows alone and hands each the related objects from memory (ReferenceIterable), the
same for a page, a slice, the CSV's `iterator()` or a prefetch.

These tables change rarely: by `manage.py load_reference_data`, by a data migration (run before
the processes start again) or when a regisseur edits a row in the admin. Every save or delete of
such a row moves the generation in the shared cache, at once and again on commit (another
process may load the rows in between, without the change); a process that finds another
generation than the one it holds loads the rows again. The reference command moves it too, as
its bulk writes send no signals. Without the shared cache (Redis down) every use loads again.
"""

import threading

from django.db.models.query import ModelIterable
from django.db.models.signals import post_delete, post_save

from .cache import Generation
from .models import Municipality, Postcode, Province, Sector, ServiceCategory

MODELS = (Postcode, Municipality, Province, Sector, ServiceCategory)
GENERATION = Generation("reference:generation")

_lock = threading.RLock()
_held = {"generation": None, "rows": {}}


def rows(model, current):
    """(attnames, {pk: values}) of a reference `model` as of generation `current`: the values,
    not instances, so that every use builds its own (a prefetch or a lazy relation caches its
    rows on the instance it reads them from, which must not outlive the request)."""
    with _lock:
        if current is None or current != _held["generation"]:
            _held["generation"], _held["rows"] = current, {}
        found = _held["rows"].get(model)
        if found is None:
            attnames = [field.attname for field in model._meta.concrete_fields]
            values = model._default_manager.values_list(*attnames)
            found = _held["rows"][model] = (
                attnames,
                {row[attnames.index(model._meta.pk.attname)]: row for row in values},
            )
        return found


def find(model, field, value, *, using="default"):
    """The row of reference `model` whose `field` (unique) is `value`, a new instance; None when
    there is none."""
    current = GENERATION.current()
    with _lock:
        attnames, known = rows(model, current)
        index = _held["rows"].get((model, field))
        if index is None:
            position = attnames.index(model._meta.get_field(field).attname)
            index = _held["rows"][(model, field)] = {
                values[position]: key for key, values in known.items()
            }
    key = index.get(value)
    return None if key is None else model.from_db(using, attnames, known[key])


def instances(model, *, using="default"):
    """Every row of reference `model`, new instances from memory, in no particular order."""
    attnames, known = rows(model, GENERATION.current())
    return [model.from_db(using, attnames, values) for values in known.values()]


class ReferenceIterable(ModelIterable):
    """Model instances with the reference rows of `fields` (foreign keys) set from memory."""

    fields = ()

    def __iter__(self):
        model, using = self.queryset.model, self.queryset.db
        current = GENERATION.current()
        links = []
        for name in self.fields:
            field = model._meta.get_field(name)
            attnames, known = rows(field.related_model, current)
            # Rows of one iteration share the instance of a reference row, as a prefetch does.
            links.append((field.attname, name, field.related_model, attnames, known, {}))
        for instance in super().__iter__():
            for attname, name, related, attnames, known, built in links:
                key = getattr(instance, attname)
                # A row missing from memory (added since) is read as any relation is.
                if key is None or key not in known:
                    continue
                if key not in built:
                    built[key] = related.from_db(using, attnames, known[key])
                setattr(instance, name, built[key])
            yield instance


_iterables = {}


def with_reference(queryset, *fields):
    """`queryset` whose rows get the reference rows of `fields` from memory, not by a join."""
    for name in fields:
        related = queryset.model._meta.get_field(name).related_model
        if related not in MODELS:
            raise ValueError(f"{name} is not a reference row: {related.__name__}")
    iterable = _iterables.get(fields)
    if iterable is None:
        iterable = _iterables[fields] = type(
            "ReferenceIterable", (ReferenceIterable,), {"fields": fields}
        )
    clone = queryset.all()
    clone._iterable_class = iterable
    return clone


def _changed(sender, using, **kwargs):
    GENERATION.move(using)


for _model in MODELS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"reference-{_model.__name__}-save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"reference-{_model.__name__}-delete")
