from django.conf import settings
from django.db import migrations, models

# Trigram indexes for the admin's searches of learners by part of a name or an address
# (Django's search is ``UPPER(column) LIKE UPPER('%term%')``, which a b-tree cannot
# serve): with them a search of 100,000 users reads a few index pages instead of every
# row, and the lists that search through the learner (plans, check-ins, deliveries,
# profiles) filter by the few users found. PostgreSQL only; other databases scan.
TRIGRAM_INDEXES = {
    "user_username_trgm_idx": (settings.AUTH_USER_MODEL, "username"),
    "user_email_trgm_idx": (settings.AUTH_USER_MODEL, "email"),
    "user_first_name_trgm_idx": (settings.AUTH_USER_MODEL, "first_name"),
    "user_last_name_trgm_idx": (settings.AUTH_USER_MODEL, "last_name"),
    "emailaddress_email_trgm_idx": ("account.EmailAddress", "email"),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    # pg_trgm is a trusted extension: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (model_label, field_name) in TRIGRAM_INDEXES.items():
        model = apps.get_model(model_label)
        table, column = model._meta.db_table, model._meta.get_field(field_name).column
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_verify_existing_addresses"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="profile",
            index=models.Index(fields=["timezone"], name="profile_timezone_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
