"""`ctibot trust` sets ca_bundle in the administrator's own file: comments and order survive."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config_edit import ClusterNotInFile, set_cluster_key

CONFIG = """\
# ctibot settings for the lab
[server]
port = 3000  # behind the proxy

[[clusters]]
name = "a"   # first cluster
host = "10.0.0.1"
nodes = { "cucm-sub1" = "10.0.0.2" }

# the second one
[[clusters]]
name = "b"
host = "10.1.0.1"
ca_bundle = "/old/b.pem"  # pinned last year

[clusters.param_names]
max_devices_per_provider = "MaxDevicesPerProvider"
"""


def test_adds_the_key_to_the_named_cluster_keeping_comments(tmp_path: Path) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    set_cluster_key(path, "a", "ca_bundle", "/etc/ctibot/a-ca.pem")
    text = path.read_text(encoding="utf-8")
    assert text == CONFIG.replace(
        '"10.0.0.2" }\n', '"10.0.0.2" }\nca_bundle = "/etc/ctibot/a-ca.pem"\n'
    )


def test_replaces_an_existing_value_in_place(tmp_path: Path) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    set_cluster_key(path, "b", "ca_bundle", "/etc/ctibot/b-ca.pem")
    text = path.read_text(encoding="utf-8")
    assert 'ca_bundle = "/etc/ctibot/b-ca.pem"  # pinned last year' in text
    clusters = tomllib.loads(text)["clusters"]
    assert clusters[1]["param_names"] == {"max_devices_per_provider": "MaxDevicesPerProvider"}
    assert "ca_bundle" not in clusters[0]


def test_a_key_added_before_a_sub_table_stays_in_the_cluster(tmp_path: Path) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG.replace('ca_bundle = "/old/b.pem"  # pinned last year\n', ""))
    set_cluster_key(path, "b", "ca_bundle", "/etc/ctibot/b-ca.pem")
    cluster = tomllib.loads(path.read_text(encoding="utf-8"))["clusters"][1]
    assert cluster["ca_bundle"] == "/etc/ctibot/b-ca.pem"
    assert "ca_bundle" not in cluster["param_names"]


def test_an_unknown_cluster_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    with pytest.raises(ClusterNotInFile, match="name = 'c'"):
        set_cluster_key(path, "c", "ca_bundle", "/x.pem")
    assert path.read_text(encoding="utf-8") == CONFIG
