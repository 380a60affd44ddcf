from django.db import migrations, models


class Migration(migrations.Migration):
    """The records version gets a scope: the existing row (the one number of every change) becomes "all",
    and an organisation's or a user's number is a row of its own, made at its first change."""

    dependencies = [
        ("members", "0006_staff_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordsversion",
            name="scope",
            field=models.CharField(default="all", max_length=40, unique=True, verbose_name="scope"),
            preserve_default=False,
        ),
    ]
