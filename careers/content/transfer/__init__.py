"""Import and export of curated content as YAML, CSV and JSON, with a preview.

The file form is the seed-file form (``careers.content.snapshots``): an exported YAML file is
what ``load_seeds`` reads for that section, and items are matched by their natural key. We
build this on the seed loader rather than on django-import-export because the loader already
holds every rule an item must pass (citations, links by natural key, track children) and the
workflow already speaks in seed-form snapshots; a second description of the same content
would drift from the first.

An import never bypasses the review workflow. New items start as drafts, items nobody sees
yet (drafts, items in review, archived items) are changed in place, and a change to a
published item becomes its pending revision: the live version stays until a reviewer
publishes it. A ``status`` in the file is therefore never applied. Positions are not part of
the file form: existing items keep theirs and new items are placed after the last one, so
importing a filtered export does not reorder the rest.

Reading and writing files is ``files``; previewing and applying an import is ``imports``.
"""

from careers.content.transfer.files import (
    FORMATS,
    MAX_IMPORT_BYTES,
    MEDIA_TYPES,
    ImportFileError,
    content_export,
    content_export_filename,
    content_format_from_filename,
    content_parse,
    csv_columns,
)
from careers.content.transfer.imports import (
    ImportPreview,
    ImportRefused,
    ImportResult,
    ImportRow,
    ImportStale,
    RowAction,
    content_import_apply,
    content_import_preview,
    import_allowed,
)

__all__ = [
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "MEDIA_TYPES",
    "ImportFileError",
    "ImportPreview",
    "ImportRefused",
    "ImportResult",
    "ImportRow",
    "ImportStale",
    "RowAction",
    "content_export",
    "content_export_filename",
    "content_format_from_filename",
    "content_import_apply",
    "content_import_preview",
    "content_parse",
    "csv_columns",
    "import_allowed",
]
