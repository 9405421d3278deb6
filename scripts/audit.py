"""make audit: pip-audit over requirements.lock, from the tools virtualenv (.venv-tools).

Reports, per package, what the vulnerability service knows. Advisories listed in
scripts/audit_accepted.txt (fixes that Rasa 3.6's pins forbid; docs/security.md says why) are
reported and accepted; any other advisory fails the run. Packages the service could not be asked
about (no network to it, as on the build machines) are counted and named, never taken as clean.
The full answer is written to results/audit.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = REPO_ROOT / "scripts" / "audit_accepted.txt"
REPORT = REPO_ROOT / "results" / "audit.json"
PIP_AUDIT = REPO_ROOT / ".venv-tools" / "bin" / "pip-audit"


def accepted() -> dict[str, str]:
    lines = ACCEPTED.read_text().splitlines()
    entries = (line.split(maxsplit=2) for line in lines if line.strip() and not line.startswith("#"))
    return {parts[0]: " ".join(parts[1:]) for parts in entries}


def main() -> int:
    REPORT.parent.mkdir(exist_ok=True)
    known = accepted()
    command = [str(PIP_AUDIT), "-r", str(REPO_ROOT / "requirements.lock"), "--no-deps", "--disable-pip"]
    command += ["--progress-spinner", "off", "-f", "json", "-o", str(REPORT)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if not REPORT.exists():
        print(done.stderr[-2000:], file=sys.stderr)
        return 2
    dependencies = json.loads(REPORT.read_text())["dependencies"]
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    findings = [(d["name"], d["version"], v) for d in dependencies for v in d.get("vulns", [])]
    unaccepted = [f for f in findings if f[2]["id"] not in known]
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} packages audited, {len(findings)} advisories")
    for name, version, vuln in findings:
        status = "accepted" if vuln["id"] in known else "NOT ACCEPTED"
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix"
        print(f"  {status}: {name} {version} {vuln['id']} (fixed in {fixes})")
    for advisory, why in known.items():
        print(f"  listed in scripts/audit_accepted.txt: {advisory} {why}")
    if skipped:
        print(
            f"WARNING: {len(skipped)} packages could not be audited (the vulnerability service did not "
            f"answer for them; here PyPI's JSON API is not reachable): {', '.join(skipped[:8])}"
            + (" …" if len(skipped) > 8 else "")
        )
    return 1 if unaccepted else 0


if __name__ == "__main__":
    sys.exit(main())
