"""Let the newsroom's roles work on live coverage.

Reporters and editors add and change entries; editors also delete them and write
corrections; photo editors and reporters see corrections. Opening and closing
coverage is a change of the story, guarded by ``articles.publish_article``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Reporter": [
        "add_liveentry",
        "change_liveentry",
        "view_liveentry",
        "view_liveentrycorrection",
    ],
    "Editor": [
        "add_liveentry",
        "change_liveentry",
        "delete_liveentry",
        "view_liveentry",
        "add_liveentrycorrection",
        "change_liveentrycorrection",
        "delete_liveentrycorrection",
        "view_liveentrycorrection",
    ],
    "Photo editor": ["view_liveentry", "view_liveentrycorrection"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("live")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="live", codename__in=codenames
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"{name}: permissions not found: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="live")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_initial"),
        ("articles", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
