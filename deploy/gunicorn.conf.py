"""gunicorn's settings for Một Cửa (docker-compose.yml and the Dockerfile run it with them).

Sync workers behind the buffering proxy (deploy/nginx.conf): nginx takes the slow clients'
uploads and downloads, so a worker is busy only while Django works.

The access log never prints a query string (%(U)s is the path alone; no %(r)s, %(q)s or
the referer, which carry them), and every line of gunicorn's logs goes through the filter
that masks ID numbers (portal/logging.py). LOG_FORMAT=json gives JSON lines, as for Django.
"""

import os

from portal.logging import gunicorn_logconfig

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
# A request Django takes longer than this to answer is killed (its worker restarted).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Workers are replaced after this many requests (with jitter), bounding slow leaks.
max_requests = 1000
max_requests_jitter = 100
forwarded_allow_ips = "*"  # only the proxy reaches gunicorn (the port is not published)

accesslog = "-"
# client (the proxy), the forwarded client, time, method, path without query, protocol,
# status, bytes, milliseconds, user agent, request id.
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms '
    '"%(a)s" %({x-request-id}i)s'
)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
logconfig_dict = gunicorn_logconfig(
    log_format=os.environ.get("LOG_FORMAT", "plain"),
    level=os.environ.get("LOG_LEVEL", "INFO").upper(),
)
