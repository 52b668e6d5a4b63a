"""What a doctor run found, front-end neutral: the CLI, `--json` and Slack render it.

A finding is one check on one subject (the cluster, a node, a parameter) with
its mark and, when it is not a pass, the fix: a config line, a CUCM role and
where to grant it, or a command to run.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Mark(StrEnum):
    PASS = "pass"
    WARN = "warn"  # works, but needs attention soon (an expiring certificate)
    FAIL = "fail"
    SKIP = "skip"  # could not be checked because an earlier check failed


SYMBOLS = {Mark.PASS: "✓", Mark.WARN: "⚠", Mark.FAIL: "✗", Mark.SKIP: "-"}


@dataclass(frozen=True)
class Finding:
    check: str  # the check's name, e.g. "reach", "tls", "credentials"
    subject: str  # what was checked: the cluster, a node, an API, a parameter
    mark: Mark
    detail: str
    fix: str = ""


@dataclass
class Report:
    cluster: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """⚠ is allowed; a failure, or a check that could not run, is not."""
        return all(f.mark in (Mark.PASS, Mark.WARN) for f in self.findings)

    def count(self, mark: Mark) -> int:
        return sum(1 for f in self.findings if f.mark is mark)


def to_json(reports: list[Report]) -> str:
    return json.dumps(
        {
            "passed": all(r.passed for r in reports),
            "clusters": [
                {
                    "cluster": r.cluster,
                    "passed": r.passed,
                    "findings": [asdict(f) for f in r.findings],
                }
                for r in reports
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def finding_lines(finding: Finding) -> list[str]:
    """The finding on one line, and its fix indented under it when it needs one."""
    lines = [f"{SYMBOLS[finding.mark]} {finding.check}: {finding.subject}: {finding.detail}"]
    if finding.fix and finding.mark is not Mark.PASS:
        lines += [f"    fix: {line}" for line in finding.fix.splitlines()]
    return lines


def summary(report: Report) -> str:
    passes, warns = report.count(Mark.PASS), report.count(Mark.WARN)
    fails, skips = report.count(Mark.FAIL), report.count(Mark.SKIP)
    return f"{passes} passed, {warns} warnings, {fails} failed, {skips} not checked"


def to_lines(report: Report) -> list[str]:
    """Plain text for logs and chat: a heading, the findings, a one-line summary."""
    lines = [f"Cluster {report.cluster}"]
    for finding in report.findings:
        lines += [f"  {line}" for line in finding_lines(finding)]
    lines.append(f"  {summary(report)}")
    return lines
