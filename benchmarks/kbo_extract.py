"""A full-size KBO Open Data extract, generated, and `manage.py load_kbo` measured on it.

    python -m benchmarks.kbo_extract [--enterprises 1900000] [--keep DIR]

writes enterprise.csv, establishment-bearing denomination.csv, address.csv, contact.csv,
activity.csv, code.csv and meta.csv in the published format (comma-separated, every field
double-quoted, a header row, CRLF) to a temporary folder, then runs load_kbo on it in a child
process against the configured database (DATABASE_URL: use a database of your own) and reports
the seconds and the child's peak resident memory (getrusage's ru_maxrss).

Per enterprise: 1.3 official names (1 in 3 bilingual), one abbreviation in 10, a commercial name
in 5; one registered seat; 0.8 establishment units, each with an address, a commercial name and
a main activity; main activities in NACE 2008 and 2025 and a secondary one; a contact in 3.
About 2 % are in a closing juridical situation. The files are written row by row, so the
generator's memory stays flat as well.
"""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONTACT = ["EntityNumber", "EntityContact", "ContactType", "Value"]
META = ["Variable", "Value"]
STREETS = ["Stationsstraat", "Kerkstraat", "Dorpstraat", "Molenstraat", "Nieuwstraat", "Markt"]
PLACES = [
    ("3700", "Tongeren-Borgloon"),
    ("3500", "Hasselt"),
    ("9000", "Gent"),
    ("2000", "Antwerpen"),
    ("3000", "Leuven"),
    ("8000", "Brugge"),
    ("1000", "Brussel"),
]
NACE = ["81300", "88991", "47110", "56101", "43320", "62010", "69201", "86210", "10711", "49410"]
SITUATIONS = [("000", "Normale toestand", "Situation normale"),
              ("012", "Ontbinding van rechtswege", "Dissolution de plein droit"),
              ("020", "Gerechtelijke reorganisatie", "Réorganisation judiciaire"),
              ("050", "Opening faillissement", "Ouverture de faillite")]  # fmt: skip


def enterprise_number(n):
    """A valid enterprise number (0 or 1, seven digits, the check digits), dotted."""
    eight = f"{(2_000_000 + n) % 10**8:08d}"
    digits = f"{eight}{97 - int(eight) % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def establishment_number(n):
    return f"2.{n // 1_000_000 % 1000:03d}.{n // 1000 % 1000:03d}.{n % 1000:03d}"


def writer(directory, name, header):
    file = (directory / f"{name}.csv").open("w", encoding="utf-8", newline="")
    out = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    out.writerow(header)
    return file, out


def generate(directory, enterprises, *, seed=1):
    from companies.kbo import FILES  # the published headers (needs Django set up)

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    files = {name: writer(directory, name, header) for name, header in FILES.items()}
    files["contact"] = writer(directory, "contact", CONTACT)
    files["meta"] = writer(directory, "meta", META)
    out = {name: pair[1] for name, pair in files.items()}
    rows = dict.fromkeys(out, 0)
    establishment = 0
    for n in range(enterprises):
        number = enterprise_number(n)
        closing = rng.random() < 0.02
        situation = rng.choice(["012", "050"]) if closing else rng.choice(["000"] * 30 + ["020"])
        out["enterprise"].writerow(
            [number, "AC", situation, "2", rng.choice(["014", "015", "016", "017", "610"]), "",
             f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1950, 2025)}"]
        )  # fmt: skip
        name = f"Onderneming {n}"
        out["denomination"].writerow([number, "2", "001", name])
        rows["denomination"] += 1
        if n % 3 == 0:
            out["denomination"].writerow([number, "1", "001", f"Entreprise {n}"])
            rows["denomination"] += 1
        if n % 10 == 0:
            out["denomination"].writerow([number, "2", "002", f"OND{n}"])
            rows["denomination"] += 1
        if n % 5 == 0:
            out["denomination"].writerow([number, "2", "003", f"Handelsnaam {n}"])
            rows["denomination"] += 1
        postcode, place = rng.choice(PLACES)
        street = rng.choice(STREETS)
        out["address"].writerow(
            [number, "REGO", "", "", postcode, place, place, street, street,
             str(rng.randint(1, 250)), "" if n % 4 else "2", "", ""]
        )  # fmt: skip
        rows["address"] += 1
        main = rng.choice(NACE)
        for version in ("2008", "2025"):
            out["activity"].writerow([number, "001", version, main, "MAIN"])
        out["activity"].writerow([number, "001", "2025", rng.choice(NACE), "SECO"])
        rows["activity"] += 3
        if n % 3 == 0:
            out["contact"].writerow([number, "ENT", "TEL", f"011 {n % 1000:03d} {n % 100:02d}"])
            rows["contact"] += 1
        if rng.random() < 0.8:
            unit = establishment_number(establishment)
            establishment += 1
            out["denomination"].writerow([unit, "2", "003", f"Vestiging {establishment}"])
            out["address"].writerow(
                [unit, "BAET", "", "", postcode, place, place, street, street, "1", "", "", ""]
            )
            out["activity"].writerow([unit, "001", "2025", main, "MAIN"])
            rows["denomination"] += 1
            rows["address"] += 1
            rows["activity"] += 1
    for code, nl, fr in SITUATIONS:
        out["code"].writerow(["JuridicalSituation", code, "NL", nl])
        out["code"].writerow(["JuridicalSituation", code, "FR", fr])
    out["code"].writerow(["Status", "AC", "NL", "Actief"])
    out["meta"].writerow(["ExtractType", "full"])
    for file, _out in files.values():
        file.close()
    rows["enterprise"] = enterprises
    rows["establishments"] = establishment
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_900_000)
    parser.add_argument("--keep", help="write the extract here and keep it")
    args = parser.parse_args(argv)
    directory = Path(args.keep or tempfile.mkdtemp(prefix="kbo-extract-"))
    started = time.perf_counter()
    rows = generate(directory, args.enterprises)
    size = sum(path.stat().st_size for path in directory.glob("*.csv"))
    print(f"generated in {time.perf_counter() - started:.0f} s: {rows}, {size / 2**20:.0f} MB")
    started = time.perf_counter()
    # Our own interpreter and manage.py; the folder is ours too.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "load_kbo", str(directory)],
        check=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"load_kbo: {seconds:.1f} s, peak memory of the loading process {peak:.0f} MB")
    if not args.keep:
        for path in directory.glob("*.csv"):
            path.unlink()
        directory.rmdir()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    main()
