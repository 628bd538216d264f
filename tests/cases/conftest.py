import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from shenpi.catalog.models import Item

SH = ZoneInfo("Asia/Shanghai")
PERSON_ID = "11010519491231002X"  # a valid resident ID (check character X)
ORG_ID = "91350100M000100Y43"


@pytest.fixture
def demo(db):
    call_command("demo-data", stdout=io.StringIO())


def user(name):
    return get_user_model().objects.get(username=name)


def item(name):
    return Item.objects.get(versions__status="published", versions__name=name)


@pytest.fixture
def on():
    """Travel to a day (Asia/Shanghai, 10:00) for the rest of the test: on(2026, 3, 2)."""
    travellers = []

    def go(y, m, d, h=10):
        if travellers:
            travellers.pop().stop()
        t = time_machine.travel(datetime(y, m, d, h, tzinfo=SH), tick=True)
        t.start()
        travellers.append(t)
    yield go
    for t in travellers:
        t.stop()


def applicant(**over):
    data = {"applicant_type": "person", "applicant_name": "张三", "applicant_id": PERSON_ID,
            "applicant_phone": "13800138000"}
    data.update(over)
    return data


def second_reviewer():
    """Another reviewer of the demo's housing department, to hand a step to."""
    from shenpi.org import services as org
    from shenpi.org.roles import Role
    me = user("reviewer").staff
    return org.save_staff(actor=user("admin"), username="reviewer2", password="x-Secret-9", name="孙悦",
                          roles=[Role.REVIEWER], department=me.department, window=None, employment="permanent",
                          position="officer").user


def complete(name) -> list[str]:
    """The required materials of a demo item: what a complete application hands in."""
    from shenpi.catalog.models import Material
    return list(Material.objects.filter(version__item=item(name), version__status="published",
                                        requirement="required").order_by("order").values_list("name", flat=True))


def window_case():
    """A construction permit (承诺件) received at the demo centre's window by its clerk, with
    every required material handed in on paper."""
    from shenpi.cases import services
    name = "建筑工程施工许可证核发"
    return services.submit(actor=user("clerk"), item=item(name), channel="window", paper_materials=complete(name),
                           **applicant())


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a fresh folder for the test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
