"""The Textual terminal app: screens over the same core functions as the CLI."""
