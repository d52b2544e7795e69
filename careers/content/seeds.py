"""Loading the seed content in ``seeds/`` into the knowledge base, and writing it back.

Every seeded row remembers the fingerprint of what the loader last wrote to it. On the next
load a row whose current fingerprint differs was changed by an editor in the admin: the loader
keeps it and reports it instead of overwriting the editor's work. Rows are matched by their
natural key (``slug`` or ``key``), never by primary key, so seeds load into any database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from careers.content.models import Status
from careers.content.snapshots import (
    CONTENT_SPECS,
    ContentSpec,
    Known,
    SnapshotError,
    SnapshotReader,
    export_form,
    fingerprint,
    in_file_order,
    item_snapshot,
    item_write,
    spec_queryset,
    yaml_dump,
)


@dataclass
class SectionReport:
    file: str
    section: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file} [{self.section}]: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept (changed in the admin since the last load)"
        )


@dataclass
class SeedReport:
    sections: list[SectionReport] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(len(s.created) + len(s.updated) for s in self.sections)

    @property
    def kept(self) -> list[tuple[str, str]]:
        return [(s.file, key) for s in self.sections for key in s.kept]


def _read_file(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    if not path.exists():
        raise SnapshotError(f"seeds/{name}: file not found in {directory}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SnapshotError(f"seeds/{name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise SnapshotError(f"seeds/{name}: expected a mapping of sections at the top level")
    return data


def _section_load(spec: ContentSpec, items: list[Any], known: Known, report: SectionReport):
    """Load one section's items; ``known`` gains them, for the sections that link to them."""
    existing = {
        getattr(obj, spec.key_field): obj for obj in spec_queryset(spec, spec.model.objects.all())
    }
    reader = SnapshotReader(spec, known)
    seen: set[str] = set()
    for index, raw in enumerate(items):
        key = raw.get(spec.key_field) if isinstance(raw, dict) else None
        if not isinstance(key, str):
            key = None
        if key in seen:
            raise reader.error(key, "appears twice")
        planned = reader.read(raw, index, existing.get(key))
        seen.add(planned.key)
        desired = planned.snapshot()
        stored = existing.get(planned.key)
        if stored is not None:
            known[spec.model][planned.key] = stored
            current = item_snapshot(stored)
            if current == desired:
                # Identical to the seed, whoever wrote it: the seed owns it again.
                if stored.seed_fingerprint != fingerprint(desired):
                    spec.model.objects.filter(pk=stored.pk).update(
                        seed_fingerprint=fingerprint(desired)
                    )
                report.unchanged.append(planned.key)
                continue
            if fingerprint(current) != stored.seed_fingerprint:
                report.kept.append(planned.key)
                continue
        version = None
        if spec.cited:
            # The loader writes only what changed: a change to live content is a new version.
            previous = stored.version if stored is not None else 0
            version = previous + 1 if planned.instance.status == Status.PUBLISHED else previous
        item_write(planned, seed_fingerprint=fingerprint(desired), version=version)
        (report.created if stored is None else report.updated).append(planned.key)
        known[spec.model][planned.key] = planned.instance


def seeds_load(*, directory: Path, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Load every seed file in ``directory``, all or nothing.

    Creates missing items, updates items whose seed text changed, leaves identical items
    alone, and keeps (and reports) items an editor changed since the last load. Any bad item
    aborts the whole load with a ``SnapshotError`` naming the file and the item.
    """
    files: dict[str, dict[str, Any]] = {}
    for spec in CONTENT_SPECS:
        if spec.file not in files:
            files[spec.file] = _read_file(directory, spec.file)
    for name, data in files.items():
        sections = {spec.section for spec in CONTENT_SPECS if spec.file == name}
        unknown = sorted(set(data) - sections)
        if unknown:
            raise SnapshotError(f"seeds/{name}: unknown section(s) {', '.join(unknown)}")

    report = SeedReport()
    known: Known = {}
    with transaction.atomic():
        for spec in CONTENT_SPECS:
            known[spec.model] = {
                getattr(obj, spec.key_field): obj for obj in spec.model.objects.all()
            }
            items = files[spec.file].get(spec.section) or []
            if not isinstance(items, list):
                raise SnapshotError(f"seeds/{spec.file}: '{spec.section}' must be a list of items")
            section = SectionReport(file=spec.file, section=spec.section)
            _section_load(spec, items, known, section)
            report.sections.append(section)
            if progress is not None:
                progress(section.summary())
    return report


def seeds_export(
    *, directory: Path, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Write the published content to seed files in ``directory``, in the format
    ``seeds_load`` reads; returns the number of items written per file.

    Loading the files and exporting again gives the same files, byte for byte.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for spec in CONTENT_SPECS:
        queryset = spec.model.objects.all()
        if spec.cited:
            queryset = queryset.filter(status=Status.PUBLISHED)
        items = [
            export_form(spec, obj) for obj in in_file_order(spec, spec_queryset(spec, queryset))
        ]
        files.setdefault(spec.file, {})[spec.section] = items
    counts: dict[str, int] = {}
    for name, sections in files.items():
        (directory / name).write_text(yaml_dump(sections), encoding="utf-8")
        counts[name] = sum(len(items) for items in sections.values())
        if progress is not None:
            progress(f"{name}: {counts[name]} item(s)")
    return counts
