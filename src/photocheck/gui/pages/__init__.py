"""The three pages of the main window. Each page talks only to its controller/session."""
