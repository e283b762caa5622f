"""Serve pycsw on 127.0.0.1 only; run with the pycsw virtualenv's Python.

Usage: python pycsw_server.py CONFIG PORT. pycsw's own ``wsgi.py`` launcher
binds every interface, so this script binds the loopback address itself.
"""

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    config, port = sys.argv[1], int(sys.argv[2])
    os.environ["PYCSW_CONFIG"] = config
    from pycsw.wsgi import application

    make_server("127.0.0.1", port, application, handler_class=QuietHandler).serve_forever()


if __name__ == "__main__":
    main()
