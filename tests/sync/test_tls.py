"""TLS between till and central, with a throwaway CA made by the openssl command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import grpc
import pytest

from edge.storage.database import Database
from edge.sync.client import ClientTls, SyncClient
from edge.sync.runner import sync_once
from tests.central_process import CentralProcess, prepare_chain

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1; returns (ca, cert, key)."""
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Kassa test CA")
    openssl("req", *ec, "-keyout", "central.key", "-out", "central.csr", "-subj", "/CN=central")
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "central.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "central.pem", "-days", "2", "-extfile", "san.cnf")
    return folder / "ca.pem", folder / "central.pem", folder / "central.key"


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
