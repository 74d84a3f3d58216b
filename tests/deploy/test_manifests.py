"""deploy/: the compose file and the Kubernetes manifests parse and say what production needs.

No Docker engine nor cluster is needed: the files are read as YAML and checked.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"


def load_documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s_objects() -> dict[tuple[str, str], dict]:
    objects = {}
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in load_documents(path):
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def test_yaml_files_pass_yamllint():
    result = subprocess.run(
        [sys.executable, "-m", "yamllint", "-c", str(DEPLOY / ".yamllint.yaml"), str(DEPLOY)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_every_manifest_parses_and_names_its_kind(path):
    documents = load_documents(path)
    assert documents
    for doc in documents:
        assert doc.get("apiVersion") and doc.get("kind")


def test_kustomization_lists_existing_files_but_not_the_migration_job():
    kustomization = load_documents(K8S / "kustomization.yaml")[0]
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    # The Job runs before the rollout, on its own (docs/deploy.md).
    assert "migrate-job.yaml" not in kustomization["resources"]


def test_compose_has_every_service_and_migrate_runs_first():
    compose = load_documents(DEPLOY / "docker-compose.yml")[0]
    services = compose["services"]
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis", "migrate"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "migrate_fast" in " ".join(services["migrate"]["command"])
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"][:5] == ["python", "-m", "celery", "-A", "platform.celery"]
    assert "beat" in services["beat"]["command"]


def test_compose_app_services_share_image_and_environment():
    compose = load_documents(DEPLOY / "docker-compose.yml")[0]
    for name in ("web", "worker", "beat", "migrate"):
        service = compose["services"][name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "DATABASE_URL" in service["environment"]
        assert "CELERY_BROKER_URL" in service["environment"]


def test_web_probes_hit_healthz():
    web = container(k8s_objects()[("Deployment", "qualireseau-web")])
    for probe in ("readinessProbe", "livenessProbe"):
        assert web[probe]["httpGet"]["path"] == "/healthz"
    assert web["command"][:3] == ["python", "-m", "gunicorn"]


def test_worker_probes_run_the_healthz_check_and_a_celery_ping():
    worker = container(k8s_objects()[("Deployment", "qualireseau-worker")])
    readiness = " ".join(worker["readinessProbe"]["exec"]["command"])
    assert "platform.health" in readiness and "healthz_response" in readiness
    assert "inspect ping" in " ".join(worker["livenessProbe"]["exec"]["command"])


def test_beat_is_a_single_replica_recreated():
    beat = k8s_objects()[("Deployment", "qualireseau-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"


def test_no_autoscaler_targets_beat_and_web_and_worker_have_one():
    targets = {
        doc["spec"]["scaleTargetRef"]["name"]: doc
        for (kind, _), doc in k8s_objects().items()
        if kind == "HorizontalPodAutoscaler"
    }
    assert set(targets) == {"qualireseau-web", "qualireseau-worker"}
    for hpa in targets.values():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def test_migration_job_runs_before_install_and_upgrade():
    job = k8s_objects()[("Job", "qualireseau-migrate")]
    hooks = job["metadata"]["annotations"]["helm.sh/hook"].split(",")
    assert {"pre-install", "pre-upgrade"} <= set(hooks)
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    command = " ".join(container(job)["command"])
    assert command.index("migrate_schemas --shared") < command.index("migrate_fast")


def test_app_pods_take_settings_from_configmap_and_secret_and_run_as_non_root():
    objects = k8s_objects()
    for name in ("qualireseau-web", "qualireseau-worker", "qualireseau-beat"):
        deployment = objects[("Deployment", name)]
        sources = container(deployment)["envFrom"]
        assert {"configMapRef": {"name": "qualireseau-config"}} in sources
        assert {"secretRef": {"name": "qualireseau-secrets"}} in sources
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_configmap_holds_no_secret():
    config = k8s_objects()[("ConfigMap", "qualireseau-config")]["data"]
    assert not {"SECRET_KEY", "DATABASE_URL", "EMAIL_HOST_PASSWORD", "SENTRY_DSN"} & set(config)


def test_service_and_ingress_route_to_the_web_pods():
    objects = k8s_objects()
    service = objects[("Service", "qualireseau-web")]
    web = objects[("Deployment", "qualireseau-web")]
    assert service["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]
    ingress = objects[("Ingress", "qualireseau")]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "qualireseau-web"


def test_purge_of_deleted_structures_is_scheduled_nightly_once_at_a_time():
    cronjob = yaml.safe_load((DEPLOY / "k8s" / "purge-cronjob.yaml").read_text())
    assert cronjob["kind"] == "CronJob"
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:3] == ["python", "manage.py", "purge_structures"]


def test_every_setting_read_from_the_environment_is_documented():
    """Each variable platform/settings.py reads is in docs/deploy.md's table, and the shared
    throttling cache is set wherever the application is deployed."""
    root = DEPLOY.parent
    settings_source = (root / "platform" / "settings.py").read_text()
    names = set(
        re.findall(
            r"(?:os\.environ\.get|os\.environ\[|env_bool|env_list)\(?\"([A-Z][A-Z0-9_]+)\"",
            settings_source,
        )
    )
    assert {"DATABASE_URL", "CACHE_URL", "JOB_MAX_ATTEMPTS"} <= names
    documented = (root / "docs" / "deploy.md").read_text()
    assert sorted(n for n in names if f"`{n}`" not in documented) == []
    compose = load_documents(DEPLOY / "docker-compose.yml")[0]
    assert compose["x-app"]["environment"]["CACHE_URL"].startswith("redis://")
    configmap = load_documents(K8S / "configmap.yaml")[0]
    assert configmap["data"]["CACHE_URL"].startswith("redis://")
    assert "CACHE_URL=redis://" in (DEPLOY / "env.example").read_text()
