"""The container set-up cannot run on the project's machines (no container engine): check what can be checked.

The nginx config compose mounts is the one deploy/nginx.py generates (so it cannot drift from the tested one),
and the image runs the app the way `make serve` runs each replica.
"""
from deploy import nginx
from deploy.serve import ROOT, SERVER_ENV


def test_compose_nginx_config_is_the_generated_one():
    assert (ROOT / "deploy" / "nginx.compose.conf").read_text() == nginx.compose_config()


def test_the_image_runs_as_make_serve_does():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for key, value in SERVER_ENV.items():
        assert f"{key}={value}" in dockerfile
    assert "USER lab" in dockerfile and "/_stcore/health" in dockerfile
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert all("==" in line for line in requirements if line and not line.startswith("#")), "pinned"
