"""Qt widgets, models and dialogs: thin, calling the services."""
