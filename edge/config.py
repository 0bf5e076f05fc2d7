"""The till's configuration file (TOML): which till, which central, which printer."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge.i18n import LANGUAGES
from edge.printing.config import PrinterConfig, PrinterConfigError, parse_printer_config
from edge.scanner.config import ScannerConfig, ScannerConfigError, parse_scanner_config


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or has a bad value; says which."""


@dataclass(frozen=True)
class TillConfig:
    till_id: str
    store_id: str
    language: str
    data_dir: Path
    central_address: str
    central_token: str
    sync_interval_s: float
    printer: PrinterConfig
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    # TLS to central: trust its certificate through this CA; without it, plaintext.
    central_ca_file: Path | None = None
    central_server_name: str = ""
    # The till's own certificate and key for a central that requires one (mutual TLS).
    central_client_cert: Path | None = None
    central_client_key: Path | None = None

    @property
    def database_path(self) -> Path:
        return self.data_dir / "edge.db"


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    section = data.get(name)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: section [{name}] is missing")
    return section


def _text(section: dict[str, Any], key: str, where: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty string, got {value!r}")
    return value.strip()


def _file(section: dict[str, Any], key: str, where: str, base: Path) -> Path | None:
    """An optional path to an existing file, relative to the config file's folder."""
    if key not in section:
        return None
    found = Path(_text(section, key, where))
    if not found.is_absolute():
        found = (base / found).resolve()
    if not found.is_file():
        raise ConfigError(f"{where}: '{key}' names no readable file: {str(found)!r}")
    return found


def load_config(path: Path) -> TillConfig:
    """Read and validate a till config file; raises ConfigError naming what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    till = _section(data, "till", path)
    central = _section(data, "central", path)
    language = till.get("language", "en")
    if language not in LANGUAGES:
        raise ConfigError(
            f"{path} [till]: language {language!r} is not one of {', '.join(LANGUAGES)}"
        )
    interval = central.get("sync_interval_s", 5)
    if not isinstance(interval, int | float) or not 0.1 <= interval <= 3600:
        raise ConfigError(f"{path} [central]: sync_interval_s must be 0.1..3600, got {interval!r}")
    where = f"{path} [central]"
    ca_file = _file(central, "ca_file", where, path.parent)
    client_cert = _file(central, "client_cert", where, path.parent)
    client_key = _file(central, "client_key", where, path.parent)
    if (client_cert is None) != (client_key is None):
        raise ConfigError(f"{where}: 'client_cert' and 'client_key' go together")
    if client_cert is not None and ca_file is None:
        raise ConfigError(f"{where}: 'client_cert' needs 'ca_file' (TLS to central)")
    server_name = _text(central, "server_name", where) if "server_name" in central else ""
    data_dir = Path(_text(till, "data_dir", f"{path} [till]"))
    if not data_dir.is_absolute():
        data_dir = (path.parent / data_dir).resolve()
    try:
        printer = parse_printer_config(_section(data, "printer", path))
    except PrinterConfigError as exc:
        raise ConfigError(f"{path} [printer]: {exc}") from exc
    scanner_section = data.get("scanner", {})
    if not isinstance(scanner_section, dict):
        raise ConfigError(f"{path}: [scanner] must be a table")
    try:
        scanner = parse_scanner_config(scanner_section)
    except ScannerConfigError as exc:
        raise ConfigError(f"{path} [scanner]: {exc}") from exc
    return TillConfig(
        till_id=_text(till, "id", f"{path} [till]"),
        store_id=_text(till, "store_id", f"{path} [till]"),
        language=language,
        data_dir=data_dir,
        central_address=_text(central, "address", f"{path} [central]"),
        central_token=_text(central, "token", f"{path} [central]"),
        sync_interval_s=float(interval),
        printer=printer,
        scanner=scanner,
        central_ca_file=ca_file,
        central_server_name=server_name,
        central_client_cert=client_cert,
        central_client_key=client_key,
    )
