"""A no-show charge becomes one kind of charge: the same rows, now of kind "no_show"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0004_number_bounds"),
    ]

    operations = [
        migrations.RenameModel("NoShowCharge", "Charge"),
        migrations.AddField(
            model_name="charge",
            name="kind",
            field=models.CharField(
                choices=[("no_show", "No-show"), ("delegate", "Delegate place")],
                default="no_show",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="charge",
            name="booking",
            field=models.OneToOneField(
                on_delete=models.deletion.PROTECT, related_name="charge", to="delivery.booking"
            ),
        ),
        migrations.AddIndex(
            model_name="charge",
            index=models.Index(fields=["partnership", "kind"], name="delivery_charge_kind"),
        ),
    ]
