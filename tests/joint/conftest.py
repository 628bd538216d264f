from tests.cases.conftest import demo, media, on  # noqa: F401  (the demo centre, uploads, the time machine)
