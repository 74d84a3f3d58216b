"""Every Celery queue the tasks are routed to is consumed by a worker, in development
(`make worker`), with docker compose and on Kubernetes; the long jobs have their own."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.conf import settings

from tests.deploy.test_manifests import container, k8s_objects

ROOT = Path(__file__).resolve().parents[2]


def _queues(command: list[str]) -> set[str]:
    if "-Q" not in command:
        return {"celery"}
    return set(command[command.index("-Q") + 1].split(","))


def routed_queues() -> set[str]:
    return {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {
        settings.CELERY_TASK_DEFAULT_QUEUE
    }


def test_routes_put_long_jobs_and_emails_on_their_own_queues():
    routes = settings.CELERY_TASK_ROUTES
    assert routes["tenants.tasks.run_structure_import_task"]["queue"] == "jobs"
    assert routes["core.tasks.deliver_outbox_message"]["queue"] == "emails"
    assert routed_queues() == {"jobs", "emails", "celery"}


def test_make_worker_consumes_every_queue_and_runs_beat():
    makefile = (ROOT / "Makefile").read_text()
    command = re.search(r"^worker:.*\n\t(.+)$", makefile, re.M).group(1).split()
    assert _queues(command) == routed_queues() and "-B" in command


def test_compose_and_kubernetes_workers_consume_every_queue_jobs_apart():
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())["services"]
    workers = [s["command"] for s in compose.values() if "worker" in s.get("command", [])]
    consumed = [_queues(command) for command in workers]
    assert set().union(*consumed) == routed_queues()
    assert {"jobs"} in consumed  # the long jobs have a worker of their own
    deployments = [
        container(obj)["command"]
        for (kind, _name), obj in k8s_objects().items()
        if kind == "Deployment" and "worker" in container(obj)["command"]
    ]
    consumed = [_queues(command) for command in deployments]
    assert set().union(*consumed) == routed_queues() and {"jobs"} in consumed
