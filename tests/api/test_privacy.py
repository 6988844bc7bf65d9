"""No field leaves through the API unless api/privacy.py says why it is public: every field of
every serializer in `api` is walked, nested ones included."""

from rest_framework import serializers

import api.urls  # noqa: F401 (every view, so every serializer, is imported)
from api.privacy import ALLOWED


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def api_serializers():
    return sorted(
        {
            cls
            for cls in _all_subclasses(serializers.Serializer)
            if cls.__module__.startswith("api.")
        },
        key=lambda cls: cls.__qualname__,
    )


def owner(cls, name):
    """The name a field is classified under: the serializer that declares it first."""
    for klass in reversed(cls.__mro__):
        if name in getattr(klass, "_declared_fields", {}) and klass.__module__.startswith("api."):
            return getattr(klass, "privacy_name", klass.__name__)
    return getattr(cls, "privacy_name", cls.__name__)


def test_every_field_of_every_serializer_is_classified():
    found = set()
    for cls in api_serializers():
        for name in cls().fields:
            found.add(f"{owner(cls, name)}.{name}")
    unclassified = sorted(key for key in found if key not in ALLOWED)
    assert not unclassified, f"classify these in api/privacy.py: {unclassified}"
    assert len(found) > 50


def test_no_field_names_personal_data():
    # Names that would be a person's or a response's: never a field of the API.
    forbidden = {
        "user",
        "created_by",
        "verified_by",
        "members",
        "message",
        "iban",
        "amount",
        "responses",
        "candidate",
        "online_url",
        "attendees",
        "notes",
    }
    for key in ALLOWED:
        assert key.rsplit(".", 1)[-1] not in forbidden, key
