"""`python -m performa ...` runs the same CLI as the `performa` console script."""

from performa.cli import main

raise SystemExit(main())
