def __getattr__(name: str):
    """`config.celery_app`, created on first use: importing Celery costs every process (each manage.py
    command) about a quarter of a second, so only what sends or runs tasks pays for it. Workers start with
    `celery -A config`, which finds the app in config/celery.py."""
    if name == "celery_app":
        from config.celery import app

        return app
    raise AttributeError(f"module 'config' has no attribute {name!r}")


__all__ = ["celery_app"]
