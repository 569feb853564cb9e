"""gunicorn's settings, read from the working directory by every `gunicorn` command here
(the Docker image's, docker-compose.yml's, bench/run.py's load test).

Threaded workers (gthread): a login spends about a second of CPU in PBKDF2 (Django's
default strength, kept), and hashlib's pbkdf2_hmac releases the GIL while it runs, so in
a threaded worker the other threads go on serving pages during a login; with sync
workers the worker, and every request queued on it, would wait for the hash. Threads
also let a page wait on PostgreSQL without holding a whole process. docs/scaling.md
has the measurements.
"""

import os

# WEB_CONCURRENCY is gunicorn's own variable; 5 suits 2 cores (2 x cores + 1).
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Each thread keeps its own database connection (CONN_MAX_AGE): workers x threads
# connections per web container; docs/scaling.md counts them against max_connections.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
