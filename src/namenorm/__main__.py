import sys

from namenorm.cli import main

sys.exit(main())
