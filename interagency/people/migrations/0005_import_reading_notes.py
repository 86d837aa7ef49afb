from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_import_required_fields_choices_and_leavers"),
    ]

    operations = [
        migrations.AddField(
            model_name="peopleimport",
            name="reading_notes",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
