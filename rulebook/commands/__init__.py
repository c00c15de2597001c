"""One module per ``rulebook`` subcommand: ``add_arguments(parser)`` and ``run(args)``."""
