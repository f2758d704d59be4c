import sys

from ahb.cli import main

sys.exit(main())
