# The README's commands. `make demo` sets up and runs the main job; `make test` sets up and
# runs the whole test suite (what CI runs).
PY := .venv/bin/python

.PHONY: setup demo test lint bench smoke frozen wheels

setup:
	bash scripts/setup-env

demo: setup
	$(PY) -m levitor_studio resources/examples/coffee/coffee.levitor

test: setup
	xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) -m pytest -q -p no:cacheprovider -p no:xvfb
	$(PY) -m ruff check levitor_studio plugins tests bench
	$(PY) -m mypy levitor_studio/model levitor_studio/engine
	$(PY) -c "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())" --no-cache

bench: setup
	$(PY) -m bench
