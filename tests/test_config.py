"""Till config files: the demo's is valid; a bad one gets a message that names what is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from central.demo import till_config
from edge.config import ConfigError, load_config

GOOD = till_config(
    till_id="T1", store_id="kyiv-1", address="127.0.0.1:50651", token="secret",
    data_dir=Path("/tmp/till"),
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edge.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert (config.till_id, config.store_id, config.language) == ("T1", "kyiv-1", "uk")
    assert config.printer.kind == "file" and config.printer.code_page == "CP1251"
    assert config.database_path == Path("/tmp/till/edge.db")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('language = "uk"', 'language = "de"'), "language 'de' is not one of ru, uk, en"),
        (('id = "T1"', 'id = ""'), "'id' must be a non-empty string"),
        (("sync_interval_s = 5", "sync_interval_s = 0"), "sync_interval_s must be 0.1..3600"),
        (('kind = "file"', 'kind = "laser"'), "[printer]"),
        (("[central]", "[centrall]"), "section [central] is missing"),
        (("width = 42", "width = 42 42"), "not valid TOML"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, GOOD.replace(*change)))
    assert message in str(error.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")


def test_the_edge_command_refuses_a_bad_config_with_status_2(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('language = "uk"', 'language = "de"'))
    result = subprocess.run(
        [sys.executable, "-m", "edge.cli", "--config", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "language 'de'" in result.stderr
