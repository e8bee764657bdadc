"""Nobody else gets in: the studio's Dask connections are mutual TLS with the studio's own
CA; a connection without a certificate that CA signed is refused; nothing listens on an
address the operator did not choose, and no plain-HTTP endpoint exists at all."""

from __future__ import annotations

import datetime
import json
import signal
import socket
import ssl
import subprocess
import sys

import psutil
import pytest

from headshot_studio.studio import certs
from headshot_studio.studio.certs import Authority, StudioSetupError


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(pids: set[int]) -> list:
    return [c for c in psutil.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN and c.pid in pids]


def _tls_attempt(port: int, ca_file, cert=None) -> str:
    """Open a TLS connection the way a Dask peer would, and say what the studio answered:
    "open" (kept open and talking TLS), or the refusal."""
    context = ssl.create_default_context(cafile=str(ca_file))
    context.check_hostname = False
    if cert is not None:
        context.load_cert_chain(str(cert.cert_file), str(cert.key_file))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        try:
            with context.wrap_socket(raw) as tls:
                tls.settimeout(2)
                try:
                    data = tls.recv(1)  # TLS 1.3: a refused certificate arrives as an alert here
                except (TimeoutError, socket.timeout):
                    return "open"
                return "closed" if not data else "open"
        except ssl.SSLError as exc:
            return f"refused: {exc.reason}"
        except ConnectionResetError:
            return "refused: reset"


def _dask_client(address: str, identity) -> subprocess.CompletedProcess:
    """A Dask client with ``identity``'s certificates, in a process of its own."""
    code = (
        "import sys\nfrom distributed import Client\nfrom distributed.security import Security\n"
        "sec = Security(require_encryption=True, tls_ca_file=sys.argv[2], tls_client_cert=sys.argv[3], "
        "tls_client_key=sys.argv[4])\n"
        "c = Client(sys.argv[1], security=sec, timeout='8s')\nprint('CONNECTED', len(c.scheduler_info()['workers']))\n"
        "c.close()\n"
    )
    return subprocess.run([sys.executable, "-c", code, address, str(identity.ca_file), str(identity.cert_file),
                           str(identity.key_file)], capture_output=True, text=True, timeout=120)


def test_only_studio_certificates_get_in_and_nothing_else_listens(installed_tiny, studio_app, tmp_path, tree):
    port = _free_port()
    run = studio_app.start("run", "--keep-running", "--listen", "127.0.0.1", "--port", str(port), "--workers", "1",
                           *studio_app.quick)
    address = f"tls://127.0.0.1:{port}"
    studio_app.wait_for(lambda: "Waiting for" in studio_app.output(run) or "queue is done" in studio_app.output(run)
                        or "Studio address" in studio_app.output(run), run, timeout=180)
    studio = Authority().ensure()
    pids = {p.pid for p in tree(run.pid)}
    # Its worker registered (the studio's own certificate works, through Dask itself).
    studio_app.wait_for(lambda: "CONNECTED 1" in _dask_client(address, studio.queue).stdout, run, timeout=120,
                        every=1)

    # What listens: the scheduler on the chosen port, the worker and its nanny, all on loopback.
    sockets = _listening({p.pid for p in tree(run.pid)})
    assert any(s.laddr.port == port for s in sockets)
    assert len(sockets) >= 3 and all(s.laddr.ip == "127.0.0.1" for s in sockets), [s.laddr for s in sockets]
    for s in sockets:  # no plain-HTTP endpoint (dashboard, /health, /metrics) on any of them
        with socket.create_connection(("127.0.0.1", s.laddr.port), timeout=5) as plain:
            plain.settimeout(3)
            plain.sendall(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")
            try:
                answer = plain.recv(64)
            except (TimeoutError, socket.timeout, ConnectionResetError):
                answer = b""
            assert not answer.startswith(b"HTTP/"), f"port {s.laddr.port} answers HTTP: {answer!r}"

    # Refused: no client certificate; a certificate from another studio's CA.
    other = Authority(tmp_path / "other-studio").ensure()
    assert _tls_attempt(port, studio.queue.ca_file) == "refused: TLSV13_ALERT_CERTIFICATE_REQUIRED"
    assert _tls_attempt(port, studio.queue.ca_file, other.queue) == "refused: TLSV1_ALERT_UNKNOWN_CA"
    assert _tls_attempt(port, studio.queue.ca_file, studio.queue) == "open"  # the control: same code, right cert
    refused = _dask_client(address, other.queue)
    assert refused.returncode != 0 and "CONNECTED" not in refused.stdout
    assert "TLS certificate does not match" in refused.stderr, refused.stderr[-2000:]

    run.send_signal(signal.SIGINT)
    assert run.wait(120) == 130, studio_app.output(run)[-3000:]
    assert not _listening(pids), "a studio socket outlived the queue"


def _bundle(tmp_path, **changes):
    authority = Authority(tmp_path / "queue-pc")
    bundle = authority.pairing_bundle("tls://192.168.1.10:8786", "Booth PC")
    authority.record_pairing(bundle["pc"])
    bundle.update(changes)
    path = tmp_path / "pair.json"
    certs.write_bundle(bundle, path)
    return bundle, path


def test_pairing_bundle_is_one_time_and_private(tmp_path):
    bundle, path = _bundle(tmp_path)
    assert path.stat().st_mode & 0o077 == 0  # it holds the PC's key
    pairing = certs.import_bundle(path)
    assert not path.exists(), "the one-time bundle is deleted once imported"
    assert pairing.scheduler == "tls://192.168.1.10:8786" and pairing.pc == "Booth PC"
    assert certs.worker_pairing().identity.exists()
    assert pairing.identity.key_file.stat().st_mode & 0o077 == 0
    assert [p["name"] for p in Authority(tmp_path / "queue-pc").paired()] == ["Booth PC"]
    unpaired = subprocess.run([sys.executable, "-m", "headshot_studio", "studio", "unpair"], capture_output=True,
                              text=True, timeout=120)
    assert unpaired.returncode == 0 and "no longer paired" in unpaired.stdout
    with pytest.raises(StudioSetupError, match="not paired"):
        certs.worker_pairing()
    assert not certs.worker_dir().exists()


def _other_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.mark.parametrize("change, reason", [
    ({"expires": (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3650)).isoformat()},
     "signature do not check out"),  # a stolen bundle's life cannot be extended
    ({"scheduler": "tls://10.6.6.6:8786"}, "signature do not check out"),  # nor pointed elsewhere
    ({"kind": "something else"}, "not a Headshot Studio pairing file"),
    ({"version": True}, "not a Headshot Studio pairing file"),
    ({"scheduler": "http://192.168.1.10:8787"}, "address"),
    ({"scheduler": "tls://192.168.1.10:8786; rm -rf /"}, "address"),
    ({"scheduler": "tls://192.168.1.10:99999"}, "address"),
    ({"pc": "\x1b]0;owned\x07\x1b[2J"}, "name"),
    ({"pc": "x" * 65}, "name"),
    ({"key": None}, "incomplete"),
    ({"signature": None}, "incomplete"),
    ("foreign-ca", "do not check out"),
    ("other-key", "do not check out"),
    ("garbled-cert", "do not check out"),
])
def test_damaged_edited_or_foreign_bundles_are_refused_and_nothing_is_paired(tmp_path, change, reason):
    if change == "foreign-ca":
        change = {"ca": Authority(tmp_path / "elsewhere").ensure().queue.ca_file.read_text()}
    elif change == "other-key":
        change = {"key": _other_key_pem()}
    elif change == "garbled-cert":
        change = {"cert": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}
    _, path = _bundle(tmp_path, **change)
    with pytest.raises(StudioSetupError, match=reason):
        certs.import_bundle(path)
    assert path.exists(), "a refused bundle is left for the operator to look at"
    with pytest.raises(StudioSetupError, match="not paired"):
        certs.worker_pairing()
    assert not certs.worker_dir().exists()


def test_a_bundle_past_its_day_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(certs, "PAIRING_HOURS", -1)  # made, and signed, already expired
    _, path = _bundle(tmp_path)
    with pytest.raises(StudioSetupError, match="expired"):
        certs.import_bundle(path)


@pytest.mark.parametrize("address, ok", [("tls://192.168.1.10:8786", True), ("tls://[fe80::1]:8786", True),
                                         ("tls://booth-pc.local:8786", True), ("tls://1.2.3.4:99999", False),
                                         ("tls://a:b:c:1", False), ("tls://1.2.3.4:0", False),
                                         ("tcp://1.2.3.4:8786", False), ("tls://1.2.3.4", False)])
def test_studio_addresses(address, ok):
    assert certs.valid_address(address) is ok


def test_pairing_refuses_a_folder_or_a_missing_place_and_records_nothing(tmp_path):
    authority = Authority(tmp_path / "queue-pc")
    bundle = authority.pairing_bundle("tls://192.168.1.10:8786", "Booth PC")
    for bad in (tmp_path, tmp_path / "no-such-folder" / "pair.json"):
        with pytest.raises(StudioSetupError, match="cannot be a pairing file"):
            certs.write_bundle(bundle, bad)
    assert authority.paired() == []
    with pytest.raises(StudioSetupError, match="name"):
        authority.pairing_bundle("tls://192.168.1.10:8786", "   ")


def test_a_listen_address_must_be_this_pcs_own():
    from headshot_studio.studio.cluster import check_listen_address

    check_listen_address("127.0.0.1")
    with pytest.raises(StudioSetupError, match="not an address of this PC"):
        check_listen_address("10.255.255.1")


@pytest.mark.parametrize("content", [b"", b"{", b"[]" * 10, b"\xff\xfe" + b"x" * 100, json.dumps({"kind": 1}).encode()])
def test_files_that_are_no_bundle_at_all(tmp_path, content):
    path = tmp_path / "pair.json"
    path.write_bytes(content)
    with pytest.raises(StudioSetupError, match="not a usable pairing bundle"):
        certs.import_bundle(path)


def test_a_huge_or_special_file_is_not_read_as_a_bundle(tmp_path):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:
        f.truncate(512 * 2**20)
    with pytest.raises(StudioSetupError, match="cannot be read"):
        certs.import_bundle(huge)
    with pytest.raises(StudioSetupError, match="cannot be read"):
        certs.import_bundle(tmp_path / "missing.json")
    with pytest.raises(StudioSetupError, match="cannot be read"):
        certs.import_bundle(tmp_path)  # a folder
