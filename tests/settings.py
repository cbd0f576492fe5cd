"""Settings for the test suite: the project's own, with development defaults and fast hashing.

The environment still decides the database and broker, so CI runs the same tests on
PostgreSQL and Redis. pytest-django turns DEBUG off while tests run.
"""

import os

os.environ.setdefault("DEBUG", "1")  # a throwaway key and no HTTPS redirect for the test client

from crm.settings import *  # noqa: F403

# Hashing is not under test; the fast hasher makes each login ~100 times cheaper.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The API's throttles would cut the schemathesis run short; tests/api/test_throttling.py
# lowers them again to prove they bite.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}

# In-process cache whatever the broker: tests clear the cache between tests (throttle
# counters, the reports' daily figures), which on the broker's Redis would flush its queues
# under the real-worker tests. tests/analytics/test_pages.py checks the Redis cache itself.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A test's rows live in a transaction that only its own connection sees; the nightly threads'
# connections would find no chunk to score. tests/accounts/test_scoring_threads.py runs them
# on a committed (transactional) database.
NIGHTLY_THREADS = 1
