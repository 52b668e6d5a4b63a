"""What `ctibot doctor` prints is pasteable: no emoji in fingerprints, no newline in a fix."""

from __future__ import annotations

import pytest

from bot.cli.doctor import _print
from bot.doctor.report import Finding, Mark, Report

FINGERPRINT = "3C:31:D7:60:72:CC:90:A6:6A:A9:88:5C:54:63:50:18:67:3A:B2:3B:CF:AB:9C:20"


def test_a_fingerprint_holding_an_emoji_code_prints_as_it_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fix = 'In the cluster\'s config section: param_names = { max_devices_per_provider = "X" }'
    long_fix = fix + " " + "x" * 300
    report = Report(
        "lab",
        [Finding("tls", "publisher", Mark.FAIL, f"pinned SHA-256 {FINGERPRINT}", long_fix)],
    )
    _print([report])
    out = capsys.readouterr().out
    assert f"pinned SHA-256 {FINGERPRINT}" in out
    assert long_fix in out
