"""deploy/ checked offline (issue 12 §3): the Dockerfile's essentials, the compose file and HAProxy
config, and the Kubernetes manifests through `kubectl kustomize` (no cluster needed) plus a schema-ish
check of what matters: affinity by cookie, websocket timeouts, health probes, one editor with its own
volume, viewers with the snapshot volume read-only, an HPA on CPU, non-root everywhere."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def load_yaml(text: str) -> list[dict]:
    """All documents of a YAML text (PyYAML from requirements-dev.txt, else the system python's)."""
    try:
        import yaml
    except ImportError:
        py = shutil.which("python3")
        code = "import json,sys,yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))"
        proc = subprocess.run([py, "-c", code], input=text, capture_output=True, text=True) if py else None
        if proc is None or proc.returncode != 0:
            pytest.skip("no YAML parser (pip install -r requirements-dev.txt)")
        return json.loads(proc.stdout)
    return [d for d in yaml.safe_load_all(text) if d is not None]


def test_dockerfile_is_debian_pinned_non_root_with_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM debian:bookworm", text, re.M)
    assert "pip install -r requirements.txt" in text
    assert "chromium" in text and "fonts-noto-core" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*_stcore/health", text, re.M)
    pins = [l for l in (ROOT / "requirements.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert all("==" in l for l in pins), "requirements.txt must pin every package"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "data/warehouse.duckdb" in ignored


def test_compose_file_has_balancer_viewers_editor_and_a_read_only_snapshot_volume():
    doc = load_yaml((DEPLOY / "compose.yaml").read_text())[0]
    svc = doc["services"]
    assert set(svc) == {"balancer", "viewer", "editor"}
    assert svc["viewer"]["environment"]["CNSCD_ROLE"] == "viewer"
    assert svc["editor"]["environment"]["CNSCD_ROLE"] == "editor"
    assert "snapshots:/snapshots:ro" in svc["viewer"]["volumes"]
    assert "snapshots:/snapshots" in svc["editor"]["volumes"]
    assert svc["viewer"]["deploy"]["replicas"] >= 2
    assert {"snapshots", "editor-data"} <= set(doc["volumes"])
    assert "editor-data:" + svc["editor"]["environment"]["CNSCD_STATE_DIR"] in svc["editor"]["volumes"]
    cfg = svc["balancer"]["volumes"][0].split(":")[0]
    assert (DEPLOY / cfg).is_file()


@pytest.mark.skipif(shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists(), reason="no haproxy")
def test_compose_haproxy_config_is_valid_and_uses_cookie_affinity():
    cfg = DEPLOY / "haproxy-compose.cfg"
    proc = subprocess.run([shutil.which("haproxy") or "/usr/sbin/haproxy", "-c", "-f", str(cfg)],
                          capture_output=True, text=True)
    # init-addr none: Docker's DNS names need not resolve here for the check to pass
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = cfg.read_text()
    assert "cookie CNSCD_REPLICA insert" in text and "balance source" not in text
    assert "timeout tunnel" in text and "/_stcore/health" in text


def test_the_cluster_generated_config_is_valid(tmp_path):
    from cnscd import cluster

    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        pytest.skip("no haproxy")
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(cluster.haproxy_config("127.0.0.1", 18999, [("v1", 18001), ("v2", 18002)], 18003, tmp_path / "s.sock"))
    proc = subprocess.run([cluster.haproxy_binary(), "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl not installed")
    proc = subprocess.run([kubectl, "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    docs = load_yaml(proc.stdout)
    for d in docs:
        assert d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name"), d
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def _container(dep: dict) -> dict:
    (c,) = dep["spec"]["template"]["spec"]["containers"]
    return c


def _env(c: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in c["env"]}


def test_k8s_viewers_read_snapshots_read_only_and_scale_on_cpu(k8s):
    dep = k8s[("Deployment", "cnscd-viewer")]
    spec = dep["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    c = _container(dep)
    assert _env(c)["CNSCD_ROLE"] == "viewer" and _env(c)["CNSCD_SNAPSHOT_DIR"] == "/snapshots"
    assert c["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert c["livenessProbe"]["httpGet"]["path"] == "/_stcore/health"
    (mount,) = c["volumeMounts"]
    assert mount["readOnly"] is True
    (vol,) = spec["template"]["spec"]["volumes"]
    claim = vol["persistentVolumeClaim"]
    assert claim["readOnly"] is True
    assert "ReadOnlyMany" in k8s[("PersistentVolumeClaim", claim["claimName"])]["spec"]["accessModes"]
    assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert c["resources"]["requests"]["cpu"]          # the HPA's utilisation is relative to this
    hpa = k8s[("HorizontalPodAutoscaler", "cnscd-viewer")]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "cnscd-viewer"}
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu" and hpa["minReplicas"] >= 2 and hpa["maxReplicas"] > hpa["minReplicas"]


def test_k8s_one_editor_with_its_own_volume(k8s):
    dep = k8s[("Deployment", "cnscd-editor")]
    assert dep["spec"]["replicas"] == 1 and dep["spec"]["strategy"]["type"] == "Recreate"
    c = _container(dep)
    env = _env(c)
    assert env["CNSCD_ROLE"] == "editor" and env["CNSCD_BASE_PATH"] == "/editor"
    assert env["CNSCD_WAREHOUSE"].startswith("/var/lib/cnscd/")
    assert c["readinessProbe"]["httpGet"]["path"] == "/editor/_stcore/health"
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in dep["spec"]["template"]["spec"]["volumes"]}
    assert k8s[("PersistentVolumeClaim", claims["data"])]["spec"]["accessModes"] == ["ReadWriteOnce"]
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    assert not mounts["snapshots"].get("readOnly") and env["CNSCD_WAREHOUSE"].startswith(mounts["data"]["mountPath"])
    # accepted outlines and login counts live on the volume too, not in the container's /app (lost on restart)
    assert env["CNSCD_STATE_DIR"] == mounts["data"]["mountPath"]
    assert dep["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_k8s_ingress_has_cookie_affinity_websocket_timeouts_and_the_editor_path(k8s):
    ing = k8s[("Ingress", "cnscd")]
    ann = ing["metadata"]["annotations"]
    assert ann["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert ann["nginx.ingress.kubernetes.io/session-cookie-name"] == "CNSCD_REPLICA"
    assert int(ann["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(ann["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    assert not any("upstream-hash-by" in k for k in ann), "affinity by client address is wrong behind a NAT"
    paths = {p["path"]: p["backend"]["service"] for r in ing["spec"]["rules"] for p in r["http"]["paths"]}
    assert paths["/editor"]["name"] == "cnscd-editor" and paths["/"]["name"] == "cnscd-viewer"
    for svc in paths.values():   # every backend exists and exposes the named port
        ports = [p["name"] for p in k8s[("Service", svc["name"])]["spec"]["ports"]]
        assert svc["port"]["name"] in ports


def test_entrypoint_serves_the_editor_under_its_path():
    text = (DEPLOY / "entrypoint.sh").read_text()
    assert "--server.baseUrlPath" in text and "cnscd.store.snapshot publish" in text and "exec python -m cnscd.serve" in text
    proc = subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
