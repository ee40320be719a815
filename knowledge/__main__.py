"""Command line of the knowledge base: ``python -m knowledge {check,load,search}``."""
from knowledge.cli import main

raise SystemExit(main())
