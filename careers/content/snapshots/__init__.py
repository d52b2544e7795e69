"""The content snapshot: every curated item as plain data in the seed-file form.

One form serves everything that reads or writes content as a whole: seed files
(``careers.content.seeds``), file import and export (``careers.content.transfer``), pending
changes and the review workflow (``careers.content.workflow``), history, compare, revert and
preview. Its parts:

- ``specs``: how each kind of content maps onto the form (``CONTENT_SPECS``, ``spec_for``);
- ``build``: an item, a historical record or an unsaved item as a snapshot, the trimmed
  form seed files are written in, fingerprints and YAML;
- ``apply``: a snapshot read back into an item, validated, and written with its history;
- ``diff``: what differs between two snapshots.
"""

from careers.content.snapshots.apply import (
    Known,
    PlannedItem,
    SnapshotError,
    SnapshotReader,
    item_write,
    referenced_items,
    snapshot_apply,
)
from careers.content.snapshots.build import (
    Snapshot,
    export_form,
    fingerprint,
    in_file_order,
    item_snapshot,
    normalise_text,
    record_snapshot,
    snapshot_build,
    yaml_dump,
)
from careers.content.snapshots.diff import FieldChange, snapshot_diff, value_text
from careers.content.snapshots.specs import (
    CITATION_DEFAULTS,
    CITATION_FIELDS,
    CONTENT_SPECS,
    ChildSpec,
    ContentSpec,
    field_default,
    natural_key_field,
    spec_for,
    spec_queryset,
)

__all__ = [
    "CITATION_DEFAULTS",
    "CITATION_FIELDS",
    "CONTENT_SPECS",
    "ChildSpec",
    "ContentSpec",
    "FieldChange",
    "Known",
    "PlannedItem",
    "Snapshot",
    "SnapshotError",
    "SnapshotReader",
    "export_form",
    "field_default",
    "fingerprint",
    "in_file_order",
    "item_snapshot",
    "item_write",
    "natural_key_field",
    "normalise_text",
    "record_snapshot",
    "referenced_items",
    "snapshot_apply",
    "snapshot_build",
    "snapshot_diff",
    "spec_for",
    "spec_queryset",
    "value_text",
    "yaml_dump",
]
