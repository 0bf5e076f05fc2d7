"""TLS and mutual TLS between till and central, with throwaway CAs made by openssl."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from edge.config import load_config
from edge.storage.database import Database
from edge.sync.client import ClientTls, SyncClient, client_for
from edge.sync.runner import sync_once
from tests.central_process import CentralProcess, prepare_chain

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

EC = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
CA_CONFIG = """[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = any
[any]
commonName = supplied
"""


class Authority:
    """A throwaway CA in ``folder`` issuing server and till certificates."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.name = name
        self._openssl("req", "-x509", *EC, "-keyout", f"{name}.key", "-out", f"{name}.pem",
                      "-days", "2", "-subj", f"/CN=Kassa test CA {name}")
        self.pem = folder / f"{name}.pem"

    def _openssl(self, *args: str) -> None:
        subprocess.run(["openssl", *args], cwd=self.folder, check=True, capture_output=True)

    def issue(self, stem: str, common_name: str, san: str) -> tuple[Path, Path]:
        """A certificate valid for two days; returns (certificate, key)."""
        self._openssl("req", *EC, "-keyout", f"{stem}.key", "-out", f"{stem}.csr",
                      "-subj", f"/CN={common_name}")
        (self.folder / f"{stem}.cnf").write_text(f"subjectAltName={san}\n")
        self._openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", f"{self.name}.pem",
                      "-CAkey", f"{self.name}.key", "-CAcreateserial", "-out", f"{stem}.pem",
                      "-days", "2", "-extfile", f"{stem}.cnf")
        return self.folder / f"{stem}.pem", self.folder / f"{stem}.key"

    def issue_expired(self, stem: str, common_name: str) -> tuple[Path, Path]:
        """A certificate that expired in 2020; returns (certificate, key)."""
        self._openssl("req", *EC, "-keyout", f"{stem}.key", "-out", f"{stem}.csr",
                      "-subj", f"/CN={common_name}")
        (self.folder / "ca.cnf").write_text(CA_CONFIG)
        (self.folder / "index.txt").write_text("")
        (self.folder / "serial.txt").write_text("01\n")
        self._openssl("ca", "-batch", "-config", "ca.cnf", "-cert", f"{self.name}.pem",
                      "-keyfile", f"{self.name}.key", "-in", f"{stem}.csr", "-out", f"{stem}.pem",
                      "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext")
        return self.folder / f"{stem}.pem", self.folder / f"{stem}.key"


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1; returns (ca, cert, key)."""
    ca = Authority(folder, "ca")
    cert, key = ca.issue("central", "central", "IP:127.0.0.1,DNS:localhost")
    return ca.pem, cert, key


def test_a_till_syncs_over_tls_and_plaintext_is_refused(tmp_path: Path) -> None:
    ca, cert, key = make_certificates(tmp_path)
    tokens = prepare_chain(tmp_path / "central.db")
    central = CentralProcess(tmp_path / "central.db",
                             tls_args=["--tls-cert", str(cert), "--tls-key", str(key)])
    central.start()
    database = Database(tmp_path / "till.db")
    secure = SyncClient(central.address, tokens["A1"], till_id="A1", store_id="kyiv-1",
                        timeout_s=5, tls=ClientTls(ca))
    plain = SyncClient(central.address, tokens["A1"], timeout_s=2)
    try:
        sync_once(database, secure)
        assert database.scalar("SELECT COUNT(*) FROM products") > 0
        with pytest.raises(grpc.RpcError) as refused:
            list(plain.subscribe(0))
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        secure.close()
        plain.close()
        database.close()
        central.stop()


class Mutual:
    """Central requiring client certificates of ``ca``, and the tokens of tills A1, B1."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path
        self.ca = Authority(tmp_path / "pki", "ca")
        cert, key = self.ca.issue("central", "central", "IP:127.0.0.1,DNS:localhost")
        self.tokens = prepare_chain(tmp_path / "central.db")
        self.central = CentralProcess(
            tmp_path / "central.db",
            tls_args=["--tls-cert", str(cert), "--tls-key", str(key),
                      "--client-ca", str(self.ca.pem)],
        )

    def client(self, till_id: str, cert: Path | None, key: Path | None) -> SyncClient:
        store = "kyiv-1" if till_id == "A1" else "lviv-1"
        return SyncClient(self.central.address, self.tokens[till_id], till_id=till_id,
                          store_id=store, timeout_s=5, tls=ClientTls(self.ca.pem, "", cert, key))

    def refusal(self, till_id: str, cert: Path | None, key: Path | None) -> grpc.StatusCode:
        """The status a sync round with this certificate ends in."""
        client = self.client(till_id, cert, key)
        database = Database(self.folder / f"{till_id}-{cert.stem if cert else 'none'}.db")
        try:
            with pytest.raises(grpc.RpcError) as refused:
                sync_once(database, client)
            code: grpc.StatusCode = refused.value.code()
            return code
        finally:
            client.close()
            database.close()


@pytest.fixture
def mutual(tmp_path: Path) -> Iterator[Mutual]:
    made = Mutual(tmp_path)
    made.central.start()
    try:
        yield made
    finally:
        made.central.stop()


def test_with_mutual_tls_a_till_syncs_with_its_certificate_from_its_config(
    mutual: Mutual,
) -> None:
    cert, key = mutual.ca.issue("a1", "A1", "DNS:a1.tills.example")
    config_path = mutual.folder / "edge.toml"
    config_path.write_text(f"""
[till]
id = "A1"
store_id = "kyiv-1"
data_dir = "a1"
[central]
address = "{mutual.central.address}"
token = "{mutual.tokens['A1']}"
ca_file = "pki/ca.pem"
client_cert = "{cert}"
client_key = "{key}"
[printer]
kind = "dummy"
""")
    config = load_config(config_path)
    assert config.central_ca_file == mutual.ca.pem
    database = Database(config.database_path)
    client = client_for(config)
    try:
        sync_once(database, client)
        assert database.scalar("SELECT COUNT(*) FROM products") > 0
    finally:
        client.close()
        database.close()


def test_a_subject_alternative_name_may_name_the_till(mutual: Mutual) -> None:
    cert, key = mutual.ca.issue("b1", "Lviv till", "DNS:B1")
    client = mutual.client("B1", cert, key)
    database = Database(mutual.folder / "b1.db")
    try:
        sync_once(database, client)
        assert database.scalar("SELECT COUNT(*) FROM products") > 0
    finally:
        client.close()
        database.close()


def test_without_a_certificate_the_handshake_is_refused(mutual: Mutual) -> None:
    assert mutual.refusal("A1", None, None) == grpc.StatusCode.UNAVAILABLE


def test_the_certificate_of_another_till_is_refused(mutual: Mutual) -> None:
    cert, key = mutual.ca.issue("b1", "B1", "DNS:B1")
    assert mutual.refusal("A1", cert, key) == grpc.StatusCode.PERMISSION_DENIED
    assert "till A1: refused a client certificate for B1" in mutual.central.log_path.read_text()


def test_expired_and_unknown_ca_certificates_are_refused(mutual: Mutual) -> None:
    expired, expired_key = mutual.ca.issue_expired("expired", "A1")
    assert mutual.refusal("A1", expired, expired_key) == grpc.StatusCode.UNAVAILABLE
    stranger = Authority(mutual.folder / "other", "other")
    cert, key = stranger.issue("a1", "A1", "DNS:A1")
    assert mutual.refusal("A1", cert, key) == grpc.StatusCode.UNAVAILABLE
