"""Two app nodes, two workers and two schedulers on RabbitMQ against one PostgreSQL (issue 14
item 13): a session works on either node, an export delivered twice is written once, and only
one scheduler sends the cron jobs — the other takes over when it dies.

Real processes (gunicorn, `manage.py rundramatiq`, `manage.py scheduler`) against the test
database; skipped, with the reason, where no RabbitMQ runs on 127.0.0.1:5672.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.scheduling import SCHEDULER_LOCK
from audit.models import AuditLog
from records import exports
from records.events import FileEvent
from records.models import BulkExport, ExportState
from records.tasks import produce_export
from tests.conftest import CAST_PASSWORD
from tests.records.conftest import make_file
from tests.records.test_bulk_export_broker import RABBITMQ, _database_url, _reachable, stop_group

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Node:
    """The processes of one machine, each in its own process group, logging to a file."""

    def __init__(self, name: str, env: dict, tmp_path):
        self.name, self.env, self.tmp_path, self.processes = name, env, tmp_path, {}
        self.port = _free_port()

    def start(self, kind: str, command: list[str]) -> None:
        log = (self.tmp_path / f"{self.name}-{kind}.log").open("w")
        self.processes[kind] = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_all(self) -> None:
        python = sys.executable
        self.start("web", [python, "-m", "gunicorn", "project.wsgi", "-w", "1", "-b", f"127.0.0.1:{self.port}"])
        self.start("worker", [python, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1"])
        self.start("scheduler", [python, "manage.py", "scheduler", "--no-heartbeat"])

    def log(self, kind: str) -> str:
        return (self.tmp_path / f"{self.name}-{kind}.log").read_text(encoding="utf-8", errors="replace")

    def stop(self, kind: str | None = None) -> None:
        for key, process in list(self.processes.items()):
            if kind in (None, key):
                stop_group(process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def wait_for(condition, what: str, nodes) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    logs = "\n".join(f"--- {n.name} {k}\n{n.log(k)[-1500:]}" for n in nodes for k in n.processes)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def served(node) -> bool:
    try:
        return urllib.request.urlopen(node.url("/login/"), timeout=2).status == 200
    except OSError:
        return False


def scheduler_holders() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted",
                       [SCHEDULER_LOCK])  # fmt: skip
        return cursor.fetchone()[0]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def nodes(tmp_path):
    if not _reachable(RABBITMQ):
        pytest.skip("no RabbitMQ on 127.0.0.1:5672: the two-node test needs one")
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env |= {"DATABASE_URL": _database_url(), "DRAMATIQ_BROKER_URL": f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/",
            "BULK_EXPORT_DIR": str(tmp_path / "exports"), "DJANGO_SECRET_KEY": "two-nodes-share-one-secret"}  # fmt: skip
    # gunicorn serves the collected static files, as in production
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=settings.BASE_DIR,
                   env=env, check=True)  # fmt: skip
    pair = [Node("a", env, tmp_path), Node("b", env, tmp_path)]
    try:
        yield pair
    finally:
        for node in pair:
            node.stop()


def test_two_nodes_share_sessions_write_an_export_once_and_schedule_once(cast, nodes):
    a, b = nodes
    make_file(cast.users["national_admin"])
    export = exports.export_request(
        actor=cast.users["national_admin"], kinds=["hardship"], scope_units=[cast.units["national"]], conditions={}
    )
    # The cast's passwords are hashed fast for tests; the nodes run the production hashers.
    street = cast.users["street_a"]
    street.password = PBKDF2PasswordHasher().encode(CAST_PASSWORD, PBKDF2PasswordHasher().salt())
    street.save(update_fields=["password"])
    device = TOTPDevice.objects.create(user=street, name="动态口令", confirmed=True)
    a.start_all()
    b.start_all()
    wait_for(lambda: served(a) and served(b), "both web nodes", nodes)

    # A session made on node a is known on node b.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form = browser.open(a.url("/login/")).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "street_a", "password": CAST_PASSWORD})
    request = urllib.request.Request(a.url("/login/"), data=data.encode(), headers={"Referer": a.url("/login/")})
    try:
        answer = browser.open(request)
        pytest.fail(f"signing in did not redirect: {answer.status} {answer.read().decode()[-2000:]}")
    except urllib.error.HTTPError as signed_in:  # the 302 after signing in
        assert signed_in.code == 302 and "/login/" not in signed_in.headers["Location"]
    # …and its second factor, entered on node b, opens the pages on node a.
    step = b.url("/account/second-factor/")
    page = browser.open(step).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    code = f"{TOTP(device.bin_key).token():06d}"
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "token": code, "next": "/files/"})
    try:
        answer = browser.open(urllib.request.Request(step, data=data.encode(), headers={"Referer": step}))
        pytest.fail(f"the second factor did not redirect: {answer.status} {answer.read().decode()[-2000:]}")
    except urllib.error.HTTPError as verified:
        assert verified.code == 302 and verified.headers["Location"] == "/files/"
    assert browser.open(a.url("/files/")).status == 200

    # An export delivered twice, to two workers, is written once.
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    broker = RabbitmqBroker(url=a.env["DRAMATIQ_BROKER_URL"])
    broker.declare_queue(produce_export.queue_name)
    broker.enqueue(produce_export.message(export.pk))
    broker.enqueue(produce_export.message(export.pk))
    broker.close()
    wait_for(lambda: BulkExport.objects.get(pk=export.pk).state == ExportState.EXPORTED, "the export", nodes)
    time.sleep(2)  # the second delivery has been consumed by now
    assert AuditLog.objects.filter(event=FileEvent.EXPORT_PRODUCED, object_id=str(export.pk)).count() == 1
    assert len(list((a.tmp_path / "exports").glob("bulk-export-*.csv"))) == 1

    # One scheduler holds the lock; when its node's scheduler dies, the other takes over.
    wait_for(lambda: scheduler_holders() == 1 and "等待接替" in a.log("scheduler") + b.log("scheduler"),
             "one scheduler holding, one waiting", nodes)  # fmt: skip
    holder, standby = (a, b) if "已取得调度锁" in a.log("scheduler") else (b, a)
    holder.stop("scheduler")
    wait_for(lambda: "已取得调度锁" in standby.log("scheduler") and scheduler_holders() == 1, "the take-over", nodes)
