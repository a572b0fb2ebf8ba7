"""A sign-up's link, once used, is kept (without the name) until it expires and marked used:
opened again, it says to log in rather than to ask for a new link."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0005_pending_signup")]

    operations = [
        migrations.AddField(
            model_name="pendingsignup",
            name="used",
            field=models.BooleanField(default=False),
        ),
    ]
