"""What makes a vacancy open to people moving on from the social economy, in three languages."""

from django.db import migrations

SUPPORTS = [
    ("opleiding-op-de-werkvloer", "Opleiding op de werkvloer", "Formation sur le lieu de travail",
     "Training on the job"),
    ("aangepaste-werkplek", "Aangepaste werkplek", "Poste de travail adapté",
     "Adapted workplace"),
    ("mentor", "Mentor of peter/meter", "Mentor ou parrain/marraine", "Mentor or buddy"),
    ("geen-diploma", "Geen diploma vereist", "Aucun diplôme requis", "No diploma required"),
    ("jobcoaching", "Jobcoaching welkom", "Job coaching bienvenu", "Job coaching welcome"),
    ("deeltijds", "Deeltijds starten mogelijk", "Démarrage à temps partiel possible",
     "Part-time start possible"),
    ("taalondersteuning", "Ondersteuning bij Nederlands op de werkvloer",
     "Soutien pour le néerlandais au travail", "Support with Dutch at work"),
    ("proefperiode-stage", "Eerst een stage of proefperiode", "D’abord un stage ou un essai",
     "Internship or trial period first"),
]


def create(apps, schema_editor):
    Support = apps.get_model("vacancies", "Support")
    for position, (slug, nl, fr, en) in enumerate(SUPPORTS, start=1):
        Support.objects.update_or_create(
            slug=slug,
            defaults={"name_nl": nl, "name_fr": fr, "name_en": en, "position": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0002_postgres_search")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
