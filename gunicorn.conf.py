"""Gunicorn settings for `make serve`: loopback only, sizes from the environment.

Gunicorn's own default binds every interface (0.0.0.0) whenever ``PORT`` is set;
this server is meant to sit behind a proxy or a CDN on the same machine, so it
listens on 127.0.0.1 alone.
"""

import os

wsgi_app = "newsroom.wsgi:application"
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# No preload_app: each worker opens its own database and Redis connections after
# the fork, never sharing a socket inherited from the master.
# Errors to the console; access logs are the proxy's or the CDN's job in front.
errorlog = "-"
# Gunicorn's control socket has one fixed path per user ($HOME/.gunicorn/gunicorn.ctl):
# a second server (a benchmark, a test) would take it over. Signals do the same work.
control_socket_disable = True
