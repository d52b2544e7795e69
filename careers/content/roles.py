"""The two editorial roles and what each may do in the admin.

Editors create and edit curated content and submit it for review; reviewers also publish,
archive and revert. Neither may delete: archiving takes content off the site and keeps it.
Staff users in neither group see no content in the admin.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from careers.content.models import AdviceFeedback, AdviceStats, ContentRevision, Tag
from careers.content.snapshots import CONTENT_SPECS

EDITOR = "Editor"
REVIEWER = "Reviewer"

# Tags have no review workflow: a new or renamed tag shows on public pages at once, so only
# reviewers change them and editors pick from the existing ones.
EDITED_MODELS = tuple(
    model
    for spec in CONTENT_SPECS
    if spec.model is not Tag
    for model in (spec.model, *(child.model for child in spec.children))
)
VIEWED_MODELS = (ContentRevision, AdviceStats, AdviceFeedback)


def _codenames(models, actions) -> set[tuple[str, str]]:
    return {
        (m._meta.app_label, f"{action}_{m._meta.model_name}") for m in models for action in actions
    }


EDITOR_PERMISSIONS = (
    _codenames(EDITED_MODELS, ("add", "change", "view"))
    | _codenames(VIEWED_MODELS, ("view",))
    | _codenames((Tag,), ("view",))
)
ROLE_PERMISSIONS = {
    EDITOR: EDITOR_PERMISSIONS,
    REVIEWER: EDITOR_PERMISSIONS
    | _codenames((Tag,), ("add", "change"))
    | {("content", "publish_content")},
}


def roles_setup() -> dict[str, int]:
    """Create both groups and give each exactly its permissions; safe to run again."""
    ContentType.objects.clear_cache()
    counts = {}
    for name, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in sorted(wanted)
        ]
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
