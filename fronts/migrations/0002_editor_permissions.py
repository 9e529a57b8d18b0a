"""Let Editors arrange fronts and run the breaking-news banner; no other role may.

Permissions are normally created after all migrations ran; they are created here
first, as articles' 0003 does, so a fresh database gets complete groups at once.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("pin", "banner")
    for action in ("add", "change", "delete", "view")
]


def grant_editors(apps, schema_editor):
    app_config = apps.get_app_config("fronts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="fronts", codename__in=EDITOR_PERMISSIONS
    )
    missing = set(EDITOR_PERMISSIONS) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"Editor: permissions not found: {sorted(missing)}")
    editors, _ = Group.objects.get_or_create(name="Editor")
    editors.permissions.add(*permissions)


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="fronts", codename__in=EDITOR_PERMISSIONS
    )
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("fronts", "0001_initial"),
        ("articles", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
