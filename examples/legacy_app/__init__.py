"""A small support-desk app that calls Claude the way legacy code often does."""
