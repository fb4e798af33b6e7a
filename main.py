"""Start Passerelle from a checkout: ``python main.py [--demo] [SUBCOMMAND ...]``."""

import sys

from mediator_app.app import main

if __name__ == "__main__":
    sys.exit(main())
