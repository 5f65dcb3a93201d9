"""`python -m pyxl.cli …` is the same as `syc …`."""

import sys

from pyxl.cli import main

sys.exit(main())
