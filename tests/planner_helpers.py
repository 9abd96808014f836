"""Shared by the planner tests: run a plan directory's stage files with psql, one by one."""
from __future__ import annotations

import subprocess
from pathlib import Path

from workbench import sandbox
from workbench.planner import STAGE_NAMES


def run_stage_files(plan_dir: Path, dsn: str) -> None:
    """Each stage file with `psql -v ON_ERROR_STOP=1 -f`, as a reviewer would run them."""
    for stage in STAGE_NAMES:
        result = subprocess.run([str(sandbox.binaries_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                 "-d", dsn, "-f", str(plan_dir / f"{stage}.sql")], capture_output=True, text=True)
        assert result.returncode == 0, f"{stage}.sql failed: {result.stderr[-800:]}"


def copy_database(server, template_dsn: str) -> str:
    """A fresh copy of a database (CREATE DATABASE ... TEMPLATE) on the same server."""
    import uuid

    import psycopg

    name = f"copy_{uuid.uuid4().hex[:10]}"
    template = template_dsn.rsplit("/", 1)[1]
    with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    if hasattr(server, "made"):
        server.made.append(name)
    return server.dsn(name)
