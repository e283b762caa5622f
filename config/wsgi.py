"""WSGI entry point for gunicorn: `gunicorn --chdir config wsgi:application`.

CKAN_INI names the configuration file, config/production.ini by default.
"""

import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_here = os.path.dirname(os.path.abspath(__file__))
_ini = os.environ.get("CKAN_INI", os.path.join(_here, "production.ini"))

application = make_app(CKANConfigLoader(_ini).get_config())
