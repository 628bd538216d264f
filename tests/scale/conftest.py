from tests.cases.conftest import on  # noqa: F401  (the time machine)
