# Two entry points for everyone: `make grade-sample` (the main job) and `make test`.
# Both build the virtual environment at .venv first, exactly the pinned requirements.lock.

# Debian's interpreter where there is one: every account can read it (the rootless box, the
# hub's users and the sandbox user run the environment's Python, not only root).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
READY := $(VENV)/.ready
# nbgrader shells out to alembic when it creates a gradebook: the venv's bin must be on PATH.
RUN := PATH="$(BIN):$$PATH" PYTHONDONTWRITEBYTECODE=1
# What the commands generate goes below build/, the course staff's alone (tensor_gears/private.py).
PRIVATE := $(RUN) $(BIN)/python -m tensor_gears.private

.PHONY: setup accounts private sandbox postgres browser proxy machines courses hub grade-sample test check release tidy benchmark student-lab

setup: $(READY) sandbox accounts private postgres browser proxy machines

# The course's local accounts (hub/accounts.sh): an instructor, a TA and three students, for
# `make hub` and its tests; then the hub's courses (hub/courses.json, hub/courses.py): each
# course's grader account grader-<course> and the Unix group of its students.
accounts: $(READY)
	@if [ "$$(id -u)" != 0 ]; then echo "not root: the course's test accounts cannot be created"; \
	else sh hub/accounts.sh && $(RUN) $(BIN)/python hub/courses.py accounts; fi

# The checkout's private folders (hub/private_folders.sh): the solutions, the hidden checks,
# the tests' correct answers and the history, for root and the course staff only; the hub's
# students run the environment from this checkout and must not read them.
private: accounts
	@if [ "$$(id -u)" != 0 ]; then echo "not root: the checkout's private folders keep their modes (make them 0750 for a hub)"; \
	else sh hub/private_folders.sh $(CURDIR); fi

# The box untrusted code runs in (tensor_gears/sandbox/box.py): bubblewrap and a user of its own.
sandbox:
	@if [ "$$(id -u)" != 0 ]; then command -v bwrap >/dev/null && echo "not root: student code runs in the rootless box" || \
		echo "not root and no bubblewrap: ask the administrator to install it (grading refuses without a box)"; \
	else command -v bwrap >/dev/null || { apt-get update -q && apt-get install -y -q bubblewrap; }; \
	id -u tensor-gears-sandbox >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tensor-gears-sandbox; fi

# The platforms the box is proven on (tests/vm.py, tests/test_platform_*.py): QEMU and Debian's
# kernel for virtual machines booted by virtme-ng (pinned in requirements.lock) on this machine's
# own files, busybox for their initramfs, and Podman with runc for a container with a runtime's
# default seccomp profile.
machines:
	@if [ "$$(id -u)" != 0 ]; then echo "not root: QEMU, the VM kernel and Podman cannot be installed, so the platform tests will fail"; \
	else dpkg -s qemu-system-x86 linux-image-amd64 busybox-static podman runc >/dev/null 2>&1 || { apt-get update -q && \
	apt-get install -y -q --no-install-recommends qemu-system-x86 linux-image-amd64 busybox-static podman runc; }; fi

# PostgreSQL for the gradebook tests (tests/postgres.py): Debian's server binaries, installed
# without the package's default cluster (the tests initdb and start a server of their own, on a
# free port), and the unprivileged user that server runs as (PostgreSQL refuses to run as root).
postgres:
	@if [ "$$(id -u)" != 0 ]; then echo "not root: PostgreSQL cannot be set up, so the PostgreSQL gradebook tests will fail"; \
	else ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	mkdir -p /etc/postgresql-common/createcluster.d && \
	echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/tensor-gears.conf && \
	apt-get update -q && apt-get install -y -q postgresql; }; \
	id -u tensor-gears-postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tensor-gears-postgres; fi

# Chromium for the browser test (tests/test_browser.py): Debian's package, which the pinned
# `playwright` drives through executable_path (Playwright's own browser downloads are not used).
browser:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" != 0 ]; then echo "not root: chromium cannot be installed, so the browser test will fail"; \
	else apt-get update -q && apt-get install -y -q chromium; fi

$(READY): pyproject.toml requirements.lock
	test "$$(readlink -f $(BIN)/python 2>/dev/null)" = "$$(readlink -f $$(command -v $(PYTHON)))" || \
		{ rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip freeze --exclude-editable | grep -vxF -f requirements.lock | cut -d= -f1 | \
		xargs -r $(BIN)/python -m pip uninstall --quiet --yes
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(READY)

# The main job needs only the environment and the box; the browser, PostgreSQL, the accounts
# and the hub's proxy are for the tests (`make test`) and `make hub`.
grade-sample: $(READY) sandbox
	$(RUN) $(BIN)/python -m tensor_gears.sample_class

test: setup
	$(BIN)/ruff check --quiet .
	$(RUN) $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=30

# The fast lane for a developer's loop: the linter and the unit tests (tests/unit/, named after the
# modules they test; no kernel, no box, no server), in seconds. `make test` runs them too.
check: $(READY)
	$(BIN)/ruff check --quiet .
	$(RUN) $(BIN)/python -m pytest -q tests/unit

release: $(READY)
	$(RUN) $(BIN)/python -m tensor_gears.release

tidy: $(READY)
	$(RUN) $(BIN)/python -m tensor_gears.tidy source/tensor_ops

# The benchmark's class size (benchmarks/autograde.py): 10 students take about 20 minutes on 2 cores.
BENCHMARK_STUDENTS ?= 10
benchmark: $(READY) sandbox
	$(RUN) $(BIN)/python benchmarks/autograde.py $(BENCHMARK_STUDENTS)

# The students' JupyterLab (student/: Validate, none of nbgrader's instructor or exchange
# extensions, code cells that wrap), on a copy of release/tensor_ops/ in $(STUDENT_WORK)
# (made once, then kept: it is the student's work).
STUDENT_WORK ?= build/student
student-lab: $(READY)
	test -d $(STUDENT_WORK)/tensor_ops || { $(PRIVATE) $(STUDENT_WORK) && cp -r release/tensor_ops $(STUDENT_WORK)/; }
	cd $(STUDENT_WORK) && JUPYTER_CONFIG_PATH=$(CURDIR)/student $(RUN) $(BIN)/jupyter lab \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

# ----------------------------------------------------------------------------- the hub
# `make hub`: the courses of hub/courses.json on a real JupyterHub on this machine
# (hub/jupyterhub_config.py), as root, in the foreground. Everything before the start is idempotent.
EXCHANGE ?= /srv/nbgrader/exchange
HUB_STATE ?= build/hub
HUB_PORT ?= 8000

# The proxy in front of the hub: configurable-http-proxy from npm, pinned in hub/package-lock.json.
proxy: hub/node_modules/.ready
hub/node_modules/.ready: hub/package.json hub/package-lock.json
	command -v npm >/dev/null || { apt-get update -q && apt-get install -y -q nodejs npm; }
	cd hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The administrator's set-up of the roster's courses (hub/courses.py): accounts and groups (as in
# `make setup`), nbgrader's exchange and each course's folders in it, each course folder and
# secret in its grader's home (made once, then kept: they hold the gradebook and submissions).
courses: accounts
	@test "$$(id -u)" = 0 || { echo "make courses runs as root (it makes accounts, groups and the exchange)"; exit 1; }
	$(RUN) $(BIN)/python hub/courses.py exchange $(EXCHANGE)
	$(RUN) $(BIN)/python hub/courses.py folders

hub: setup courses
	$(PRIVATE) $(dir $(HUB_STATE))
	@echo "JupyterHub: http://127.0.0.1:$(HUB_PORT)/  (log in as tg-instructor, tg-grader, tg-ada, tg-bo, tg-cy)"
	@echo "Passwords: /etc/tensor-gears/hub-passwords (root only, user:password lines)"
	@echo "Courses: hub/courses.json; each formgrader: Services > COURSE; exchange: $(EXCHANGE); hub state: $(HUB_STATE)/"
	TENSOR_GEARS_HUB_STATE=$(HUB_STATE) TENSOR_GEARS_HUB_PORT=$(HUB_PORT) TENSOR_GEARS_EXCHANGE=$(EXCHANGE) \
		$(RUN) $(BIN)/jupyterhub -f hub/jupyterhub_config.py
