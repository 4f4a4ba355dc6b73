"""One contract suite for the BlobStore port, run against both adapters."""

import io
import socket
import threading

import pytest

from common.storage.gcs import GcsStore
from common.storage.local import LocalFolderStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gcs_emulator():
    from gcp_storage_emulator.server import create_server

    port = _free_port()
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket="inbox")
    thread = threading.Thread(target=server.start, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(params=["local", "gcs"])
def store(request, tmp_path, monkeypatch):
    if request.param == "local":
        return LocalFolderStore(tmp_path / "bucket")
    host = request.getfixturevalue("gcs_emulator")
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", host)
    store = GcsStore("inbox", project="test")
    for blob in store.list():
        store.delete(blob.name)
    return store


def test_write_read_info(store):
    info = store.write("acme/claims.csv", b"a,b\n1,2\n")
    assert info.size == 8 and info.generation
    with store.open_read("acme/claims.csv") as reader:
        assert reader.read() == b"a,b\n1,2\n"
    assert store.info("acme/claims.csv").size == 8


def test_streamed_write_of_a_large_object(store):
    payload = b"x" * (9 * 1024 * 1024 + 7)  # above the client's resumable threshold
    info = store.write("acme/big.csv", io.BytesIO(payload))
    assert info.size == len(payload)
    with store.open_read("acme/big.csv") as reader:
        assert reader.read(10) == b"x" * 10
        reader.seek(0)
        assert sum(len(c) for c in iter(lambda: reader.read(1 << 20), b"")) == len(payload)


def test_new_write_gets_a_new_generation(store):
    first = store.write("acme/a.csv", b"1")
    second = store.write("acme/a.csv", b"22")
    assert first.generation != second.generation


def test_list_move_delete(store):
    store.write("acme/a.csv", b"1")
    store.write("acme/b.csv", b"2")
    store.write("other/c.csv", b"3")
    assert [b.name for b in store.list("acme/")] == ["acme/a.csv", "acme/b.csv"]
    store.move("acme/a.csv", "quarantine/acme/a.csv")
    assert [b.name for b in store.list("quarantine/")] == ["quarantine/acme/a.csv"]
    with pytest.raises(FileNotFoundError):
        store.info("acme/a.csv")
    store.delete("acme/b.csv")
    store.delete("acme/b.csv")
    assert [b.name for b in store.list("acme/")] == []


def test_missing_object(store):
    with pytest.raises(FileNotFoundError):
        store.open_read("nope/x.csv")
