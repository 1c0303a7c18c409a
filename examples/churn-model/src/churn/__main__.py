import sys

from churn.cli import main

sys.exit(main())
