"""Tests that drive the dashboard in headless Chromium."""
