"""``python -m govreport_kit``: the same as the ``govreport`` command."""

import sys

from govreport_kit.cli import main

sys.exit(main())
