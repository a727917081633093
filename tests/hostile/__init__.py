"""The hostile-input corpus and a small gunicorn launcher for the resilience tests."""
