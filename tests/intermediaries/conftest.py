from tests.campaign.conftest import living  # noqa: F401  (the demo centre with its cases, copied in)
from tests.cases.conftest import demo, on  # noqa: F401
