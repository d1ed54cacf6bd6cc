"""`python -m tflab ...`: the command line (see tflab.cli)."""

import sys

from tflab.cli import main

sys.exit(main())
