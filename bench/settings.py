"""Production settings plus the benchmarks' floor endpoints (``bench/urls.py``).

The servers the benchmarks start use this module so that the same process answers
the real endpoints, the trivial view and the floors side by side.
"""

from lms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
