"""`python -m benchmarks`: see benchmarks/runner.py and benchmarks/README.md."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from benchmarks.runner import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
