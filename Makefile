# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test setup lint

run:
	scripts/run.sh

test: setup
	.venv/bin/pytest $(PYTEST_ARGS)

setup:
	scripts/setup.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
