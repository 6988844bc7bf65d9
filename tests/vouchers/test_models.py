import pytest
from django.core.exceptions import ValidationError

from tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.mark.parametrize("slug", ["mine", "redeem"])
def test_a_programme_cannot_take_the_address_of_a_page(slug):
    programme = ProgrammeFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        programme.full_clean(exclude=["region"])
    assert list(error.value.message_dict) == ["slug"]


def test_any_other_slug_is_fine():
    programme = ProgrammeFactory()
    programme.full_clean()
