//! Figures (PNG) shared by the subcommands.
