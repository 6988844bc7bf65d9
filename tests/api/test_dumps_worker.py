"""The nightly open-data task on a real Celery worker (another process, as beat sends it): the
files land in OPEN_DATA_ROOT, where the web process serves them from."""

import pytest
from django.urls import reverse

from api import dumps, tasks
from tests.conftest import finished
from tests.factories import listed_organisation

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_root(tmp_path, monkeypatch, settings):
    """One folder for the worker (through its environment) and this process (the pages)."""
    root = tmp_path / "open-data"
    monkeypatch.setenv("OPEN_DATA_ROOT", str(root))
    settings.OPEN_DATA_ROOT = root
    return root


def test_a_worker_writes_the_files_the_page_serves(
    shared_root, celery_worker, transactional_reference_data, client
):
    listed_organisation(name="Groenwerk Haspengouw", services=["groenonderhoud"])

    result = finished(tasks.write_open_data.delay(), timeout=60)

    assert result["records"] == 1
    response = client.get(reverse("open_data:download", kwargs={"name": dumps.JSON_FILE}))
    assert response.status_code == 200
    assert b"Groenwerk Haspengouw" in b"".join(response.streaming_content)
