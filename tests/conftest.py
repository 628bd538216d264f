import copy

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from rest_framework.test import APIClient

from shenpi.catalog import services as catalog
from shenpi.demo.centre import credit_code
from shenpi.org import services as org
from shenpi.org.roles import Role


def db_dump() -> str:
    """Every row Shenpi owns, serialised: equal dumps mean the database did not change."""
    parts = []
    for label in ("org", "catalog", "audit", "auth", "knox"):
        for model in apps.get_app_config(label).get_models():
            parts.append(serializers.serialize("json", model.objects.order_by("pk")))
    return "\n".join(parts)


@pytest.fixture
def unchanged(db):
    """Use as `with unchanged(): ...` around a request that must write nothing."""
    class Guard:
        def __call__(self):
            return self

        def __enter__(self):
            self.before = db_dump()
            return self

        def __exit__(self, *exc):
            if exc[0] is None:
                assert db_dump() == self.before, "the database changed"
            return False

    return Guard()


@pytest.fixture
def admin_user(db):
    User = get_user_model()
    return User.objects.create_superuser(username="root", password="x-Secret-9")


@pytest.fixture
def centre(admin_user):
    return org.save_centre(actor=admin_user, name="测试政务服务中心", code="t")


@pytest.fixture
def dept(admin_user, centre):
    return org.save_department(actor=admin_user, name="测试住建局", short_name="住建", credit_code=credit_code(1), centre=centre)


@pytest.fixture
def dept2(admin_user, centre):
    return org.save_department(actor=admin_user, name="测试消防支队", short_name="消防", credit_code=credit_code(2), centre=centre)


@pytest.fixture
def make_staff(admin_user, dept):
    def make(username, roles, **fields):
        fields.setdefault("name", username)
        fields.setdefault("department", dept)
        fields.setdefault("window", None)
        fields.setdefault("employment", "permanent")
        fields.setdefault("position", "officer")
        return org.save_staff(actor=admin_user, username=username, password="x-Secret-9", roles=roles, **fields)
    return make


@pytest.fixture
def centre_admin(make_staff):
    return make_staff("cadmin", [Role.CENTRE_ADMIN], department=None).user


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def admin_api(centre_admin):
    return api(centre_admin)


def content(centre, dept, **over):
    """A valid 一审一核件 content; tests change what they test."""
    base = {
        "name": "建筑工程施工许可证核发", "item_type": "01", "level": "3", "subject_nature": "1",
        "service_objects": ["2"], "category": "review_approve", "legal_basis": "《中华人民共和国建筑法》第七条",
        "conditions": "", "statutory_limit": 15, "promised_limit": 5, "handling_forms": ["1", "2"], "visits": 1,
        "centre": centre, "location": "三号窗口", "hotline": "", "change_note": "",
        "materials": [{"name": "申请表", "originals": 1, "copies": 0, "requirement": "required", "condition": "", "note": ""}],
        "fees": [],
        "stages": [
            {"name": "受理", "steps": [{"name": "窗口受理", "role": Role.WINDOW_CLERK, "department": dept, "budget": 0}]},
            {"name": "审查", "steps": [{"name": "审核", "role": Role.REVIEWER, "department": dept, "budget": 3}]},
            {"name": "决定", "steps": [{"name": "核准", "role": Role.APPROVER, "department": dept, "budget": 2}]},
        ],
    }
    base.update(over)
    return base


def as_json(c: dict) -> dict:
    """The same content as an API body (ids instead of objects)."""
    out = copy.deepcopy({k: v for k, v in c.items() if k not in ("centre", "stages")})
    out["centre"] = c["centre"].pk
    out["stages"] = [{"name": st["name"], "steps": [{**s, "department": s["department"].pk} for s in st["steps"]]}
                     for st in c["stages"]]
    return out


@pytest.fixture
def published_item(admin_user, centre, dept):
    item = catalog.create_item(actor=admin_user, basic_code="000106001", implementation_code="T000106001",
                               department=dept, content=content(centre, dept))
    catalog.publish(actor=admin_user, item=item)
    return item


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Argon2 is right for people and slow for a test suite that creates many accounts."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def own_media_root(tmp_path_factory):
    """Each test process keeps uploads in a folder of its own (a test may still name another).
    Two xdist workers loading the demo's cases into one shared folder at the same time each saw
    the other's files appear during its load, kept them in its snapshot of the load
    (tests/demo_snapshot.py) and later wrote them beside rows that do not name them: the backup
    test's media check then failed, now and then, on files with no row."""
    from django.test import override_settings
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture
def audit_flushable(django_db_blocker):
    """For transactional tests on SQLite: let Django empty the append-only audit table when the
    test ends (the guard table is outside Django's models, so the flush leaves it alone)."""
    yield
    from django.db import connection
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock(), connection.cursor() as cur:
            cur.execute("UPDATE audit_guard SET enabled = 0")


@pytest.fixture(autouse=True, scope="session")
def counters_in_this_process():
    """The tests' cache is this process's memory: parallel test processes (pytest-xdist) must
    not clear each other's cached results. (The guards' counters are in the database, core.throttle.)"""
    from django.test import override_settings
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def fresh_counters():
    """The cache is shared by every test in the run: each test starts with it empty."""
    from django.core.cache import cache
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def fresh_flow_cache():
    """Published flows are cached per version id in each process; tests roll back and reuse ids."""
    from shenpi.catalog.selectors import forget_published
    forget_published()
    yield


@pytest.fixture
def seeded(transactional_db):
    """What the migrations seed (role groups, the calendar, the audit chain's head), put back for a
    transactional test: an earlier one's flush empties every table."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from shenpi.workdays.models import CalendarDay
    importlib.import_module("shenpi.org.migrations.0002_role_groups").create_groups(apps, None)
    importlib.import_module("shenpi.audit.migrations.0002_head").create_head(apps, None)
    if not CalendarDay.objects.exists():
        importlib.import_module("shenpi.workdays.migrations.0002_seed_calendar").seed(apps, None)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_guard SET enabled = 1")


@pytest.fixture(autouse=True, scope="session")
def _demo_once_per_process():
    """`shenpi demo-data` loads the demo catalog once per process, then copies it in (see
    tests/demo_snapshot.py), and `--cases` its living cases once per process and day;
    SHENPI_TEST_REAL_DEMO=1 turns that off."""
    import os

    from shenpi.demo import centre
    from tests.demo_snapshot import cached

    if os.environ.get("SHENPI_TEST_REAL_DEMO") == "1":
        yield
        return
    real, real_cases = centre.load, centre.load_cases
    centre.load, centre.load_cases = cached(real), cached(real_cases, "load_cases")
    yield
    centre.load, centre.load_cases = real, real_cases
