"""The PeacePulse dashboard: a Dash app over the read-only views of the store."""
