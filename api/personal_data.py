"""What the API keeps about a person, for the export and the deletion of their account
(portal/personal_data.py finds this module and explains the three functions).

A person's tokens are theirs: the export names them (never a key, which nobody can read) and
they go with the account, an organisation's tokens issued by the person included. Their posts
stay with the organisation, as the pages' do.
"""

from .models import ApiToken


def _when(value):
    return value.isoformat() if value else None


def export(user, addresses):
    return {
        "api_tokens": [
            {
                "name": token.name,
                "starts_with": token.prefix,
                "organisation": token.organisation.name if token.organisation else None,
                "issued_at": _when(token.created_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in ApiToken.objects.filter(user=user)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ]
    }


def erasure_problems(user):
    return []


def erase(user, addresses):
    """Nothing beyond the foreign key: the tokens cascade with the account."""
