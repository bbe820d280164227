"""A real message through a real broker to a real worker process: the export actor sent to the
Redis (or RabbitMQ) this machine runs, consumed by `manage.py rundramatiq` in a subprocess
against the test database. Skipped, with the reason, where neither server is reachable."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from records import exports
from records.models import BulkExport, ExportState, WorkerFile
from records.tasks import produce_export
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)
WAIT_SECONDS = 90


def _reachable(address) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def real_broker():
    """(broker in this process, environment for the worker): Redis under a namespace of this
    test's own, so no other worker on the same server takes the message; else RabbitMQ."""
    if _reachable(REDIS):
        from dramatiq.brokers.redis import RedisBroker

        namespace = f"bangfu-test-{uuid.uuid4().hex[:12]}"
        url = f"redis://{REDIS[0]}:{REDIS[1]}/0"
        broker = RedisBroker(url=url, namespace=namespace)
        yield broker, {"DRAMATIQ_BROKER_URL": url, "DRAMATIQ_REDIS_NAMESPACE": namespace}
        broker.flush_all()
        broker.close()
    elif _reachable(RABBITMQ):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        url = f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/"
        broker = RabbitmqBroker(url=url)
        yield broker, {"DRAMATIQ_BROKER_URL": url}
        broker.close()
    else:
        pytest.skip("no Redis on 127.0.0.1:6379 and no RabbitMQ on 127.0.0.1:5672: the real-broker test needs one")


def _database_url() -> str:
    """The test database's URL for the worker: a TCP host, or the embedded server's socket
    directory percent-encoded as the host (what dj-database-url reads as a unix socket)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = quote(db["HOST"] or db["OPTIONS"].get("host") or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in its own group, and what it started: TERM, then KILL after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_exported(export_id: int, worker: subprocess.Popen) -> BulkExport:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        export = BulkExport.objects.get(pk=export_id)
        if export.state == ExportState.EXPORTED or worker.poll() is not None:
            return export
        time.sleep(0.5)
    return BulkExport.objects.get(pk=export_id)


def test_a_worker_process_exports_a_message_from_the_real_broker(cast, real_broker, tmp_path):
    broker, broker_env = real_broker
    make_file(cast.users["national_admin"])
    export = exports.export_request(
        actor=cast.users["national_admin"], kinds=["hardship"], scope_units=[cast.units["national"]], conditions={}
    )
    assert export.state == ExportState.APPROVED  # self-approved: ready for the worker

    # Without PYTEST_VERSION the worker runs the production settings (no test-only apps).
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env |= {**broker_env, "DATABASE_URL": _database_url(), "BULK_EXPORT_DIR": str(tmp_path / "exports")}
    command = [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1"]
    log = (tmp_path / "worker.log").open("w")
    # Its own process group: stopping it stops the dramatiq processes rundramatiq starts.
    worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    try:
        broker.declare_queue(produce_export.queue_name)
        broker.enqueue(produce_export.message(export.pk))
        export = _wait_until_exported(export.pk, worker)
    finally:
        stop_group(worker)
        log.close()
    output = (tmp_path / "worker.log").read_text(encoding="utf-8", errors="replace")[-3000:]
    assert export.state == ExportState.EXPORTED, output
    assert export.row_count == WorkerFile.objects.count() == 1
    assert (tmp_path / "exports" / export.file_name).read_bytes().startswith(exports.BOM)
