"""The signed-in person and their session, read by hand (org/store.py, core/sessions.py), give
what the ORM and Django's own session engine give on the same data: on SQLite and on PostgreSQL
(CI runs both). A session's request reads the session and the person in two statements."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shenpi.core.sessions import SessionStore
from shenpi.org import store
from shenpi.org.accounts import AccountBackend
from shenpi.org.models import Window
from shenpi.org.roles import Role, roles_of


def values(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.fixture
def people(make_staff, centre, dept):
    window = Window.objects.create(centre=centre, number="A1", name="一号窗口", department=dept)
    at_window = make_staff("clerk1", [Role.WINDOW_CLERK, Role.HANDLER], window=window).user
    no_window = make_staff("rev1", [Role.REVIEWER]).user
    applicant = get_user_model().objects.create_user(username="13800000001", password="x-Secret-9")
    return at_window, no_window, applicant


def test_the_person_reads_as_the_orm_reads_them(people, admin_user):
    for person in (*people, admin_user):
        orm = store.signed_in_queryset(person.pk).get()
        hand = store.signed_in(person.pk)
        assert values(hand) == values(orm)
        assert roles_of(hand) == set(store.roles_queryset(person.pk))
        orm_staff = getattr(orm, "staff", None)
        with CaptureQueriesContext(connection) as q:  # staff and window came with the person
            hand_staff = getattr(hand, "staff", None)
            hand_window = hand_staff.window if hand_staff else None
            hand_centre = hand_window.centre if hand_window else None
        assert q.captured_queries == []
        assert (hand_staff and values(hand_staff)) == (orm_staff and values(orm_staff))
        orm_window = orm_staff.window if orm_staff else None
        assert (hand_window and values(hand_window)) == (orm_window and values(orm_window))
        assert (hand_centre and values(hand_centre)) == (orm_window and values(orm_window.centre))
        assert hand_staff is None or hand_staff.user is hand
    assert roles_of(store.signed_in(people[0].pk)) == {"window_clerk", "handler"}
    assert store.signed_in(people[1].pk).staff.window is None
    assert store.signed_in(people[0].pk).staff.window.centre.name == "测试政务服务中心"


def test_an_unknown_or_inactive_person_is_nobody(people):
    assert store.signed_in(10 ** 9) is None
    applicant = people[2]
    applicant.is_active = False
    applicant.save()
    assert AccountBackend().get_user(applicant.pk) is None
    assert AccountBackend().get_user("not a number") is None
    assert AccountBackend().get_user(people[0].pk).username == "clerk1"


def test_a_signed_in_page_reads_the_session_and_the_person_once(people):
    client = Client()
    client.force_login(people[0])
    with CaptureQueriesContext(connection) as q:
        assert client.get("/staff/").status_code == 200
    sql = [x["sql"] for x in q.captured_queries]
    assert sum("django_session" in s for s in sql) == 1
    assert sum("auth_user_groups" in s for s in sql) == 1  # the roles came with the person
    assert sum('FROM "org_staff"' in s or "FROM org_staff" in s for s in sql) == 0


def test_the_session_reads_as_django_reads_it(people):
    client = Client()
    client.force_login(people[0])
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load() == DjangoStore(key).load()
    assert SessionStore(key).load()["_auth_user_id"] == str(people[0].pk)


def test_an_expired_unknown_or_damaged_session_is_empty_and_forgotten(people):
    client = Client()
    client.force_login(people[0])
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timezone.timedelta(days=1),
                                                   session_data="not a signed value")
    assert SessionStore(key).load() == {}
    # And a page asked with any of them is a visitor's, not an error.
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize("cookie", ['sessionid="abc\\000defghijklmnop"', "sessionid=" + "x" * 5000,
                                    'sessionid="\\377\\376abcdefghij"', "sessionid=ABCDEFGH12345678"])
def test_a_session_cookie_of_any_shape_is_no_session_not_an_error(db, cookie):
    client = Client(HTTP_COOKIE=cookie)
    for page, status in (("/", 200), ("/staff/", 302), ("/my/", 302), ("/api/v1/cases/", 401)):
        assert client.get(page).status_code == status, (cookie, page)


def test_an_api_token_s_caller_comes_with_staff_window_and_roles(people):
    from knox.models import AuthToken
    _instance, token = AuthToken.objects.create(people[0])
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as q:
        assert client.get("/api/v1/cases/").status_code == 200
    sql = [x["sql"] for x in q.captured_queries]
    assert sum('"auth_user_groups"' in s for s in sql) == 1, sql
    assert not any(s.startswith('SELECT "org_staff"') or s.startswith('SELECT "org_window"') for s in sql), sql
    assert sum('"knox_authtoken"' in s for s in sql) == 1, sql  # the token and its owner, together
    assert Client(HTTP_AUTHORIZATION=f"Token {token[:-1]}x").get("/api/v1/cases/").status_code == 401


def test_the_tokens_of_a_key_read_as_the_orm_reads_them(people):
    from knox.models import AuthToken
    for person in people:
        instance, _token = AuthToken.objects.create(person)
        [hand] = store.tokens_with_key(instance.token_key)
        orm = AuthToken.objects.select_related("user").get(token_key=instance.token_key)
        assert values(hand) == values(orm) and values(hand.user) == values(orm.user)
        assert roles_of(hand.user) == set(store.roles_queryset(person.pk))
        orm_staff = getattr(store.signed_in_queryset(person.pk).get(), "staff", None)
        with CaptureQueriesContext(connection) as q:
            hand_staff = getattr(hand.user, "staff", None)
        assert q.captured_queries == [] and (hand_staff and values(hand_staff)) == (orm_staff and values(orm_staff))
    assert store.tokens_with_key("0" * 15) == []


def test_an_expired_or_malformed_token_is_refused_and_nothing_breaks(people):
    from knox.models import AuthToken
    instance, token = AuthToken.objects.create(people[0])
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timezone.timedelta(seconds=1))
    assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/cases/").status_code == 401
    assert AuthToken.objects.filter(pk=instance.pk).exists()  # left to the periodic sweep (org.tasks)
    from shenpi.org.tasks import purge_expired_tokens
    purge_expired_tokens()
    assert not AuthToken.objects.filter(pk=instance.pk).exists()
    for odd in ("Token abc\x00def0123456789", "Token " + "g" * 64, "Token " + "0" * 500, "Token \u00e5\u0090\u008d"):
        r = Client(HTTP_AUTHORIZATION=odd).get("/api/v1/cases/")
        assert r.status_code == 401 and r.json()["detail"] == "令牌无效。", odd  # in the centre's language


def test_the_api_description_names_the_token_scheme(db):
    client = Client()
    schema = client.get("/api/schema/").content.decode()
    assert "knoxApiToken" in schema
