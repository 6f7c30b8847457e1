"""Those who saw the reports before they had a permission of their own (through
seeing learners' enrolments or the registry's audit log) keep seeing them."""

from django.db import migrations

FORMER = [("progress", "view_enrollment"), ("registry", "view_registrycall")]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("lms", "User")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="reports", model="report"
    )
    view_report, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_report",
        defaults={"name": "Can see the reports (counts only, no learner's data)"},
    )
    former = Permission.objects.none()
    for app_label, codename in FORMER:
        former |= Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    for group in Group.objects.filter(permissions__in=former).distinct():
        group.permissions.add(view_report)
    for user in User.objects.filter(user_permissions__in=former).distinct():
        user.user_permissions.add(view_report)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lms", "0001_initial"),
        ("progress", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
