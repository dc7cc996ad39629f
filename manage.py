#!/usr/bin/env python
import sys


def main() -> None:
    from django.core.management import execute_from_command_line

    import config  # noqa: F401 - chooses the settings module, as for the web server and Celery

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
