#!/usr/bin/python3
"""Validates deploy/compose.yaml offline: Debian's docker-compose checks it against the Compose schema and
interpolates it (`config`) for each protocol, then this script checks what the deployment promises.

usage: validate_compose.py DOCKER_COMPOSE DEPLOY_DIR [--self-test]
"""
import copy
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

SERVICES = ["stt", "llm", "tts"]


class Invalid(Exception):
    pass


def compose_config(docker_compose, compose_file, protocol):
    env = dict(os.environ, MAESTRO_PROTOCOL=protocol)
    result = subprocess.run([docker_compose, "-f", compose_file, "config"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise Invalid(f"docker-compose config: {result.stderr.strip()}")
    return yaml.safe_load(result.stdout)


def flag(command, name):
    if name not in command:
        raise Invalid(f"command {command} has no {name}")
    return command[command.index(name) + 1]


def check(config, prometheus, protocol):
    services = config["services"]
    for name in SERVICES + ["maestro", "prometheus"]:
        if name not in services:
            raise Invalid(f"no service {name}")
        if "healthcheck" not in services[name] or not services[name]["healthcheck"].get("test"):
            raise Invalid(f"service {name}: no healthcheck")
    if not services["prometheus"]["image"].startswith("prom/prometheus:"):
        raise Invalid("prometheus must be the official prom/prometheus image")
    metrics_targets = set()
    for name in SERVICES:
        service = services[name]
        command = service["command"]
        if command[0] != name:
            raise Invalid(f"service {name} runs `maestro {command[0]}`")
        if service.get("environment", {}).get("MAESTRO_PROTOCOL") != protocol:
            raise Invalid(f"service {name}: MAESTRO_PROTOCOL is not {protocol}")
        admin_port = flag(command, "--admin").rsplit(":", 1)[1]
        if admin_port not in " ".join(service["healthcheck"]["test"]):
            raise Invalid(f"service {name}: the healthcheck does not probe the admin port {admin_port}")
        metrics_targets.add(f"{name}:{admin_port}")
        if not any(v.endswith(":/models:ro") or v.get("target") == "/models"
                   if isinstance(v, dict) else v.endswith(":/models:ro") for v in service.get("volumes", [])):
            raise Invalid(f"service {name}: the models volume is not mounted read-only at /models")
    maestro = services["maestro"]
    if maestro.get("environment", {}).get("MAESTRO_PROTOCOL") != protocol:
        raise Invalid(f"maestro: MAESTRO_PROTOCOL is not {protocol}")
    for name in SERVICES:
        host, port = flag(maestro["command"], f"--{name}").rsplit(":", 1)
        if host not in services or port != flag(services[host]["command"], "--listen").rsplit(":", 1)[1]:
            raise Invalid(f"maestro's --{name} does not name {name}'s listening port")
        if maestro.get("depends_on", {}).get(name, {}).get("condition") != "service_healthy":
            raise Invalid(f"maestro must wait until {name} is healthy")
    metrics_targets.add("maestro:" + flag(maestro["command"], "--listen").rsplit(":", 1)[1])
    scraped = {target for job in prometheus["scrape_configs"] for static in job.get("static_configs", [])
               for target in static["targets"]}
    if metrics_targets - scraped:
        raise Invalid(f"prometheus does not scrape {sorted(metrics_targets - scraped)}")


MUTATIONS = {
    "no healthcheck": lambda c, p: c["services"]["tts"].pop("healthcheck"),
    "unofficial prometheus": lambda c, p: c["services"]["prometheus"].update(image="example/prometheus:1"),
    "unscraped service": lambda c, p: p["scrape_configs"][1]["static_configs"][0]["targets"].remove("llm:9090"),
    "not waiting for health": lambda c, p: c["services"]["maestro"]["depends_on"]["stt"].update(
        condition="service_started"),
    "wrong address": lambda c, p: c["services"]["maestro"]["command"].__setitem__(
        c["services"]["maestro"]["command"].index("--llm") + 1, "llm:50052"),
    "no models volume": lambda c, p: c["services"]["stt"].pop("volumes"),
}


def schema_rejects_unknown_keys(docker_compose, deploy_dir):
    """Proves that `config` really validates: a misspelt key must fail."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(deploy_dir, "prometheus.yml"), tmp)
        text = open(os.path.join(deploy_dir, "compose.yaml")).read().replace("healthcheck:", "healthchek:", 1)
        broken = os.path.join(tmp, "compose.yaml")
        open(broken, "w").write(text)
        try:
            compose_config(docker_compose, broken, "grpc")
        except Invalid:
            return True
    return False


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    docker_compose, deploy_dir = sys.argv[1], sys.argv[2]
    prometheus = yaml.safe_load(open(os.path.join(deploy_dir, "prometheus.yml")))
    failures = 0
    for protocol in ["rest", "grpc", "thrift"]:
        try:
            config = compose_config(docker_compose, os.path.join(deploy_dir, "compose.yaml"), protocol)
            check(config, prometheus, protocol)
            print(f"compose ({protocol}): {len(config['services'])} services valid")
        except Invalid as error:
            print(f"compose ({protocol}): INVALID: {error}")
            failures += 1
            continue
        if "--self-test" not in sys.argv[3:]:
            continue
        for what, mutate in MUTATIONS.items():
            broken, broken_prometheus = copy.deepcopy(config), copy.deepcopy(prometheus)
            mutate(broken, broken_prometheus)
            try:
                check(broken, broken_prometheus, protocol)
                print(f"compose ({protocol}): self-test '{what}' was NOT rejected")
                failures += 1
            except Invalid:
                pass
    if "--self-test" in sys.argv[3:]:
        if schema_rejects_unknown_keys(docker_compose, deploy_dir):
            print("compose: docker-compose rejects a misspelt key")
        else:
            print("compose: docker-compose accepted a misspelt key")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
