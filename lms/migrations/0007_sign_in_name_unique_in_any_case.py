# Sign-in finds a sign-in name whatever the case of its letters, so two accounts
# must not have names that differ only in case ("admin" and "ADMIN").

import django.core.validators
import django.db.models.functions.text
from django.db import migrations, models


def keep_each_name_for_its_first_holder(apps, schema_editor):
    """Names given before this rule may clash in case. Each stays with the account
    that had it first (the lowest id, whose name the later ones copied); the later
    ones lose their sign-in name and still sign in with their e-mail address.
    Which accounts lost one is written out, for an administrator to look at."""
    User = apps.get_model("lms", "User")
    db = schema_editor.connection.alias
    holders = {}
    cleared = []
    rows = (
        User.objects.using(db)
        .exclude(sign_in_name=None)
        .order_by("pk")
        .values_list("pk", "sign_in_name")
    )
    for pk, name in rows:
        key = name.lower()
        if key in holders:
            cleared.append((pk, name, holders[key]))
        else:
            holders[key] = pk
    if not cleared:
        return
    User.objects.using(db).filter(pk__in=[pk for pk, _name, _first in cleared]).update(
        sign_in_name=None
    )
    for pk, name, first in cleared:
        print(  # to whoever runs the migration
            f"\n  lms.0007: user {pk} lost the sign-in name {name!r}, which differs "
            f"only in case from that of user {first}; it signs in by e-mail."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("lms", "0006_sign_in_name_format"),
    ]

    operations = [
        migrations.RunPython(
            keep_each_name_for_its_first_holder, migrations.RunPython.noop
        ),
        migrations.AlterField(
            model_name="user",
            name="sign_in_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Staff only, optional: a short name to sign in with instead of "
                    "the e-mail address (the demo's superuser is «admin»)."
                ),
                max_length=64,
                null=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z][A-Za-z0-9._-]{1,63}\\Z",
                        "Use Latin letters, digits, dots, hyphens and underscores, "
                        "starting with a letter.",
                    )
                ],
                verbose_name="sign-in name",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("sign_in_name"),
                name="lms_user_sign_in_name_unique_in_any_case",
                violation_error_message=(
                    "This sign-in name is already taken: capital and small letters "
                    "count as the same."
                ),
            ),
        ),
    ]
