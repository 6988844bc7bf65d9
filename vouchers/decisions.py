"""What a regisseur reads before deciding on a voucher: the applicant's earlier vouchers and
whether applicant and provider already work together according to the register.

Two queries whatever the length of the history (tests/vouchers/test_decision_page.py pins it):
the applicant's other vouchers with their programme and provider, and the pair's
collaborations through companies.collaborations.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from companies import collaborations

from .models import Programme, Voucher


@dataclass(frozen=True)
class Facts:
    earlier: list  # the applicant's other vouchers, newest first; `.managed`: the user runs it
    collaborations: list  # (collaboration, where it stands in words), latest start first

    @property
    def earlier_count(self):
        return len(self.earlier)


def earlier_vouchers(voucher, *, user):
    """The applicant's other vouchers in every programme, newest first. Each says (`managed`)
    whether the user runs its programme, so that the page links only what the user may open."""
    return list(
        Voucher.objects.filter(applicant_id=voucher.applicant_id)
        .exclude(pk=voucher.pk)
        .select_related("programme", "provider")
        .annotate(
            managed=Exists(Programme.objects.run_by(user).filter(pk=OuterRef("programme_id")))
        )
        .order_by("-created_at", "-pk")
    )


def facts(voucher, *, user):
    pair = collaborations.between(voucher.applicant_id, voucher.provider_id)
    return Facts(
        earlier=earlier_vouchers(voucher, user=user),
        collaborations=[(found, collaborations.standing(found)) for found in pair],
    )
