"""Sign-ups waiting for their address to be proven, kept on the server: the link e-mailed
carries a signed random key instead of the address and name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0004_person_by_name")]

    operations = [
        migrations.CreateModel(
            name="PendingSignup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("email", models.EmailField(max_length=254, unique=True)),
                ("first_name", models.CharField(max_length=120)),
                ("last_name", models.CharField(max_length=120)),
                ("created", models.DateTimeField()),
            ],
        ),
    ]
