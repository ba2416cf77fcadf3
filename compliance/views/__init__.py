"""Portal pages of the compliance app: the dashboard, verification runs and the audit log."""
