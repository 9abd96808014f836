"""`workbench explore SOURCE TARGET`: the explorer notebook served by Voilà on localhost.

The sides are captured (or loaded) first and saved as snapshot files in a private temporary
folder, so that the notebook Voilà runs holds file names, never a DSN or its password. The
explore notebook, its parameters injected as papermill does, is served from there; the URL is
printed once the server answers. Ctrl-C stops the server and removes the folder.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from workbench.errors import WorkbenchError

READY_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(source: str, target: str, folder: Path, schemas: Sequence[str] = (), plan_dir: str = "") -> Path:
    """explore.ipynb with its parameters (snapshot files in `folder`) injected, written into folder."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from workbench.report import notebook_path
    from workbench.snapshot import open_pair

    source_snap, target_snap = open_pair(source, target)
    source_snap.save(folder / "source.snapshot.json")
    target_snap.save(folder / "target.snapshot.json")
    notebook = load_notebook_node(str(notebook_path("explore.ipynb")))      # as papermill reads it (tags)
    parameters = {"source": "source.snapshot.json", "target": "target.snapshot.json", "schemas": list(schemas),
                  "plan_dir": str(Path(plan_dir).resolve()) if plan_dir else ""}
    notebook = parameterize_notebook(notebook, parameters)
    path = folder / "explore.ipynb"
    nbformat.write(notebook, path)
    return path


def command(notebook: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
            "--Voila.ip=127.0.0.1", "--theme=light", "--show_tracebacks=False",
            "--VoilaConfiguration.file_allowlist=[]"]


def wait_until_ready(process: subprocess.Popen[Any], port: int, timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise WorkbenchError(f"the Voila server stopped (exit {process.returncode}) before it answered")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise WorkbenchError(f"the Voila server did not answer on port {port} within {timeout:.0f} s")


def serve(source: str, target: str, schemas: Sequence[str] = (), plan_dir: str = "", port: int = 0) -> int:
    """Serve the explorer until interrupted; prints `explorer: URL` once it answers. Exit 0."""
    import signal

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt        # SIGTERM too stops the server and removes the folder

    previous = signal.signal(signal.SIGTERM, stop)
    folder = Path(tempfile.mkdtemp(prefix="drift-explore-"))
    process = None
    try:
        notebook = prepare(source, target, folder, schemas, plan_dir)
        port = port or free_port()
        with open(folder / "voila.log", "w") as log:
            process = subprocess.Popen(command(notebook, port), cwd=folder, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(process, port)
        except WorkbenchError as error:
            lines = (folder / "voila.log").read_text(errors="replace").strip().splitlines()
            raise WorkbenchError(f"{error}: {lines[-1] if lines else 'no output'}") from None
        print(f"explorer: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
        try:
            process.wait()
        except KeyboardInterrupt:
            pass
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)
