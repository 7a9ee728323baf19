# 发展党员全程纪实 — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help setup run test lint format bench messages

help:
	@echo "make run    set everything up, then run web + Celery worker + beat (Ctrl-C stops all)"
	@echo "make test   set everything up, then run the whole pytest suite (browser tests included)"
	@echo "make lint   ruff check + ruff format --check"
	@echo "make bench  python bench/run.py"

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

# Extra pytest arguments: make test ARGS="-k journey -x"; TEST_WORKERS=0 runs in one process.
# pytest-xdist spreads the tests over one process per core (each with its own test database).
TEST_WORKERS ?= auto
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/run.py

# After editing locale/zh_Hans/LC_MESSAGES/django.po (the compiled django.mo is committed).
messages: setup
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore .venv --ignore node_modules
