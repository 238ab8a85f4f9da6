# The README's commands. `make demo` sets up and runs the main job; `make test` sets up and
# runs the whole test suite (what CI runs).
PY := .venv/bin/python

.PHONY: setup demo test lint bench smoke frozen wheels mutants fuzz

setup:
	bash scripts/setup-env

demo: setup
	$(PY) -m levitor_studio resources/examples/coffee/coffee.levitor

test: setup
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) -m pytest -q -p no:cacheprovider -p no:xvfb
	$(PY) -m ruff check levitor_studio plugins tests bench
	$(PY) -m mypy levitor_studio/model levitor_studio/engine
	$(PY) -c "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())" --no-cache

# `make fuzz`: 10,000 seeded mutants of projects, tracks files, images and signal files (2,500
# each); every one must load or be refused with the project's own error (issue 13). The test
# suite runs 200 of them.
fuzz: setup
	LEVITOR_FUZZ_MUTANTS=10000 $(PY) -m pytest -q -s -p no:cacheprovider -p no:xvfb tests/hostile/test_fuzz.py

bench: setup
	$(PY) -m bench

# `make mutants`: apply each mutant listed in scripts/mutants.py to a copy and check its tests fail
mutants: setup
	$(PY) scripts/mutants.py --markdown

# Packaging (packaging/README.md). `make wheels`: the app and plugin wheels in dist/, checked for
# their packages, resources and entry points (build/lib is cleared: setuptools reuses it and would
# ship deleted modules).
wheels: setup
	rm -rf build/lib build/bdist.* plugins/*/build
	$(PY) -m pip wheel -q --no-deps --no-build-isolation --no-index -w dist/ . plugins/*/
	$(PY) packaging/check_wheels.py dist/

# `make frozen`: the one-folder Linux app in dist/levitor-studio/ (base app, no model stacks).
frozen: setup
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/levitor-studio-linux.spec

# `make smoke`: build the frozen app, then start it on the bundled example (needs xvfb-run).
smoke: frozen
	PY=$(PY) bash packaging/smoke_test.sh
