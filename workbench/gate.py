"""The CI gate: is TARGET in parity with SOURCE? Exit 0 yes, 1 drift, 2 error (an unreadable side).

Parity here is "no drift in scope": nothing only in the source, only in the target or changed,
for the kinds, schemas and ignore patterns given (`.workbenchignore`). The outputs are made for CI
logs: a short text summary, GitHub Actions workflow commands (`::error ...`, one per kind so
that the run's annotation limit is not spent on single objects) and a JUnit XML report (one test
case per kind) for CI systems that collect those.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from workbench.compare import CompareOptions, Drift
    from workbench.sides import Shadow

FORMATS = ("text", "github", "junit")
_WORDS = {"only_in_source": "missing in target", "only_in_target": "only in target", "changed": "changed"}
_MARKS = {"only_in_source": "+", "only_in_target": "-", "changed": "~"}


@dataclass
class CheckResult:
    drift: "Drift"
    source_label: str
    target_label: str
    ignore_count: int = 0
    annotate_file: str = ""          # a SQL file SOURCE: GitHub annotations point at it

    @property
    def ok(self) -> bool:
        return not self.drift.has_drift

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def per_kind(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for obj in self.drift.objects():
            grouped.setdefault(obj["kind"], []).append(obj)
        return grouped

    def _counts(self, kind: str) -> str:
        row = self.drift.counts[kind]
        return ", ".join(f"{row[s]} {_WORDS[s]}" for s in _WORDS if row[s])

    def _scope(self) -> str:
        compared = sum(n for counts in self.drift.counts.values() for n in counts.values())
        text = f"{compared} objects in {len(self.drift.counts)} kinds compared"
        if self.ignore_count:
            text += f", {self.ignore_count} ignore pattern{'s' if self.ignore_count != 1 else ''}"
        return text

    def headline(self) -> str:
        if self.ok:
            return f"parity: {self.target_label} matches {self.source_label} ({self._scope()})"
        drifted = len(self.drift.objects())
        return (f"drift: {self.target_label} differs from {self.source_label} in {drifted} "
                f"object{'s' if drifted != 1 else ''} ({self._scope()})")

    def text(self, limit: int | None = 20) -> str:
        """A few lines for a CI log: the verdict, counts per kind, the first objects."""
        from workbench.present.labels import object_name as identity_label

        lines = [self.headline()]
        grouped = self.per_kind()
        width = max([len(kind) for kind in grouped] + [4])
        for kind in grouped:
            lines.append(f"  {kind:<{width}}  {self._counts(kind)}")
        if grouped:
            lines.append("  (+ missing in target, - only in target, ~ changed)")
        shown = 0
        for kind, objects in grouped.items():
            for obj in objects:
                if limit is not None and shown >= limit:
                    break
                detail = f"  [{', '.join(obj['differences'])}]" if obj["differences"] else ""
                lines.append(f"  {_MARKS[obj['status']]} {kind} {identity_label(kind, obj['identity'])}{detail}")
                shown += 1
        total = len(self.drift.objects())
        if limit is not None and total > shown:
            lines.append(f"  ... and {total - shown} more (workbench diff SOURCE TARGET lists them all)")
        return "\n".join(lines)

    def github(self, limit: int | None = 20) -> str:
        """GitHub Actions workflow commands: one ::error per drifted kind, and the verdict."""
        from workbench.present.labels import object_name as identity_label

        where = f"file={_property(self.annotate_file)}," if self.annotate_file else ""
        lines = []
        for kind, objects in self.per_kind().items():
            shown = objects if limit is None else objects[:limit]
            body = [f"{_MARKS[o['status']]} {identity_label(kind, o['identity'])}"
                    + (f" [{', '.join(o['differences'])}]" if o["differences"] else "") for o in shown]
            if len(shown) < len(objects):
                body.append(f"... and {len(objects) - len(shown)} more")
            title = _property(f"schema drift: {kind} ({self._counts(kind)})")
            lines.append(f"::error {where}title={title}::{_data(chr(10).join(body))}")
        if self.ok:
            lines.append(f"::notice title=schema parity::{_data(self.headline())}")
        else:
            lines.append(f"::error title=schema drift::{_data(self.headline())}")
        return "\n".join(lines)

    def junit(self) -> str:
        """JUnit XML: a test suite `schema drift`, one test case per compared kind."""
        import xml.etree.ElementTree as ElementTree

        from workbench.present.labels import object_name as identity_label

        grouped = self.per_kind()
        suites = ElementTree.Element("testsuites", name="workbench check")
        suite = ElementTree.SubElement(suites, "testsuite", name="schema drift", tests=str(len(self.drift.counts)),
                                       failures=str(len(grouped)), errors="0", skipped="0")
        properties = ElementTree.SubElement(suite, "properties")
        for name, value in (("source", self.source_label), ("target", self.target_label)):
            ElementTree.SubElement(properties, "property", name=name, value=value)
        for kind in self.drift.counts:
            case = ElementTree.SubElement(suite, "testcase", classname="schema drift", name=kind)
            if kind in grouped:
                failure = ElementTree.SubElement(case, "failure", type="drift", message=self._counts(kind))
                failure.text = "\n".join(f"{_MARKS[o['status']]} {identity_label(kind, o['identity'])}"
                                         + (f" [{', '.join(o['differences'])}]" if o["differences"] else "")
                                         for o in grouped[kind])
        ElementTree.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"

    def render(self, output_format: str, limit: int | None = 20) -> str:
        if output_format == "github":
            return self.github(limit)
        if output_format == "junit":
            return self.junit()
        return self.text(limit)


def _data(text: str) -> str:
    """A workflow command's message, escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value (title, file), escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def check(source: str, target: str, options: "CompareOptions | None" = None, shadow: "Shadow" = None,
          progress: Callable[[str], None] | None = None) -> CheckResult:
    """Compare source with target (any sides) in the options' scope: the gate's verdict."""
    from workbench.compare import CompareOptions, compare
    from workbench.sides import classify, open_pair

    options = options or CompareOptions()
    source_snap, target_snap = open_pair(source, target, options.selected_kinds(), progress=progress,
                                         fingerprints=True, shadow=shadow)
    drift = compare(source_snap, target_snap, options)
    side = classify(source)
    annotate = side.spec if side.kind == "sql" and side.path is not None and side.path.is_file() else ""
    return CheckResult(drift, classify(source).label, classify(target).label, len(options.ignore), annotate)
