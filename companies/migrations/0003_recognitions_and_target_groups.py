"""The recognitions of the social economy and the target groups, in three languages.

A fixed, legal vocabulary rather than reference data that changes, so it ships as a migration.
"""

from django.db import migrations

RECOGNITIONS = [
    ("maatwerkbedrijf", "Maatwerkbedrijf", "Entreprise de travail adapté (maatwerkbedrijf)",
     "Custom employment company (maatwerkbedrijf)"),
    ("maatwerkafdeling", "Maatwerkafdeling", "Département de travail adapté",
     "Custom employment department"),
    ("lokale-diensteneconomie", "Lokale diensteneconomie", "Économie de services locale",
     "Local service economy"),
    ("werkervaring", "Werkervaring", "Expérience professionnelle (werkervaring)",
     "Work experience programme"),
    ("arbeidszorg", "Arbeidszorg", "Travail adapté et soins (arbeidszorg)",
     "Sheltered care-based work (arbeidszorg)"),
    ("sociale-onderneming", "Sociale onderneming of coöperatie",
     "Entreprise sociale ou coopérative", "Social enterprise or co-operative"),
    ("kringwinkel", "Kringwinkel", "Magasin de seconde main (kringwinkel)",
     "Re-use shop (kringwinkel)"),
    ("fietspunt", "Fietspunt", "Point vélo (fietspunt)", "Bicycle point (fietspunt)"),
]

TARGET_GROUPS = [
    ("arbeidshandicap", "Personen met een arbeidshandicap", "Personnes avec un handicap",
     "People with a work-related disability"),
    ("langdurig-werkzoekenden", "Langdurig werkzoekenden", "Demandeurs d’emploi de longue durée",
     "Long-term jobseekers"),
    ("jongeren", "Jongeren zonder diploma of werk", "Jeunes sans diplôme ni emploi",
     "Young people without a diploma or a job"),
    ("nieuwkomers", "Nieuwkomers en anderstaligen", "Primo-arrivants et allophones",
     "Newcomers and speakers of other languages"),
    ("vijftigplussers", "Werkzoekenden ouder dan 50", "Demandeurs d’emploi de plus de 50 ans",
     "Jobseekers over 50"),
    ("leefloon", "Mensen met een leefloon (artikel 60)", "Bénéficiaires du revenu d’intégration",
     "People on a living wage from the OCMW/CPAS"),
    ("psychische-kwetsbaarheid", "Mensen met een psychische kwetsbaarheid",
     "Personnes en situation de vulnérabilité psychique", "People with mental health needs"),
]


def create(apps, schema_editor):
    for model_name, rows in [("Recognition", RECOGNITIONS), ("TargetGroup", TARGET_GROUPS)]:
        model = apps.get_model("companies", model_name)
        for position, (slug, nl, fr, en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                slug=slug,
                defaults={"name_nl": nl, "name_fr": fr, "name_en": en, "position": position * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_postgres_search")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
