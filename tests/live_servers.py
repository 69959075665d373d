"""Real processes for the deployment tests: a Redis of our own, gunicorn instances with production settings, and a
visitor that speaks HTTP to them as a browser does through the reverse proxy (X-Forwarded-For and -Proto).

Everything started here runs in a process group of its own and is stopped by that group's id, also when a test
fails halfway."""
import http.client
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import redis

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "5d0c3e1f9b2a84c7e6f1a0b3d5c7e9f2a4b6c8d0e1f3a5b7"
# Variables of the surrounding shell that would change what the servers do; the tests set their own.
_OWN_PREFIXES = ("MELDPUNT_", "FLASK_", "RATELIMIT_", "MAIL_")
_OWN_NAMES = {"DATABASE_URL", "SECRET_KEY"}


def stop_group(process, grace=10):
    """Stop a process we started and everything it started (its own process group)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


class RedisServer:
    """Our own redis-server on a free port when the binary is there; otherwise the machine's Redis on
    127.0.0.1:6379 (TEST_REDIS_URL), with a key prefix of this run whose keys are removed afterwards."""

    def __init__(self):
        self.process = None
        self.binary = shutil.which("redis-server")
        self.prefix = f"meldpunt-test-{uuid.uuid4().hex[:8]}"
        self.url = None
        self.client = None

    def start(self):
        if self.binary:
            port = free_port()
            self.process = subprocess.Popen(
                [self.binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
            self.url = f"redis://127.0.0.1:{port}/0"
        else:
            self.url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or (self.process and self.process.poll() is not None):
                    self.stop()
                    raise
                time.sleep(0.05)

    def keys(self):
        return self.client.keys(f"*{self.prefix}*")

    def stop(self):
        if self.process is not None:
            stop_group(self.process)
        elif self.client is not None:
            for key in self.client.scan_iter(f"*{self.prefix}*"):
                self.client.delete(key)
        if self.client is not None:
            self.client.close()


def documented_environment(path=ROOT / "deploy" / "meldpunt.env.example"):
    """The variables of the example environment file in deploy/, as systemd's EnvironmentFile reads them."""
    variables = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            variables[name.strip()] = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
    return variables


def production_env(database_url, redis_server, smtp_port, **extra):
    """The example environment of deploy/, with this machine's database, Redis and SMTP server on loopback."""
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(_OWN_PREFIXES) and name not in _OWN_NAMES}
    return {
        **inherited,
        **documented_environment(),
        "MELDPUNT_ENV": "production",
        "SECRET_KEY": PRODUCTION_KEY,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_server.url if redis_server else "memory://",
        "FLASK_RATELIMIT_KEY_PREFIX": redis_server.prefix if redis_server else "",
        "MELDPUNT_PROXY_COUNT": "1",
        "MELDPUNT_BASE_URL": "https://meldpunt.test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_USE_TLS": "false",
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_DEFAULT_SENDER": "meldpunt@dronten.example",
        "MELDPUNT_KCC_EMAIL": "kcc@dronten.example",
        **extra,
    }


def documented_gunicorn_arguments(unit=ROOT / "deploy" / "systemd" / "meldpunt-web.service"):
    """The arguments of gunicorn in the ExecStart of the web unit in deploy/ (the program itself left out)."""
    text = unit.read_text().replace("\\\n", " ")
    command = next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(command)[1:]


def _replace_value(arguments, option, value):
    assert option in arguments, f"deploy/systemd/meldpunt-web.service has no {option}"
    index = arguments.index(option)
    arguments[index + 1] = value


class Gunicorn:
    """gunicorn as the web unit in deploy/systemd runs it, with `workers` workers on a free loopback port; the
    access log names the worker (pid) that answered each request."""

    def __init__(self, env, workers, log_dir, name):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.name = name
        self.access_log = Path(log_dir) / f"{name}-access.log"
        self.output_path = Path(log_dir) / f"{name}-output.log"
        self.process = None

    def start(self, timeout=120):
        with open(self.output_path, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", *self.arguments()],
                cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            self._wait_for_every_worker(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def arguments(self):
        """The unit's own arguments, with this test's number of workers, port and access log."""
        arguments = documented_gunicorn_arguments()
        _replace_value(arguments, "--workers", str(self.workers))
        _replace_value(arguments, "--bind", f"127.0.0.1:{self.port}")
        _replace_value(arguments, "--access-logfile", str(self.access_log))
        return [*arguments[:-1], "--access-logformat", "%(p)s %(s)s %(m)s %(U)s", arguments[-1]]

    def _wait_for_every_worker(self, timeout):
        """Until each worker has answered /healthz: then a burst of requests can reach all of them."""
        deadline = time.monotonic() + timeout
        while len(self.workers_that_answered("/healthz")) < self.workers:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} stopped:\n{self.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {self.name} did not start every worker:\n{self.output()}")
            threads = [threading.Thread(target=self._probe) for _ in range(self.workers * 2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    def _probe(self):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
        except OSError:
            time.sleep(0.1)

    def workers_that_answered(self, path=None):
        """The pids of the workers that answered (requests to `path` only, when given)."""
        if not self.access_log.exists():
            return set()
        pids = set()
        for line in self.access_log.read_text().splitlines():
            pid, _status, _method, url = (line.split(" ", 3) + ["", "", ""])[:4]
            if path is None or url == path:
                pids.add(pid)
        return pids

    def output(self):
        return self.output_path.read_text(errors="replace") if self.output_path.exists() else ""

    def stop(self):
        stop_group(self.process)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self):
        return self.headers.get("Location")


class Visitor:
    """One browser behind the reverse proxy: its own address (the proxy's X-Forwarded-For), HTTPS as the proxy
    tells (X-Forwarded-Proto), and its cookies, which it sends to whichever host it asks, as a load balancer's
    visitor does."""

    def __init__(self, address=None):
        # By default an address of its own (IPv6 documentation range), so that no count in a Redis kept between
        # runs is shared with another test or run.
        self.address = address or f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
        self.cookies = {}
        self._lock = threading.Lock()

    def request(self, server, method, path, form=None):
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https", "Host": "meldpunt.test"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # A browser sends the page it posts from; over HTTPS the CSRF check wants it to be this site.
            headers["Referer"] = f"https://meldpunt.test{path}"
        with self._lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.msg, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        self._keep_cookies(answer.headers.get_all("Set-Cookie") or [])
        return answer

    def _keep_cookies(self, set_cookie_headers):
        with self._lock:
            for header in set_cookie_headers:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, form):
        return self.request(server, "POST", path, form)
