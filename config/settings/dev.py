"""Development: DEBUG on, for a developer's own machine (`python3 run.py --dev`, or name this module).

The secret key is never one from the repository: SECRET_KEY if set, else a random key made once per checkout
in var/secret_key (mode 0600).
"""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, secret_key_in

SECRET_KEY = secret_key_in(VAR_DIR)
DEBUG = env_bool("DEBUG", True)
