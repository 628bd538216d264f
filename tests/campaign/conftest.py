from tests.cases.conftest import demo, on  # noqa: F401  (the demo centre and the time machine)
