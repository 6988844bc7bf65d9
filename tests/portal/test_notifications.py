"""The outbox: written with the event, delivered once, retried, swept, digested, unsubscribed."""

import socket
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal import notifications
from portal.models import Frequency, Notification, NotificationPreference, NotificationStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def write_one(user, key="event:1", kind="contact_message", **extra):
    return notifications.notify(
        kind=kind,
        key=key,
        template="contact_message",
        recipient=user,
        context={
            "organisation": {"name": "Groenwerk"},
            "sender": {"email": "koper@example.be", "get_full_name": "Koper"},
            "subject": "Offerte",
            "message": "Kunnen jullie ons terrein onderhouden?",
        },
        **extra,
    )


def test_a_notification_is_written_in_the_recipients_language(user):
    user.language = "fr"
    user.save()

    row = write_one(user)

    assert row.status == NotificationStatus.PENDING
    assert row.language == "fr"
    assert row.email == user.email
    assert "/fr/notifications/unsubscribe/" in row.body


def test_the_same_event_makes_one_notification(user):
    first = write_one(user)
    second = write_one(user)

    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_an_unknown_kind_is_a_programming_error(user):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        write_one(user, kind="gossip")


def test_a_kind_switched_off_writes_nothing(user):
    NotificationPreference.objects.create(user=user, kind="contact_message", frequency="off")

    assert write_one(user) is None
    assert not Notification.objects.exists()


def test_a_digest_kind_is_held(user):
    NotificationPreference.objects.create(user=user, kind="contact_message", frequency="daily")

    row = write_one(user)

    assert row.status == NotificationStatus.HELD


def test_delivery_is_enqueued_when_the_transaction_commits(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write_one(user)
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    row = Notification.objects.get()
    assert row.status == NotificationStatus.SENT
    assert row.sent_at is not None


def test_a_rolled_back_event_sends_nothing(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                write_one(user)
                raise RuntimeError("the event fails")
        except RuntimeError:
            pass

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_delivery_sends_over_smtp_with_one_click_unsubscribe_headers(user, smtp_sink):
    write_one(user)

    assert notifications.deliver() == (1, 0)

    message = smtp_sink.wait_for(1)[0]
    assert message["To"] == user.email
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert "/notifications/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(preferencelist=("html",)) is not None


def test_account_emails_carry_no_unsubscribe(smtp_sink):
    notifications.write(
        kind="account",
        key="account:1",
        email="a@example.be",
        language="nl",
        subject="Bevestig je adres",
        body="Klik hier.",
    )

    notifications.deliver()

    assert smtp_sink.wait_for(1)[0]["List-Unsubscribe"] is None


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_TIMEOUT = 2


def test_a_failure_is_retried_later_with_backoff(user, unreachable_smtp):
    write_one(user)

    assert notifications.deliver() == (0, 1)

    row = Notification.objects.get()
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # Not due yet: the next delivery leaves it alone.
    assert notifications.deliver() == (0, 0)


def test_after_the_last_attempt_the_row_is_failed(user, unreachable_smtp):
    row = write_one(user)
    Notification.objects.filter(pk=row.pk).update(attempts=notifications.MAX_ATTEMPTS - 1)

    notifications.deliver()

    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED


def test_a_failed_row_can_be_sent_again(user):
    row = write_one(user)
    Notification.objects.filter(pk=row.pk).update(status="failed", attempts=6)

    assert notifications.resend(Notification.objects.filter(pk=row.pk)) == 1
    notifications.deliver()

    row.refresh_from_db()
    assert (row.status, len(mail.outbox)) == (NotificationStatus.SENT, 1)


def test_a_claimed_row_is_not_claimed_twice(user):
    write_one(user)

    first = notifications.claim()
    second = notifications.claim()

    assert len(first) == 1
    assert second == []


def test_a_row_of_a_worker_that_died_between_claim_and_send_is_sent_by_the_sweep(user):
    write_one(user)
    claimed = notifications.claim()
    assert claimed  # ... and the worker dies here, before sending
    Notification.objects.update(claimed_at=timezone.now() - timedelta(minutes=11))

    assert notifications.sweep() == 1
    notifications.deliver()

    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == NotificationStatus.SENT


def test_the_sweep_leaves_a_recent_claim_alone(user):
    write_one(user)
    notifications.claim()

    assert notifications.sweep() == 0
    assert Notification.objects.get().status == NotificationStatus.SENDING


def test_held_rows_go_out_in_one_digest(user):
    NotificationPreference.objects.create(user=user, kind="contact_message", frequency="daily")
    write_one(user, key="event:1")
    write_one(user, key="event:2")

    assert notifications.send_digests(Frequency.DAILY) == 1
    assert notifications.send_digests(Frequency.DAILY) == 0
    notifications.deliver()

    assert len(mail.outbox) == 1
    assert "2" in mail.outbox[0].subject
    assert set(
        Notification.objects.filter(kind="contact_message").values_list("status", flat=True)
    ) == {NotificationStatus.DIGESTED}


def test_a_weekly_digest_leaves_daily_rows_alone(user):
    NotificationPreference.objects.create(user=user, kind="contact_message", frequency="daily")
    write_one(user)

    assert notifications.send_digests(Frequency.WEEKLY) == 0


# --- Unsubscribe and preferences ---------------------------------------------------------------


def test_one_click_unsubscribe_needs_no_login_and_switches_the_kind_off(client, user):
    url = notifications.unsubscribe_url(user, "contact_message").split("8000", 1)[-1]

    page = client.get(url)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert page.status_code == 200
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user, kind="contact_message").frequency == "off"
    assert write_one(user) is None


def test_a_forged_unsubscribe_token_changes_nothing(client, user):
    token = notifications.unsubscribe_token(user, "contact_message")

    response = client.post(f"/notifications/unsubscribe/{token[:-2]}xx/")

    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_account_email_cannot_be_unsubscribed(client, user):
    token = notifications.unsubscribe_token(user, "account")

    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404


def test_the_preferences_page_saves_a_choice_per_kind(client, user):
    client.force_login(user)
    data = dict.fromkeys(notifications.configurable_kinds(), "immediate")
    data["opportunity_match"] = "weekly"

    response = client.post("/notifications/", data)

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user, kind="opportunity_match").frequency == (
        "weekly"
    )


def test_the_preferences_page_refuses_an_unknown_frequency(client, user):
    client.force_login(user)
    data = dict.fromkeys(notifications.configurable_kinds(), "hourly")

    response = client.post("/notifications/", data)

    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_the_preferences_page_asks_an_anonymous_visitor_to_log_in(client):
    assert client.get("/notifications/").status_code == 302


# --- With a real worker on Redis ------------------------------------------------------------------


def eventually(check, timeout=15):
    """True once `check()` is, polling while another process finishes its work."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_outbox_over_smtp(celery_worker, smtp_sink):
    user = UserFactory(language="fr")

    with transaction.atomic():
        write_one(user)

    message = smtp_sink.wait_for(1)[0]
    assert message["To"] == user.email
    assert "Offerte" in message["Subject"]
    assert message["Subject"].startswith("Message")  # French, the recipient's language
    assert "/fr/notifications/unsubscribe/" in message["List-Unsubscribe"]
    # Sent by the worker process, not by this one; it marks the row right after sending.
    assert mail.outbox == []
    assert eventually(lambda: Notification.objects.get().status == NotificationStatus.SENT)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_event_succeeds_and_the_sweep_delivers_once(
    celery_worker, smtp_sink, settings
):
    from tests.conftest import broker_down, finished

    user = UserFactory()
    with broker_down(), transaction.atomic():
        row = write_one(user)
    assert Notification.objects.get(pk=row.pk).status == NotificationStatus.PENDING

    from portal.tasks import sweep_notifications

    finished(sweep_notifications.delay())
    finished(sweep_notifications.delay())

    assert len(smtp_sink.wait_for(1)) == 1
    assert eventually(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    assert len(smtp_sink.messages) == 1


@pytest.mark.parametrize("count", [2, 12])
def test_a_batch_costs_a_claim_and_one_mark_per_message(count, django_assert_num_queries):
    # The claim (a savepoint around select and update, then the rows read back with their
    # recipients: 5), then each message is marked sent on its own, so that a worker dying
    # mid-batch leaves only unsent rows to the sweep.
    for index in range(count):
        write_one(UserFactory(), key=f"event:{index}")
    mail.outbox.clear()

    with django_assert_num_queries(5 + count):
        assert notifications.deliver() == (count, 0)

    assert len(mail.outbox) == count
    assert all("List-Unsubscribe" in message.extra_headers for message in mail.outbox)
