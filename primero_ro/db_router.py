"""The database router: reads marked with cases.replica.replica_reads() go to the replica
(when DATABASE_REPLICA_URL configures one); everything else, and every write, to the
primary. The rule itself is cases.replica.read_alias."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS

from cases import replica


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica.read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return db == DEFAULT_DB_ALIAS
