import pytest
from django.core import mail

from portal.tasks import send_email


def test_send_email_inline_without_a_broker():
    send_email.delay(subject="Hallo", to=["a@example.be"], body="Tekst", html="<p>Tekst</p>")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Hallo"
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.redis
def test_task_runs_in_a_real_worker_through_redis(celery_worker, smtp_sink):
    result = send_email.delay(
        subject="Via de worker", to=["b@example.be"], body="Verstuurd door Celery"
    )

    assert result.get(timeout=30) == 1
    messages = smtp_sink.wait_for(1)
    assert messages[0]["Subject"] == "Via de worker"
    assert messages[0]["To"] == "b@example.be"
    # Sent by the worker process over SMTP, not by this process.
    assert mail.outbox == []
