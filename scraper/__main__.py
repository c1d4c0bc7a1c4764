"""``python -m scraper`` runs the ``newsarchive`` command."""

import sys

from scraper.cli import main

sys.exit(main())
