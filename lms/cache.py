"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's client builds a new ``redis.Redis`` for every cache operation, and with
redis-py 5 and later each one sets up its table of some 170 response callbacks:
about as much CPU as the command itself. A ``redis.Redis`` is safe to share
between threads (each command takes a connection from the pool), so one per pool
is enough.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
