# Shenpi: `make run` starts the demo centre, `make test` runs the tests. Both set themselves up.
# The distribution's Python 3.11 where it has one that can make a virtual environment: Debian
# and Ubuntu build theirs with profile-guided optimisation and LTO, faster than a plain source
# build such as pyenv's (docs/deploy.md, The interpreter).
PYTHON ?= $(shell for p in /usr/bin/python3.11 python3.11; do $$p -c 'import ensurepip, venv' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PO := shenpi/locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint messages schema clean

$(BIN)/python:
	@[ -n "$(PYTHON)" ] && command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 with venv is needed (python3.11 not found or without ensurepip; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The Chinese catalogue is compiled from its one source, django.po (polib: no GNU gettext needed).
$(MO): $(PO) $(STAMP)
	$(BIN)/python -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $(PO) $(MO)

run: $(STAMP) $(MO)
	$(BIN)/shenpi migrate --noinput -v0
	$(BIN)/shenpi demo-data --cases
	@echo ""
	@echo "Shenpi is starting on http://$(HOST):$(PORT)/ under gunicorn  (staff login: /staff/login/, API: /api/docs/, admin: /admin/)"
	@echo "The worker (deemed acceptance and other sweeps) runs beside it. Ctrl-C stops both."
	@echo "Messages to applicants are written to var/sms.log (set SHENPI_SMS_SENDER for a real gateway)."
	@export SHENPI_SMS_SENDER=$${SHENPI_SMS_SENDER:-shenpi.cases.sms.write_to_file}; \
	 exec $(BIN)/shenpi serve --bind $(HOST):$(PORT)

test: $(STAMP) $(MO)
	@if [ -x /usr/bin/chromium ]; then echo "Browser tests: using /usr/bin/chromium"; \
	 else echo "!!!!!!!! /usr/bin/chromium NOT FOUND: browser tests (tests/e2e) WILL BE SKIPPED !!!!!!!!"; \
	      echo "!!!!!!!! install Debian's chromium (apt-get install chromium fonts-noto-cjk) to run them !!!!!!!!"; fi
	$(BIN)/pytest -n $${PYTEST_PROCESSES:-auto} $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check shenpi tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

messages: $(STAMP)
	cd shenpi && ../$(BIN)/shenpi makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/python -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $(PO) $(MO)
	@$(BIN)/python -c 'import sys, polib; left = [e.msgid for e in polib.pofile(sys.argv[1]) if not e.translated()]; 	 [print("untranslated:", repr(m)) for m in left]; sys.exit(1 if left else 0)' $(PO)

schema: $(STAMP)
	$(BIN)/shenpi spectacular --validate --fail-on-warn --file var/schema.yaml

clean:
	rm -rf $(VENV) var/shenpi.sqlite3* var/static
