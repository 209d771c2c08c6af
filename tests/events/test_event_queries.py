"""The catalogue runs the same number of SQL statements however many events there are."""

from datetime import timedelta

from participation.database import utcnow
from participation.extensions import db


def _statements(client, count_queries, path: str) -> int:
    client.get(path)  # warm up: anything done once per process is not counted
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def _add_events(make_event, make_action, make_topic, how_many: int) -> None:
    topics = [make_topic() for _ in range(3)]
    actions = [make_action() for _ in range(3)]
    for n in range(how_many):
        make_event(topic=topics[n % 3], actions=actions[: 1 + n % 3],
                   starts_at=utcnow() + timedelta(days=1 + n))
    db.session.commit()


def test_event_list_runs_as_many_queries_for_3_events_as_for_40(
    client, count_queries, make_event, make_action, make_topic
):
    _add_events(make_event, make_action, make_topic, 3)
    few = _statements(client, count_queries, "/events")
    filtered_few = _statements(client, count_queries, "/events?language=nl&page=1")
    _add_events(make_event, make_action, make_topic, 40)
    many = _statements(client, count_queries, "/events")
    page_two = _statements(client, count_queries, "/events?page=2")
    filtered_many = _statements(client, count_queries, "/events?language=nl&page=1")
    assert few == many == page_two
    assert filtered_few == filtered_many
    assert many <= 3


def test_event_page_runs_as_many_queries_with_one_action_as_with_many(
    client, count_queries, make_event, make_action
):
    one = make_event(actions=[make_action()])
    many = make_event(actions=[make_action() for _ in range(8)])
    db.session.commit()
    assert _statements(client, count_queries, f"/events/{one.slug}") == _statements(
        client, count_queries, f"/events/{many.slug}"
    )
    assert _statements(client, count_queries, f"/events/{many.slug}") <= 3


def test_action_page_runs_as_many_queries_with_2_events_as_with_30(
    client, count_queries, make_event, make_action
):
    action = make_action()
    for n in range(2):
        make_event(actions=[action], starts_at=utcnow() + timedelta(days=1 + n))
    db.session.commit()
    few = _statements(client, count_queries, f"/actions/{action.code}")
    for n in range(28):
        make_event(actions=[action], starts_at=utcnow() + timedelta(days=10 + n))
    db.session.commit()
    assert _statements(client, count_queries, f"/actions/{action.code}") == few
