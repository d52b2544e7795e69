"""The knowledge base in the admin: every content type under the review workflow
(``workflow``), with history, compare and revert (``history``), previews (``preview``),
import and export (``imports``), registered in ``knowledge_base``; and the editors'
dashboard at ``/admin/review/`` (``dashboard``)."""

from careers.content.admin import knowledge_base  # noqa: F401  (registers the model admins)
