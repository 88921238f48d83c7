"""A local HTTP emulator of the platform APIs, serving a generated world (see server.py)."""
