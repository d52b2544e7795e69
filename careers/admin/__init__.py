"""The admin: curated content with its review workflow, and the learners' records."""

from careers.admin import content, plans  # noqa: F401  (registers the model admins)
