"""The studio's own certificate authority, and the TLS settings every studio connection uses.

The queue PC makes a private CA the first time studio mode runs (an EC P-256 key that
never leaves the PC, in the app's config folder, readable by this user only) and a
certificate for itself. A worker PC is paired with a one-time bundle made on the queue
PC: the CA's certificate, a fresh key and certificate for that PC signed by the CA, and
the queue's address. Importing it (``headshot-studio studio join FILE``) stores the three
in the worker PC's config folder and deletes the bundle file; a bundle is refused after
PAIRING_HOURS. Every connection — scheduler, workers, the queue's client — is TLS 1.2+
with a certificate required on both ends and checked against the studio CA (Dask's
``Security``: ``CERT_REQUIRED`` both ways), so a PC without a certificate signed by this
studio's CA cannot connect, and a worker cannot be lured to a stranger's queue.

Host names are not checked (studio PCs are addressed by IP on a LAN, and the CA signs
only this studio's PCs): the CA is the identity.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from headshot_studio import paths
from headshot_studio.core.events import InputError
from headshot_studio.core.files import printable, read_json_limited, write_atomic

CA_DAYS = 3650
CERT_DAYS = 825
PAIRING_HOURS = 24
BUNDLE_KIND = "headshot-studio-pairing"
BUNDLE_VERSION = 1
MAX_BUNDLE_BYTES = 64 * 1024
_ADDRESS = re.compile(r"tls://(\[[0-9A-Fa-f:.]{2,45}\]|[0-9A-Za-z.\-]{1,253}):(\d{1,5})")
MAX_PC_NAME = 64
SIGNED_FIELDS = ("kind", "version", "pc", "scheduler", "expires", "ca", "cert", "key")


def valid_address(address) -> bool:
    """``tls://HOST:PORT`` with a plain host name, IPv4 or [IPv6] address and a port 1-65535."""
    match = _ADDRESS.fullmatch(address) if isinstance(address, str) else None
    return bool(match) and 1 <= int(match.group(2)) <= 65535


def _signed_bytes(bundle: dict) -> bytes:
    return json.dumps({k: bundle.get(k) for k in SIGNED_FIELDS}, sort_keys=True, ensure_ascii=True).encode()


class StudioSetupError(InputError):
    """Studio mode cannot start as set up (no pairing, a damaged or foreign bundle)."""


def studio_config_dir() -> Path:
    return paths.config_dir() / "studio"


def _private(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)
    return folder


def _write_private(path: Path, data: bytes) -> None:
    write_atomic(path, lambda f: f.write(data))
    if os.name == "posix":
        path.chmod(0o600)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Headshot Studio"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "studio")])


@dataclass(frozen=True)
class Identity:
    """One end's TLS material on disk: the CA to trust, and its own certificate and key."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def security(self):
        """Dask's Security for every role (scheduler, worker, client), encryption required."""
        from distributed.security import Security

        ca, cert, key = str(self.ca_file), str(self.cert_file), str(self.key_file)
        return Security(require_encryption=True, tls_ca_file=ca,
                        tls_client_cert=cert, tls_client_key=key,
                        tls_scheduler_cert=cert, tls_scheduler_key=key,
                        tls_worker_cert=cert, tls_worker_key=key)

    def exists(self) -> bool:
        return all(p.is_file() for p in (self.ca_file, self.cert_file, self.key_file))


class Authority:
    """The studio CA on the queue PC: makes itself once, signs the queue's and each paired
    PC's certificate."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or studio_config_dir() / "authority"
        self.queue = Identity(self.folder / "ca.pem", self.folder / "queue.pem", self.folder / "queue-key.pem")
        self.ca_key_file = self.folder / "ca-key.pem"
        self.paired_file = self.folder / "paired.json"

    def ensure(self) -> Authority:
        if self.queue.exists() and self.ca_key_file.is_file():
            return self
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        _private(self.folder)
        key = _new_key()
        name = _name(f"Headshot Studio CA {secrets.token_hex(4)}")
        now = _now()
        ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5))
              .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                           content_commitment=False, key_encipherment=False,
                                           data_encipherment=False, key_agreement=False,
                                           encipher_only=False, decipher_only=False), critical=True)
              .sign(key, hashes.SHA256()))
        _write_private(self.ca_key_file, _key_pem(key))
        _write_private(self.queue.ca_file, _cert_pem(ca))
        cert, cert_key = self._issue(ca, key, "queue")
        _write_private(self.queue.key_file, cert_key)
        _write_private(self.queue.cert_file, cert)
        return self

    def _load(self):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        ca = x509.load_pem_x509_certificate(self.queue.ca_file.read_bytes())
        key = serialization.load_pem_private_key(self.ca_key_file.read_bytes(), password=None)
        return ca, key

    @staticmethod
    def _issue(ca, ca_key, common_name: str) -> tuple[bytes, bytes]:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import ExtendedKeyUsageOID

        key = _new_key()
        now = _now()
        cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        return _cert_pem(cert), _key_pem(key)

    def pairing_bundle(self, scheduler_address: str, pc_name: str) -> dict:
        """A one-time bundle for one worker PC (JSON-able): write it to a USB stick, import
        it there with ``studio join``. It holds that PC's private key: keep it private."""
        if not valid_address(scheduler_address):
            raise StudioSetupError(f"“{printable(scheduler_address)}” is not a studio address. Use the queue PC's "
                                   "address as tls://ADDRESS:PORT, for example tls://192.168.1.10:8786.")
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        name = printable(pc_name.strip())[:MAX_PC_NAME].strip()
        if not name:
            raise StudioSetupError("Give the other PC a name (the queue shows its work under it).")
        self.ensure()
        ca, ca_key = self._load()
        cert, key = self._issue(ca, ca_key, f"worker {name}")
        expires = _now() + datetime.timedelta(hours=PAIRING_HOURS)
        bundle = {"kind": BUNDLE_KIND, "version": BUNDLE_VERSION, "pc": name, "scheduler": scheduler_address,
                  "expires": expires.isoformat(timespec="seconds"), "ca": _cert_pem(ca).decode(),
                  "cert": cert.decode(), "key": key.decode()}
        # Signed by the studio's CA: a bundle whose expiry or address was edited is refused.
        bundle["signature"] = ca_key.sign(_signed_bytes(bundle), ec.ECDSA(hashes.SHA256())).hex()
        return bundle

    def record_pairing(self, pc_name: str) -> None:
        """Note a PC paired (once its bundle is written): the Studio page lists them."""
        paired = self.paired()
        paired.append({"name": pc_name, "paired_at": _now().isoformat(timespec="seconds")})
        _write_private(self.paired_file, json.dumps(paired, indent=2).encode())

    def paired(self) -> list[dict]:
        try:
            data = read_json_limited(self.paired_file, max_bytes=MAX_BUNDLE_BYTES * 4, max_depth=4)
        except (OSError, ValueError):
            return []
        return [p for p in data if isinstance(p, dict)] if isinstance(data, list) else []


def write_bundle(bundle: dict, path: Path) -> None:
    """Write a pairing bundle, readable by this user only (it holds a private key)."""
    path = Path(path)
    if path.is_dir() or not path.parent.is_dir():
        raise StudioSetupError(f"“{printable(str(path))}” cannot be a pairing file: give a file name in an existing "
                               "folder (on a USB stick, say).")
    try:
        _write_private(path, json.dumps(bundle, indent=2).encode())
    except OSError as exc:
        raise StudioSetupError(f"The pairing file could not be written to “{printable(str(path))}”: "
                               f"{exc.strerror or exc}.") from None


@dataclass(frozen=True)
class WorkerPairing:
    identity: Identity
    scheduler: str
    pc: str


def worker_dir() -> Path:
    return studio_config_dir() / "worker"


def _refuse(reason: str) -> StudioSetupError:
    return StudioSetupError(f"This is not a usable pairing bundle: {reason}. Make a new one on the queue PC "
                            "(Studio → Add a PC, or `headshot-studio studio pair`) and import that.")


def check_bundle(data) -> dict:
    """``data`` if it is a pairing bundle that is whole, unexpired and self-consistent (the
    PC's certificate is signed by the CA in it and matches its key); else StudioSetupError."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(data, dict) or data.get("kind") != BUNDLE_KIND or type(data.get("version")) is not int \
            or data["version"] != BUNDLE_VERSION:
        raise _refuse("it is not a Headshot Studio pairing file")
    if not all(isinstance(data.get(k), str) for k in ("pc", "scheduler", "expires", "ca", "cert", "key", "signature")):
        raise _refuse("it is incomplete")
    if not valid_address(data["scheduler"]):
        raise _refuse("the queue's address in it is not valid")
    if not 0 < len(data["pc"]) <= MAX_PC_NAME or printable(data["pc"]) != data["pc"]:
        raise _refuse("the PC's name in it is not valid")
    try:
        expires = datetime.datetime.fromisoformat(data["expires"])
        ca = x509.load_pem_x509_certificate(data["ca"].encode())
        cert = x509.load_pem_x509_certificate(data["cert"].encode())
        key = serialization.load_pem_private_key(data["key"].encode(), password=None)
        cert.verify_directly_issued_by(ca)
        ca.public_key().verify(bytes.fromhex(data["signature"]), _signed_bytes(data), ec.ECDSA(hashes.SHA256()))
    except Exception:  # any parse or signature failure: the file was changed, damaged or made elsewhere
        raise _refuse("its certificates or its signature do not check out (it was changed or damaged)") from None
    if expires.tzinfo is None or expires < _now():
        raise _refuse("it has expired (a bundle is good for 24 hours)")
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        raise _refuse("its key does not belong to its certificate")
    return data


def import_bundle(path: Path) -> WorkerPairing:
    """Pair this PC as a worker of the studio whose bundle ``path`` is; the bundle file is
    deleted once it is stored (it is one-time: it holds this PC's private key)."""
    path = Path(path)
    try:
        data = read_json_limited(path, max_bytes=MAX_BUNDLE_BYTES, max_depth=4)
    except (OSError, ValueError) as exc:
        raise _refuse(f"it cannot be read ({type(exc).__name__})") from None
    import shutil

    data = check_bundle(data)
    final = worker_dir()
    staging = final.with_name("worker.new")  # all four files, then one rename: never half a pairing
    shutil.rmtree(staging, ignore_errors=True)
    try:
        folder = _private(staging)
        _write_private(folder / "worker-key.pem", data["key"].encode())
        _write_private(folder / "worker.pem", data["cert"].encode())
        _write_private(folder / "ca.pem", data["ca"].encode())
        _write_private(folder / "pairing.json", json.dumps({"scheduler": data["scheduler"], "pc": data["pc"]}).encode())
        old = final.with_name("worker.old")
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.replace(old)
        staging.replace(final)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StudioSetupError(f"This PC's pairing could not be stored: {exc.strerror or exc}. Free some space on "
                               "the disk and import the pairing file again.") from None
    try:
        path.unlink()
    except OSError:
        pass  # on a read-only stick: the operator is told to delete it
    return WorkerPairing(Identity(final / "ca.pem", final / "worker.pem", final / "worker-key.pem"),
                         data["scheduler"], data["pc"])


def worker_pairing() -> WorkerPairing:
    folder = worker_dir()
    identity = Identity(folder / "ca.pem", folder / "worker.pem", folder / "worker-key.pem")
    try:
        info = read_json_limited(folder / "pairing.json", max_bytes=MAX_BUNDLE_BYTES, max_depth=4)
    except (OSError, ValueError):
        info = None
    if not identity.exists() or not isinstance(info, dict) or not isinstance(info.get("scheduler"), str):
        raise StudioSetupError("This PC is not paired with a studio yet. On the queue PC make a pairing file "
                               "(Studio → Add a PC, or `headshot-studio studio pair`), then import it here with "
                               "`headshot-studio studio join FILE`.")
    return WorkerPairing(identity, info["scheduler"], str(info.get("pc", "")))


def forget_pairing() -> None:
    """Unpair this PC (its key and the studio's CA go)."""
    import shutil

    shutil.rmtree(worker_dir(), ignore_errors=True)
