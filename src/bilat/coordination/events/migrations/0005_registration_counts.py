"""An index for counting an event's registrations by status and attendance (and who came)
without reading the registrations table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0004_times_links_questions")]

    operations = [
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                fields=["event", "status", "attended", "person"], name="registration_counts"
            ),
        ),
    ]
