"""Create the newsroom's groups with their permissions: Reporter, Editor, Photo editor.

Permissions are normally created after all migrations ran; they are created here first
so that a fresh database gets complete groups in one `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Reporter": {
        "articles": [
            "add_article",
            "change_article",
            "view_article",
            "add_byline",
            "change_byline",
            "delete_byline",
            "view_byline",
            "add_articlephoto",
            "change_articlephoto",
            "delete_articlephoto",
            "view_articlephoto",
            "view_photo",
            "view_author",
            "view_section",
            "view_correction",
        ],
        "taggit": ["add_tag", "view_tag"],
    },
    "Editor": {
        "articles": [
            "add_article",
            "change_article",
            "delete_article",
            "view_article",
            "publish_article",
            "add_byline",
            "change_byline",
            "delete_byline",
            "view_byline",
            "add_articlephoto",
            "change_articlephoto",
            "delete_articlephoto",
            "view_articlephoto",
            "add_correction",
            "change_correction",
            "delete_correction",
            "view_correction",
            "add_author",
            "change_author",
            "view_author",
            "add_section",
            "change_section",
            "view_section",
            "add_photo",
            "change_photo",
            "view_photo",
        ],
        "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag"],
    },
    "Photo editor": {
        "articles": [
            "add_photo",
            "change_photo",
            "delete_photo",
            "view_photo",
            "change_articlephoto",
            "view_articlephoto",
            "view_article",
        ],
        "taggit": ["view_tag"],
    },
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            permissions = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            missing = set(codenames) - {p.codename for p in permissions}
            if missing:
                raise RuntimeError(f"{name}: permissions not found: {sorted(missing)}")
            group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
