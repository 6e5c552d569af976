"""Administrators read the admin log (who changed which person): admin.view_logentry."""

from django.db import migrations

ADMINISTRATOR = "Quản trị hệ thống"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    admin_config = apps.get_app_config("admin")
    admin_config.models_module = True
    create_permissions(admin_config, apps=apps, verbosity=0)
    admin_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_log = Permission.objects.get(content_type__app_label="admin", codename="view_logentry")
    for group in Group.objects.filter(name=ADMINISTRATOR):
        group.permissions.add(view_log)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=ADMINISTRATOR):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="admin", codename="view_logentry")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
