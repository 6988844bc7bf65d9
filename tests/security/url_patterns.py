"""Every URL pattern of the portal, read from the URL configuration itself.

The access matrix starts from this list, so a view added to any urls.py (or brought in by a
package's include) is walked by the tests without anybody having to remember it.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:[route]" for a pattern without a name
    name: str | None  # what reverse() takes, when the pattern has a name
    route: str  # the whole route from the site's root (no language prefix)
    namespace_route: str  # the route of the innermost namespace's root ("admin/")
    kwargs: tuple  # the names of the pattern's keyword arguments
    callback: object

    @property
    def namespace(self):
        return self.key.split(":", 1)[0] if ":" in self.key else ""


def _kwarg_names(pattern):
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(patterns, route, namespace, namespace_route, kwargs):
    for entry in patterns:
        here = route + str(entry.pattern)
        names = kwargs + _kwarg_names(entry.pattern)
        if isinstance(entry, URLResolver):
            inner, inner_route = namespace, namespace_route
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                inner_route = here
            yield from _walk(entry.url_patterns, here, inner, inner_route, names)
        elif isinstance(entry, URLPattern):
            relative = here.removeprefix(namespace_route)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = f"{namespace}:[{relative}]"
            yield Pattern(
                key=key,
                name=key if entry.name else None,
                route=here,
                namespace_route=namespace_route,
                kwargs=names,
                callback=entry.callback,
            )


def all_patterns():
    """Every URL pattern, in the order of the URL configuration."""
    return list(_walk(get_resolver().url_patterns, "", "", "", ()))


# The admin builds the same pages for every registered model; tests/security/test_access_matrix.py
# checks those per model in a table of its own (ADMIN_MODELS), the rest of the admin row by row.
_MODEL_PAGES = re.compile(
    r"^admin:(?:(?P<named>\w+)_(?P<page>changelist|add|change|history|delete)"
    r"|\[(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/\])$"
)


def admin_model_of(pattern):
    """The "app_label.model" of a generic admin page of a registered model, else None."""
    match = _MODEL_PAGES.match(pattern.key)
    if not match:
        return None
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        if match["named"] == label or (
            match["app"] == model._meta.app_label and match["model"] == model._meta.model_name
        ):
            return model._meta.label_lower
    return None
