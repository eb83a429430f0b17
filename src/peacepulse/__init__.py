"""PeacePulse: open performance assessment for peace operations."""

__version__ = "0.1.0"
