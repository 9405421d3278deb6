"""python scripts/healthcheck.py URL: exit 0 when URL answers 200 within 3 seconds, else 1.

The containers' health check (deploy/docker-compose.yml): the slim image has no curl, and the
check prints nothing (its output would land in `docker inspect`)."""

from __future__ import annotations

import sys
import urllib.request


def main() -> int:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=3) as answer:
            return 0 if answer.status == 200 else 1
    except Exception:  # any failure (refused, timeout, 5xx) means unhealthy
        return 1


if __name__ == "__main__":
    sys.exit(main())
