from django.db import migrations, models
from django.db.models import Count, Max


def renumber_duplicates(apps, schema_editor):
    """Items that share a number within their plan (made by saves at the same moment) keep the
    number on the oldest one; the others get the next free numbers of their plan."""
    Item = apps.get_model("rectification", "RectificationItem")
    duplicated = (
        Item.objects.values("plan_id", "number").annotate(n=Count("id")).filter(n__gt=1).order_by("plan_id", "number")
    )
    for row in duplicated:
        items = list(Item.objects.filter(plan_id=row["plan_id"], number=row["number"]).order_by("id"))
        for item in items[1:]:
            last = Item.objects.filter(plan_id=row["plan_id"]).aggregate(m=Max("number"))["m"] or 0
            item.number = last + 1
            item.save(update_fields=["number"])


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_audit_and_membership_history'),
        ('rectification', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(renumber_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='rectificationitem',
            constraint=models.UniqueConstraint(fields=('plan', 'number'), name='item_number_unique_per_plan', violation_error_message='This plan already has an item with this number.'),
        ),
    ]
