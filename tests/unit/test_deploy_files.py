"""The deployment files (deploy/) keep what an operator relies on and the validators in
`make deploy-check` cannot see: every process checked for health, two replicas of each process
that scales, every secret a process needs handed to it by reference and never written down,
resources asked for, only the public ports public."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import SecretStr

from common.settings import (
    AccountServiceSettings,
    ActionServerSettings,
    AnalyticsSettings,
    ProcessSettings,
    RasaServerSettings,
    WebSettings,
)
from scripts.demo_secrets import SECRETS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"

# Each process by the module its command runs, with its settings and the URLs of the managed
# services it uses (these hold passwords, so they are secrets too).
PROCESSES: dict[str, tuple[type[ProcessSettings], tuple[str, ...]]] = {
    "rasa_server": (RasaServerSettings, ("TRACKER_DB_URL", "REDIS_URL", "RABBITMQ_URL")),
    "actions.server": (ActionServerSettings, ()),
    "account_service": (AccountServiceSettings, ("ACCOUNT_DB_URL",)),
    "web.server": (WebSettings, ("ANALYTICS_DB_URL",)),
    "analytics": (AnalyticsSettings, ("ANALYTICS_DB_URL", "RABBITMQ_URL")),
}
SCALED = ("rasa_server", "actions.server", "account_service")
# Exactly one: two consumers would split the event queue (and one conversation's events).
SINGLE = ("analytics",)
# The agent console on: the website's secrets as production needs them.
CONSOLE_ON = {"demo_mode": "0", "agent_users": "set"}


def required_secrets(module: str) -> set[str]:
    settings, urls = PROCESSES[module]
    return {settings.env_name(field) for field in settings.needed_secrets(CONSOLE_ON)} | set(urls)


def secret_names() -> set[str]:
    """Every variable that holds a secret in some process."""
    names = {url for _, urls in PROCESSES.values() for url in urls} | set(SECRETS)
    for settings, _ in PROCESSES.values():
        names |= {
            settings.env_name(f) for f, field in settings.__fields__.items() if field.type_ is SecretStr
        }
    return names


def module_of(command: list[str]) -> str:
    assert command[:2] == ["python", "-m"], command
    return command[2]


# --- docker-compose --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def app_services(compose: dict) -> dict[str, tuple[str, dict]]:
    return {
        name: (module_of(service["command"]), service)
        for name, service in compose["services"].items()
        if service.get("image", "").startswith("card-support-assistant")
    }


REFERENCE = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+)(?P<how>:\?|:-)[^}]*\}$")


def test_every_compose_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def haproxy_backends(text: str) -> dict[str, set[str]]:
    """Each backend of haproxy.cfg and the hosts of its servers."""
    backends: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        words = line.split()
        if words[:1] in (["backend"], ["frontend"], ["defaults"], ["global"], ["resolvers"]):
            current = words[1] if words[0] == "backend" else None
            if current:
                backends[current] = set()
        elif current and words[:1] == ["server"]:
            backends[current].add(words[2].rpartition(":")[0])
    return backends


def test_compose_runs_two_replicas_of_the_scaled_processes_each_behind_haproxy(compose):
    haproxy = (DEPLOY / "haproxy.cfg").read_text()
    backends = haproxy_backends(haproxy)
    services = app_services(compose)
    for module in SCALED:
        replicas = {name for name, (runs, _) in services.items() if runs == module}
        assert len(replicas) >= 2, f"{module}: {replicas}"
        # Every backend that sends to this process sends to each of its replicas.
        serving = {name: hosts for name, hosts in backends.items() if hosts & replicas}
        assert serving, f"no HAProxy backend for {module}"
        for name, hosts in serving.items():
            assert hosts == replicas, f"backend {name}: {sorted(hosts)}, replicas {sorted(replicas)}"
    # HAProxy health-checks every server it sends to.
    assert re.search(r"^\s+default-server .*\bcheck\b", haproxy, re.M)
    assert haproxy.count("option httpchk") == len(backends)


def test_haproxy_logs_no_path():
    """A statement link's path is its signed token: HAProxy's log line leaves paths out."""
    haproxy = (DEPLOY / "haproxy.cfg").read_text()
    assert "option httplog" not in haproxy
    (log_format,) = re.findall(r"^\s+log-format (.*)$", haproxy, re.M)
    assert not re.search(r"%\{[^}]*\}?(r|HU|HP|HQ)\b|%(r|HU|HP|HQ)\b", log_format), log_format


def test_compose_hands_each_process_its_secrets_by_reference(compose):
    for name, (module, service) in app_services(compose).items():
        environment = service["environment"]
        for secret in required_secrets(module):
            assert secret in environment, f"{name} lacks {secret}"
            value = str(environment[secret])
            # A required secret stops docker-compose when missing; a URL carries its password so.
            assert value.startswith(f"${{{secret}:?") or re.search(r":\$\{[A-Z_]+:\?[^}]*\}@", value), (
                f"{name}: {secret} is not a required reference"
            )


def test_compose_writes_no_secret_down(compose):
    secrets = secret_names()
    for name, service in compose["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            text = str(value)
            match = REFERENCE.match(text)
            if variable in secrets and "://" not in text:
                assert match and match["name"] == variable, f"{name}: {variable} is not ${{{variable}…}}"
            if variable.endswith(("_PASSWORD", "_PASS")):
                assert match, f"{name}: {variable} is literal"
            if "://" in text and "@" in text:
                # (Not urlsplit: the "?" of a reference would start its query.)
                password = text.partition("://")[2].rpartition("@")[0].partition(":")[2]
                assert REFERENCE.match(password), f"{name}: {variable} has a literal password"


def test_every_secret_of_the_project_is_passed_somewhere(compose):
    text = (DEPLOY / "docker-compose.yml").read_text()
    for secret in SECRETS:
        assert f"${{{secret}:" in text, secret


def test_only_the_website_and_the_rasa_server_are_public(compose):
    published = {
        name: service["ports"] for name, service in compose["services"].items() if "ports" in service
    }
    assert list(published) == ["haproxy"]
    assert sorted(str(port).split(":")[0] for port in published["haproxy"]) == ["5005", "8080"]
    for name, service in compose["services"].items():
        assert "expose" not in service and "network_mode" not in service, name


def test_compose_runs_one_analytics_consumer(compose):
    for module in SINGLE:
        running = [name for name, (runs, _) in app_services(compose).items() if runs == module]
        assert len(running) == 1, f"{module}: {running}"


def test_redis_never_evicts_locks(compose):
    assert "--maxmemory-policy noeviction" in " ".join(compose["services"]["redis"]["command"])


# --- Kubernetes ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def manifests() -> list[dict]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


def containers(manifests: list[dict]) -> list[tuple[str, int, dict]]:
    return [
        (deployment["metadata"]["name"], deployment["spec"]["replicas"], container)
        for deployment in manifests
        if deployment["kind"] == "Deployment"
        for container in deployment["spec"]["template"]["spec"]["containers"]
    ]


def test_kustomization_lists_every_manifest_and_each_is_a_known_kind(manifests):
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    # kubernetes-validate only warns about a kind it does not know (a misspelt one).
    known = {"Namespace", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "Ingress"}
    assert {doc["kind"] for doc in manifests} <= known


def test_every_process_runs_with_probes_and_resources(manifests):
    modules = set()
    for name, replicas, container in containers(manifests):
        modules.add(module_of(container["command"]))
        for probe in ("readinessProbe", "livenessProbe"):
            assert container.get(probe, {}).get("httpGet", {}).get("path"), f"{name}: no {probe}"
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container.get("resources", {}).get(kind, {})), f"{name}: {kind}"
        if module_of(container["command"]) in SCALED:
            assert replicas >= 2, f"{name} has {replicas} replica(s)"
        if module_of(container["command"]) in SINGLE:
            assert replicas == 1, f"{name} has {replicas} replicas"
    assert modules == set(PROCESSES)


def test_the_analytics_consumer_is_replaced_not_rolled(manifests):
    """A rolling update would run the old and the new consumer side by side for a while."""
    for deployment in (doc for doc in manifests if doc["kind"] == "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        if module_of(container["command"]) in SINGLE:
            assert deployment["spec"]["strategy"]["type"] == "Recreate", deployment["metadata"]["name"]


def test_rasa_asks_for_the_memory_its_model_needs(manifests):
    (rasa,) = [c for _, _, c in containers(manifests) if module_of(c["command"]) == "rasa_server"]
    request = rasa["resources"]["requests"]["memory"]
    assert request.endswith(("Mi", "Gi"))
    mebibytes = int(request[:-2]) * (1024 if request.endswith("Gi") else 1)
    assert mebibytes >= 1536, request


def test_kubernetes_hands_each_process_its_secrets_from_the_secret(manifests):
    for name, _, container in containers(manifests):
        env = {entry["name"]: entry for entry in container.get("env", [])}
        for secret in required_secrets(module_of(container["command"])):
            reference = env.get(secret, {}).get("valueFrom", {}).get("secretKeyRef", {})
            assert reference.get("key") == secret, f"{name} lacks {secret} from the Secret"
            assert not reference.get("optional"), f"{name}: {secret} is required"


def test_kubernetes_writes_no_secret_down(manifests):
    secrets = secret_names()
    assert "Secret" not in {doc["kind"] for doc in manifests}, "the Secret is made by kubectl, not committed"
    for name, _, container in containers(manifests):
        for entry in container.get("env", []):
            if entry["name"] in secrets:
                assert "value" not in entry and "secretKeyRef" in entry["valueFrom"], (
                    f"{name}: {entry['name']}"
                )
    for config_map in (doc for doc in manifests if doc["kind"] == "ConfigMap"):
        for key, value in config_map["data"].items():
            assert key not in secrets, f"{key} belongs in the Secret"
            assert "@" not in urlsplit(value).netloc, f"{key} holds credentials"


def test_rasa_endpoints_choose_the_shared_stores_by_environment():
    endpoints = yaml.safe_load((DEPLOY.parent / "endpoints.yml").read_text())
    assert endpoints["lock_store"]["type"] == "storage.lock_store.EnvironmentLockStore"
    assert endpoints["event_broker"]["type"] == "storage.event_broker.BufferedRabbitBroker"
    assert endpoints["tracker_store"]["type"] == "storage.redacting_tracker_store.RedactingSQLTrackerStore"
