#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    from lms import env_file

    env_file.load()  # .env, for commands run from cron
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
