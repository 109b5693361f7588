"""A whole course cycle on a real JupyterHub on 127.0.0.1: the scale instructors use.

One hub, started and stopped here, with configurable-http-proxy from the npm registry
(tools/hub_deps.sh), the dummy authenticator and SimpleLocalProcessSpawner (each user's server
is a local process with its own home directory under a temporary folder; as root in a container
there are no system accounts to create or remove). nbgrader's exchange is a folder in the same
temporary tree. Every student action goes through the hub's proxy to the student's own
single-user server, with the student's own hub token, to the nbgrader server extension that the
Assignments tab calls: fetch, save the worked notebook (contents API), submit, fetch feedback.
The instructor releases, collects, autogrades (tools/course_grading.py) and releases feedback
with nbgrader's command line, as in a terminal on the hub. Nothing depends on timing: every wait
polls a condition with a generous limit.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402  (tools/assignments.py)
import course_grading  # noqa: E402  (tools/course_grading.py)

BIN = Path(sys.executable).parent
CHP = ROOT / ".cache" / "configurable-http-proxy" / os.environ.get("CHP_VERSION", "5.3.0") / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "python-internals-lab"
NAME = "shipping_fee"
INSTRUCTOR = "instructor"
STUDENTS = {"alice": "reference", "bob": "wrong", "carol": "blank"}
SERVICE_TOKEN = "course-run-" + os.urandom(16).hex()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(what: str, check, limit: float = 120.0):
    """Poll `check` until it returns something true; a limit only stops a broken run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"gave up after {limit:.0f} s waiting for {what}")


def _hub_config(tmp: Path, port: int) -> str:
    users = [INSTRUCTOR, *STUDENTS]
    env = {"PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT / "src"),
           "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
    return f"""
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.pid_file = {str(tmp / 'proxy.pid')!r}
c.JupyterHub.db_url = "sqlite:///{tmp / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {set(users)!r}
c.Authenticator.admin_users = {{{INSTRUCTOR!r}}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / 'home' / '{username}')!r}
c.Spawner.cmd = [{str(BIN / 'jupyterhub-singleuser')!r}]
c.Spawner.args = ["--allow-root"]
c.Spawner.environment = {env!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.services = [{{"name": "course-run", "api_token": {SERVICE_TOKEN!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-run", "services": ["course-run"],
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}}]
"""


class Hub:
    """A JupyterHub in its own process group, with the proxy it starts; stop() ends them all."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {SERVICE_TOKEN}"
        (tmp / "jupyterhub_config.py").write_text(_hub_config(tmp, self.port))
        self.log = open(tmp / "jupyterhub.log", "w")
        self.process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(tmp / "jupyterhub_config.py")],
                                        cwd=tmp, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
                                        env=dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ["PATH"]])))
        _wait_for("the hub's API", self._up)

    def _up(self):
        if self.process.poll() is not None:
            raise AssertionError("the hub exited:\n" + (self.tmp / "jupyterhub.log").read_text()[-3000:])
        try:
            return self.api.get(f"{self.url}/hub/api/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def start_server(self, user: str) -> requests.Session:
        """Start the user's server through the hub's REST API; a session with the user's token."""
        reply = self.api.post(f"{self.url}/hub/api/users/{user}/server", timeout=30)
        assert reply.status_code in (201, 202), reply.text
        _wait_for(f"{user}'s server", lambda: self.api.get(f"{self.url}/hub/api/users/{user}", timeout=10)
                  .json()["servers"].get("", {}).get("ready"), limit=180)
        token = self.api.post(f"{self.url}/hub/api/users/{user}/tokens", json={"note": "course run"}, timeout=10)
        assert token.status_code == 201, token.text
        session = requests.Session()
        session.headers["Authorization"] = f"token {token.json()['token']}"
        return session

    def stop(self) -> None:
        try:
            for user in [INSTRUCTOR, *STUDENTS]:
                self.api.delete(f"{self.url}/hub/api/users/{user}/server", timeout=30)
        except requests.RequestException:
            pass
        finally:
            for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            self.log.close()


def _nbgrader(course: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED="0", PATH=os.pathsep.join([str(BIN), os.environ["PATH"]]))
    env.pop("JUPYTERHUB_USER", None)
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _worked(release: dict, kind: str) -> dict:
    """The release as a student leaves it: the reference answers, a wrong answer, or untouched."""
    if kind == "blank":
        return release
    if kind == "reference":
        source = json.loads((ROOT / "assignments" / "source" / NAME / f"{NAME}.ipynb").read_text())
        answers = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
                   for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}
    else:
        answers = assignments.load_fixture(ROOT / "assignments" / "fixtures" / NAME / "partial.py").answers
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "release.ipynb"
        path.write_text(json.dumps(release))
        return assignments._with_answers(path, answers)


@pytest.mark.skipif(not CHP.exists(), reason="run tools/hub_deps.sh first (make test does)")
def test_release_fetch_submit_collect_autograde_and_feedback_on_jupyterhub():
    expected = {"alice": 10.0, "carol": 0.0,
                "bob": assignments.load_fixture(ROOT / "assignments" / "fixtures" / NAME / "partial.py").score}
    assert 0 < expected["bob"] < 10
    tmp = Path(tempfile.mkdtemp(prefix="course-hub-"))
    exchange = tmp / "exchange"
    exchange.mkdir(mode=0o777)
    course = tmp / "home" / INSTRUCTOR / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "assignments" / "source" / NAME, course / "source" / NAME)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    for user in STUDENTS:
        jupyter = tmp / "home" / user / ".jupyter"
        jupyter.mkdir(parents=True)
        (jupyter / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa: F821\nc.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
            # Every server here runs as root: nbgrader names a submission by the OS user (or by
            # JUPYTERHUB_USER only when that user is jovyan, as in Zero to JupyterHub's image).
            f"c.CourseDirectory.student_id = {user!r}\n")
    hub = Hub(tmp)
    try:
        sessions = {user: hub.start_server(user) for user in [INSTRUCTOR, *STUDENTS]}
        # The instructor releases the assignment to the exchange.
        _nbgrader(course, "generate_assignment", NAME, "--force")
        _nbgrader(course, "release_assignment", NAME, "--force")
        # Each student fetches it, works on it, saves and submits: the Assignments tab's requests.
        form = {"course_id": COURSE_ID, "assignment_id": NAME}
        for user, kind in STUDENTS.items():
            base, session = f"{hub.url}/user/{user}", sessions[user]
            fetched = session.post(f"{base}/assignments/fetch", data=form, timeout=60)
            assert fetched.status_code == 200, fetched.text
            assert any(a["assignment_id"] == NAME and a["status"] == "fetched" for a in fetched.json()["value"]), fetched.json()
            path = f"{base}/api/contents/{NAME}/{NAME}.ipynb"
            release = session.get(path, timeout=30).json()["content"]
            saved = session.put(path, json={"type": "notebook", "format": "json", "content": _worked(release, kind)}, timeout=30)
            assert saved.status_code == 200, saved.text
            submitted = session.post(f"{base}/assignments/submit", data=form, timeout=60)
            assert submitted.status_code == 200 and "success\": false" not in submitted.text, submitted.text
        # The instructor collects, autogrades (every score asserted) and releases feedback.
        _nbgrader(course, "collect", NAME)
        outcomes, report, status = course_grading.grade_and_report(course, NAME)
        scores = {o.student: o.score for o in outcomes}
        assert status == 0, report.read_text()
        assert scores == expected, scores
        _nbgrader(course, "generate_feedback", NAME, "--force")
        _nbgrader(course, "release_feedback", NAME)
        # Each student fetches their feedback, which states their score.
        for user in STUDENTS:
            base, session = f"{hub.url}/user/{user}", sessions[user]
            reply = session.post(f"{base}/assignments/fetch_feedback", data=form, timeout=60)
            assert reply.status_code == 200, reply.text
            feedback = sorted((tmp / "home" / user / NAME / "feedback").glob(f"*/{NAME}.html"))
            assert len(feedback) == 1, feedback
            listing = session.get(f"{base}/api/contents/{NAME}/feedback", timeout=30).json()
            assert [entry["type"] for entry in listing["content"]] == ["directory"], listing
            text = feedback[0].read_text()
            assert f"Score: {expected[user]:.1f} / 10.0" in text.replace("(", "").replace(")", ""), (user, text[:2000])
    finally:
        hub.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    # Nothing left behind: the hub, its proxy and every single-user server are gone.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{hub.url}/hub/api/", timeout=5)
    assert not tmp.exists()
