"""Sub-commands of the `zvit` command line, one module each."""
