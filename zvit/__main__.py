"""`python -m zvit` runs the command line."""

import sys

from zvit.cli import main

sys.exit(main())
