#!/usr/bin/python3
"""Validates the Kubernetes manifests offline: builds each protocol overlay with `kubectl kustomize`, checks every
object against the Kubernetes API models of Debian's python3-kubernetes (unknown fields, required fields, types),
then checks what the deployment promises (probes, resources, HPA, PDB, headless Service for gRPC, NetworkPolicy).

usage: validate_k8s.py KUBECTL DEPLOY_K8S_DIR            validates rest, grpc and thrift
       validate_k8s.py KUBECTL DEPLOY_K8S_DIR --self-test  also proves each check rejects a broken manifest
"""
import copy
import re
import subprocess
import sys

import kubernetes.client as k8s
import yaml

PROTOCOLS = ["rest", "grpc", "thrift"]
MODEL_SERVICES = ["stt", "llm", "tts"]
RPC_PORT = 50051

# autoscaling/v2 has the same shape as v2beta2 for every field used here; python3-kubernetes 22 predates v2.
MODELS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Service"): "V1Service",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2beta2HorizontalPodAutoscaler",
    ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy",
}


class Invalid(Exception):
    pass


def build_model(type_name, value, path):
    """Converts `value` into the python3-kubernetes model `type_name`; raises Invalid on any schema violation."""
    if value is None:
        return None
    list_match = re.fullmatch(r"list\[(.+)\]", type_name)
    if list_match:
        if not isinstance(value, list):
            raise Invalid(f"{path}: expected a list")
        return [build_model(list_match.group(1), item, f"{path}[{i}]") for i, item in enumerate(value)]
    dict_match = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if dict_match:
        if not isinstance(value, dict):
            raise Invalid(f"{path}: expected a map")
        return {key: build_model(dict_match.group(1), item, f"{path}.{key}") for key, item in value.items()}
    if type_name == "str":
        if not isinstance(value, str):
            raise Invalid(f"{path}: expected a string, got {value!r}")
        return value
    if type_name == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"{path}: expected an integer, got {value!r}")
        return value
    if type_name == "bool":
        if not isinstance(value, bool):
            raise Invalid(f"{path}: expected true or false, got {value!r}")
        return value
    if type_name in ("object", "datetime"):
        return value
    cls = getattr(k8s, type_name, None)
    if cls is None:
        raise Invalid(f"{path}: no model {type_name}")
    if not isinstance(value, dict):
        raise Invalid(f"{path}: expected an object of {type_name}")
    by_json_name = {json_name: attr for attr, json_name in cls.attribute_map.items()}
    kwargs = {}
    for key, item in value.items():
        if key not in by_json_name:
            raise Invalid(f"{path}: unknown field '{key}' in {type_name}")
        attr = by_json_name[key]
        kwargs[attr] = build_model(cls.openapi_types[attr], item, f"{path}.{key}")
    try:
        return cls(**kwargs)
    except ValueError as error:  # required fields and enumerations
        raise Invalid(f"{path}: {error}")


def check_schema(objects):
    for obj in objects:
        key = (obj.get("apiVersion"), obj.get("kind"))
        if key not in MODELS:
            raise Invalid(f"unexpected object {key}")
        build_model(MODELS[key], obj, f"{obj['kind']}/{obj['metadata']['name']}")


def by_kind(objects, kind):
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def selects(selector, labels):
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def check_promises(objects, protocol):
    deployments = by_kind(objects, "Deployment")
    services = by_kind(objects, "Service")
    config_maps = by_kind(objects, "ConfigMap")
    for name in MODEL_SERVICES + ["maestro"]:
        if name not in deployments:
            raise Invalid(f"no Deployment {name}")
    protocol_maps = [cm for cm in config_maps.values() if "MAESTRO_PROTOCOL" in cm.get("data", {})]
    if len(protocol_maps) != 1 or protocol_maps[0]["data"]["MAESTRO_PROTOCOL"] != protocol:
        raise Invalid(f"overlay {protocol}: exactly one ConfigMap must set MAESTRO_PROTOCOL={protocol}")
    protocol_map = protocol_maps[0]["metadata"]["name"]

    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]
        if not selects(deployment["spec"]["selector"], pod["metadata"]["labels"]):
            raise Invalid(f"Deployment {name}: its selector does not match its pods")
        pod_security = pod["spec"].get("securityContext", {})
        if not pod_security.get("runAsNonRoot") or pod_security.get("runAsUser", 0) == 0:
            raise Invalid(f"Deployment {name}: pods must run as a non-root user")
        for container in pod["spec"]["containers"]:
            where = f"Deployment {name}, container {container['name']}"
            port_names = {port.get("name") for port in container.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    raise Invalid(f"{where}: no {probe}")
                port = container[probe].get("httpGet", {}).get("port")
                if port not in port_names:
                    raise Invalid(f"{where}: {probe} uses port {port!r}, not one of {sorted(port_names)}")
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                if not {"cpu", "memory"} <= set(resources.get(bound, {})):
                    raise Invalid(f"{where}: resources.{bound} must set cpu and memory")
            refs = [env.get("configMapRef", {}).get("name") for env in container.get("envFrom", [])]
            if protocol_map not in refs:
                raise Invalid(f"{where}: does not take MAESTRO_PROTOCOL from ConfigMap {protocol_map}")

    hpas = by_kind(objects, "HorizontalPodAutoscaler")
    pdbs = by_kind(objects, "PodDisruptionBudget")
    for name in MODEL_SERVICES:
        targets = [h for h in hpas.values() if h["spec"]["scaleTargetRef"]["name"] == name]
        if len(targets) != 1 or targets[0]["spec"]["scaleTargetRef"]["kind"] != "Deployment":
            raise Invalid(f"model service {name}: needs exactly one HorizontalPodAutoscaler")
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        if not any(selects(p["spec"]["selector"], pod_labels) for p in pdbs.values()):
            raise Invalid(f"model service {name}: no PodDisruptionBudget selects its pods")
        service = services.get(name)
        if service is None or not selects({"matchLabels": service["spec"]["selector"]}, pod_labels):
            raise Invalid(f"model service {name}: no Service selects its pods")
        headless = service["spec"].get("clusterIP") == "None"
        if headless != (protocol == "grpc"):
            raise Invalid(f"Service {name}: must be headless exactly when the protocol is grpc ({protocol})")
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        container_ports = {p.get("name"): p["containerPort"] for p in container["ports"]}
        for port in service["spec"]["ports"]:
            if port["targetPort"] not in container_ports and port["targetPort"] not in container_ports.values():
                raise Invalid(f"Service {name}: targetPort {port['targetPort']} is not a port of its pods")

    maestro_args = deployments["maestro"]["spec"]["template"]["spec"]["containers"][0]["args"]
    for name in MODEL_SERVICES:
        address = maestro_args[maestro_args.index(f"--{name}") + 1]
        host, port = address.rsplit(":", 1)
        if host not in services or int(port) not in [p["port"] for p in services[host]["spec"]["ports"]]:
            raise Invalid(f"maestro's --{name} {address} names no Service port")

    maestro_labels = deployments["maestro"]["spec"]["template"]["metadata"]["labels"]
    other_labels = [d["spec"]["template"]["metadata"]["labels"] for n, d in deployments.items() if n != "maestro"]

    def only_maestro(peer):
        selector = peer.get("podSelector")
        return (selector is not None and "namespaceSelector" not in peer and selects(selector, maestro_labels) and
                not any(selects(selector, labels) for labels in other_labels))

    policies = by_kind(objects, "NetworkPolicy").values()
    for name in MODEL_SERVICES:
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        covering = [p for p in policies if selects(p["spec"]["podSelector"], pod_labels)]
        if not covering:
            raise Invalid(f"model service {name}: no NetworkPolicy isolates it")
        for policy in covering:
            if "Ingress" not in policy["spec"].get("policyTypes", []):
                raise Invalid(f"NetworkPolicy {policy['metadata']['name']}: must restrict Ingress")
            for rule in policy["spec"].get("ingress", []):
                ports = [p.get("port") for p in rule.get("ports", [])]
                if ports and RPC_PORT not in ports and "rpc" not in ports:
                    continue
                peers = rule.get("from", [])
                if not peers or not all(only_maestro(peer) for peer in peers):
                    raise Invalid(f"NetworkPolicy {policy['metadata']['name']}: the protocol port of {name} is "
                                  "open to more than Maestro")


def kustomize(kubectl, k8s_dir, protocol):
    result = subprocess.run([kubectl, "kustomize", f"{k8s_dir}/overlays/{protocol}"], capture_output=True, text=True)
    if result.returncode != 0:
        raise Invalid(f"kubectl kustomize overlays/{protocol} failed: {result.stderr.strip()}")
    return [obj for obj in yaml.safe_load_all(result.stdout) if obj]


def validate(objects, protocol):
    check_schema(objects)
    check_promises(objects, protocol)


def find(objects, kind, name):
    return next(obj for obj in objects if obj["kind"] == kind and obj["metadata"]["name"] == name)


def container_of(objects, name):
    return find(objects, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]


# Each breaks one promise; the validator must reject every one of them.
MUTATIONS = {
    "unknown field": lambda o: container_of(o, "stt").update(readinesProbe={}),
    "missing required field": lambda o: container_of(o, "llm").pop("name"),
    "wrong type": lambda o: find(o, "Deployment", "tts")["spec"].update(replicas="two"),
    "no readiness probe": lambda o: container_of(o, "tts").pop("readinessProbe"),
    "no liveness probe": lambda o: container_of(o, "maestro").pop("livenessProbe"),
    "probe on a missing port": lambda o: container_of(o, "stt")["livenessProbe"]["httpGet"].update(port="metrics"),
    "no limits": lambda o: container_of(o, "stt")["resources"].pop("limits"),
    "runs as root": lambda o: find(o, "Deployment", "llm")["spec"]["template"]["spec"].pop("securityContext"),
    "no HPA": lambda o: o.remove(find(o, "HorizontalPodAutoscaler", "stt")),
    "no PDB": lambda o: o.remove(find(o, "PodDisruptionBudget", "tts")),
    "wrong headlessness": lambda o: find(o, "Service", "stt")["spec"].update(clusterIP="None")
    if find(o, "Service", "stt")["spec"].get("clusterIP") != "None" else find(o, "Service", "stt")["spec"].pop("clusterIP"),
    "policy open to all": lambda o: find(o, "NetworkPolicy", "model-services-from-maestro-only")["spec"]["ingress"][0]
    .update({"from": [{"podSelector": {}}]}),
    "no policy": lambda o: o.remove(find(o, "NetworkPolicy", "model-services-from-maestro-only")),
    "maestro points nowhere": lambda o: container_of(o, "maestro")["args"].__setitem__(
        container_of(o, "maestro")["args"].index("--stt") + 1, "speech:50051"),
}


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    kubectl, k8s_dir = sys.argv[1], sys.argv[2]
    self_test = "--self-test" in sys.argv[3:]
    failures = 0
    for protocol in PROTOCOLS:
        try:
            objects = kustomize(kubectl, k8s_dir, protocol)
            validate(objects, protocol)
            print(f"overlay {protocol}: {len(objects)} objects valid")
        except Invalid as error:
            print(f"overlay {protocol}: INVALID: {error}")
            failures += 1
            continue
        if not self_test:
            continue
        missed = failures
        for what, mutate in MUTATIONS.items():
            broken = copy.deepcopy(objects)
            mutate(broken)
            try:
                validate(broken, protocol)
                print(f"overlay {protocol}: self-test '{what}' was NOT rejected")
                failures += 1
            except Invalid:
                pass
        if failures == missed:
            print(f"overlay {protocol}: all {len(MUTATIONS)} broken variants rejected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
