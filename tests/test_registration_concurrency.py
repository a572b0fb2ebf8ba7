"""Two people taking the last place at the same moment: one gets it, the other the waiting
list, on SQLite and on PostgreSQL (the event row is locked while places are counted)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bilat.coordination.events.models import Status
from bilat.coordination.events.operations import register

from factories import make_event, make_person

pytestmark = [pytest.mark.coordination]


@pytest.mark.django_db(transaction=True)
def test_the_last_place_goes_to_one_person_only():
    event = make_event(capacity=1)
    people = [make_person() for _ in range(4)]
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def take(person: object) -> None:
        try:
            start.wait()
            register(None, event, person, source="test")  # type: ignore[arg-type]
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    statuses = sorted(event.registrations.values_list("status", flat=True))
    assert statuses == [Status.CONFIRMED] + [Status.WAITING] * 3
