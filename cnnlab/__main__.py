"""``python -m cnnlab``: see :mod:`cnnlab.cli`."""

from cnnlab.cli import main

raise SystemExit(main())
