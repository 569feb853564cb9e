"""Give the application's database role what it needs to run, and nothing more.

Run by the owner role (the one that runs `migrate`), after `migrate`:

    printf %s "$APP_DB_PASSWORD" | python manage.py setup_app_role primero_app --create

The application role may read and write rows (SELECT, INSERT, UPDATE, DELETE on the
tables, and the sequences behind their ids), also of tables later migrations add (default
privileges of the owner), but owns nothing: it cannot TRUNCATE, ALTER, disable or drop a
trigger, or create a table. On the audit log and the history tables it may only read and
add rows. Safe to run again (after each migrate).
"""

from __future__ import annotations

import getpass
import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from audit.append_only import append_only_tables

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = "Create or update the application's database role (PostgreSQL; run as the owner)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as, e.g. primero_app")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role when missing (or set its password when present), with the "
            "password read from standard input",
        )

    def handle(self, *args, role, create, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL; nothing to do here.")
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r}: use lower-case letters, digits and underscores.")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"{role} is the role running this command (the owner): the application "
                    "needs a role of its own."
                )
            cursor.execute(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls "
                "FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            if found is None:
                if not create:
                    raise CommandError(f"No role {role}: add --create to create it.")
                password = self._read_password(options)
                try:
                    cursor.execute(
                        f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                        "NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD %s",
                        [password],
                    )
                except DatabaseError as exc:
                    raise CommandError(f"Cannot create the role {role}: {exc}") from None
            elif found[0]:
                raise CommandError(
                    f"{role} is a superuser or may create roles or databases: the application "
                    "role must not."
                )
            elif create:
                # Run again with --create (as the compose file does): the password given
                # now is the one the application uses.
                password = self._read_password(options)
                cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD %s", [password])
            self._grant(cursor, role, owner, database)
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = %s",
                [role],
            )
            owned = cursor.fetchone()[0]
        if owned:
            raise CommandError(
                f"{role} owns {owned} relations: reassign them to {owner} "
                f"(REASSIGN OWNED BY {role} TO {owner}) and run this again."
            )
        self.stdout.write(
            f"Role {role}: rows of every table of {database}; "
            f"{len(append_only_tables())} append-only tables; owns nothing."
        )

    def _read_password(self, options) -> str:
        stdin = options.get("stdin", sys.stdin)
        if stdin.isatty():
            password = getpass.getpass("Password of the new role: ")
        else:
            password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input.")
        return password

    def _grant(self, cursor, role: str, owner: str, database: str) -> None:
        q = connection.ops.quote_name
        role_q, owner_q = q(role), q(owner)
        statements = [
            f"GRANT CONNECT, TEMPORARY ON DATABASE {q(database)} TO {role_q}",
            f"GRANT USAGE ON SCHEMA public TO {role_q}",
            f"REVOKE CREATE ON SCHEMA public FROM {role_q}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role_q}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role_q}",
            # Tables and sequences that later migrations (run by the owner) create.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {role_q}",
        ]
        statements += [
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {q(table)} FROM {role_q}"
            for table in append_only_tables()
        ]
        for sql in statements:
            cursor.execute(sql)
