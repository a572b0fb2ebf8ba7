"""An index in the directory's order (last name, first name, id): a page of people walks it
instead of sorting the whole directory."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0003_consent_meetings")]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["last_name", "first_name", "id"], name="person_by_name"),
        ),
    ]
