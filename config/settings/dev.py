"""Development: DEBUG on, for a developer's own machine (`python3 run.py --dev`, or name this module).

The secret key is never one from the repository: SECRET_KEY (or SECRET_KEY_FILE) if set, else the key
`python3 run.py` made once for this checkout in var/secret_key (mode 0600). Without either, start-up stops
and says so.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import checkout_secret_key, env_bool

SECRET_KEY = checkout_secret_key(VAR_DIR, start_with="python3 run.py --dev")
DEBUG = env_bool("DEBUG", True)
