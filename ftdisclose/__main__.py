"""`python -m ftdisclose`: the same entry point as the console script."""

import sys

from ftdisclose.cli import main

sys.exit(main())
