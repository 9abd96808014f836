"""workbench.aside: a job run in a forked child (or inline) reports its outcome to wait()."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench import aside
from workbench.errors import WorkbenchError


@pytest.mark.parametrize("inline", [False, True], ids=["forked", "inline"])
def test_a_job_aside_writes_its_file_and_tells_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         inline: bool) -> None:
    if inline:
        monkeypatch.setenv("WORKBENCH_NO_FORK", "1")
    parent = os.getpid()
    out = tmp_path / "written.txt"
    job = aside.start(lambda: out.write_text(f"{os.getpid() != parent}"))
    job.wait()
    assert out.read_text() == str(not inline)            # forked: written by another process

    def refuse() -> None:
        raise WorkbenchError(f"cannot write {tmp_path}/x: No space left on device")

    failing = aside.start(refuse)
    with pytest.raises(WorkbenchError, match="No space left on device"):
        failing.wait()

    def bug() -> None:
        raise KeyError("kind")

    broken = aside.start(bug)
    with pytest.raises(Exception) as raised:
        broken.wait()
    assert "KeyError" in f"{type(raised.value).__name__}: {raised.value}"
    assert not isinstance(raised.value, WorkbenchError)          # a bug stays a bug (exit 3, not 2)


@pytest.mark.parametrize("inline", [False, True], ids=["forked", "inline"])
def test_a_job_aside_gives_back_its_result(monkeypatch: pytest.MonkeyPatch, inline: bool) -> None:
    """With result=True wait() returns what the job returned, through JSON either way (a result
    larger than a pipe's buffer too: the child writes it all before it ends)."""
    if inline:
        monkeypatch.setenv("WORKBENCH_NO_FORK", "1")
    parent = os.getpid()
    big = ["drop columns s.t.c%d" % i for i in range(20000)]
    job = aside.start(lambda: {"forked": os.getpid() != parent, "objects": big, "pair": (1, 2)}, result=True)
    assert job.wait() == {"forked": not inline, "objects": big, "pair": [1, 2]}
    assert aside.start(lambda: "ignored").wait() is None
