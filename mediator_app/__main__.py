import sys

from mediator_app.app import main

sys.exit(main())
