"""A papermill engine that runs a notebook in this process: the kernel is the workbench process.

`workbench report` executes its notebooks with papermill as a user would (parameters injected
after the `parameters` cell, papermill's metadata, its error cell and PapermillExecutionError on a
failing cell), but not in a kernel of its own: starting a kernel is a new Python that imports
pandas, plotly and workbench again (about a second of CPU each), and it then reads and checks
again the files this process has just written. Here each code cell is compiled and run in a fresh
namespace of this process, what it displays (IPython's display machinery) and prints is recorded
as the cell's outputs, exactly the mime bundles a kernel would send, and the notebook can be
handed the pipeline's objects (workbench.present.reuse). The executed notebook is the same file:
it reruns unchanged in JupyterLab, in a kernel.

Outputs are kept per thread: a notebook may run in a worker thread while the main thread applies
a plan (its own prints go on to the terminal). One notebook runs at a time per thread.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import sys
import threading
import traceback
from typing import Any, Iterator, TextIO

ENGINE = "workbench-in-process"

_local = threading.local()          # .outputs: the list of outputs of the cell running in this thread
_install_lock = threading.Lock()


def _sink() -> list[Any] | None:
    found: list[Any] | None = getattr(_local, "outputs", None)
    return found


class _RoutedStream:
    """sys.stdout / sys.stderr: writes from a thread running a cell become its stream outputs,
    every other write goes where it went before."""

    def __init__(self, name: str, fallback: TextIO) -> None:
        self.name, self.fallback = name, fallback

    def write(self, text: str) -> int:
        outputs = _sink()
        if outputs is None:
            return self.fallback.write(text)
        from nbformat.v4 import new_output

        if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1].get("name") == self.name:
            outputs[-1]["text"] += text
        else:
            outputs.append(new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:
        if _sink() is None:
            self.fallback.flush()

    def __getattr__(self, name: str) -> Any:          # encoding, isatty, fileno, ...: the real stream's
        return getattr(self.fallback, name)


def _shell() -> Any:
    """This process's IPython shell (made once, without a history file), its display publisher
    routing a cell's displays into the outputs of the cell that runs in the calling thread (and
    every other display where it went before)."""
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    with _install_lock:
        if not InteractiveShell.initialized():
            from traitlets.config import Config

            InteractiveShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
        shell = InteractiveShell.instance()
        if not getattr(shell.display_pub, "workbench_routed", False):
            fallback = shell.display_pub

            class Routed(DisplayPublisher):  # type: ignore[misc]
                workbench_routed = True

                def publish(self, data: dict[str, Any], metadata: dict[str, Any] | None = None,
                            *args: Any, **kwargs: Any) -> None:
                    outputs = _sink()
                    if outputs is None:
                        fallback.publish(data, metadata, *args, **kwargs)
                        return
                    from nbformat.v4 import new_output

                    outputs.append(new_output("display_data", data=data, metadata=metadata or {}))

                def clear_output(self, wait: bool = False) -> None:
                    outputs = _sink()
                    if outputs is None:
                        fallback.clear_output(wait)
                    else:
                        outputs.clear()

            shell.display_pub = Routed(shell=shell)
    return shell


@contextlib.contextmanager
def _routed_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr routed (see _RoutedStream) while a notebook runs, then put back."""
    saved: dict[str, TextIO] = {}
    with _install_lock:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if not isinstance(stream, _RoutedStream):
                saved[name] = stream
                setattr(sys, name, _RoutedStream(name, stream))
    try:
        yield
    finally:
        with _install_lock:
            for name, original in saved.items():
                stream = getattr(sys, name)
                if isinstance(stream, _RoutedStream) and stream.fallback is original:
                    setattr(sys, name, original)


def run_cell(shell: Any, source: str, namespace: dict[str, Any], count: int) -> list[Any]:
    """Run one cell's source in namespace: its outputs, the last expression's value as the
    execute_result (as a kernel shows it); an exception becomes an error output and stops there."""
    from nbformat.v4 import new_output

    outputs: list[Any] = []
    _local.outputs = outputs
    filename = f"<cell {count}>"
    try:
        tree = ast.parse(source, filename=filename)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, filename, "exec"), namespace)
        assert last is None or isinstance(last, ast.Expr)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
            if value is not None:
                data, metadata = shell.display_formatter.format(value)
                outputs.append(new_output("execute_result", data=data, metadata=metadata, execution_count=count))
    except Exception as error:
        lines = traceback.format_exception(type(error), error, error.__traceback__.tb_next if error.__traceback__ else None)
        outputs.append(new_output("error", ename=type(error).__name__, evalue=str(error),
                                  traceback=[line.rstrip("\n") for line in lines]))
    finally:
        _local.outputs = None
    return outputs


def _engine() -> type[Any]:
    from papermill.engines import Engine

    class InProcessEngine(Engine):  # type: ignore[misc]
        """papermill's engine interface over run_cell: cells in order, in one fresh namespace."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> None:
            shell = _shell()
            namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": lambda: shell}
            with _routed_streams():
                cls._cells(nb_man, shell, namespace)
            nb_man.nb.metadata["language_info"] = {"name": "python", "version": ".".join(map(str, sys.version_info[:3])),
                                                   "mimetype": "text/x-python", "file_extension": ".py"}

        @classmethod
        def _cells(cls, nb_man: Any, shell: Any, namespace: dict[str, Any]) -> None:
            count = 0
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                count += 1
                nb_man.cell_start(cell, index)
                cell.execution_count = count
                cell.outputs = run_cell(shell, cell.source, namespace, count)
                failed = any(output.get("output_type") == "error" for output in cell.outputs)
                if failed:
                    nb_man.cell_exception(cell, index)
                nb_man.cell_complete(cell, index)
                if failed:
                    break

    return InProcessEngine


def register() -> str:
    """Register the engine with papermill (once); its name for execute_notebook(engine_name=...)."""
    from papermill.engines import papermill_engines

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, _engine())
    return ENGINE
