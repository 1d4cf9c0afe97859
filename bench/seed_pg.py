#!/usr/bin/env python3
"""Seeds the benchmark company on PostgreSQL with exactly the data of bench/seed.py.

    seed_pg.py DATABASE_URL EMAIL [the options of seed.py]

Runs seed.py unchanged (same generator, same fixed random seed, same rows) on a small stand-in
for its SQLite connection that writes through `psql`: each bulk insert becomes one
`COPY ... FROM STDIN (FORMAT csv)`, other statements run as they are (two-argument MAX becomes
GREATEST; PRAGMA, BEGIN and COMMIT are dropped, every COPY being atomic on its own). Values
go as text, which PostgreSQL reads into its native columns (RFC 3339 instants into
TIMESTAMPTZ, 'YYYY-MM-DD' into DATE, 0/1 into BOOLEAN). Afterwards the identity sequences are
moved past the explicit ids seed.py chose, and the tables are vacuumed and analysed, the
steady state autovacuum would reach (seed.py checkpoints SQLite's WAL for the same reason).

Python standard library and the `psql` client only; 127.0.0.1 only.
"""

import re
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # (no __pycache__ in bench/)
import seed  # noqa: E402

PSQL = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]


def psql(url: str, sql: str, stdin: str | None = None) -> str:
    args = PSQL + ["-At", "-F", "\x1f", "-d", url, "-c", sql]
    r = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"seed_pg: psql failed ({r.stderr.strip()}) on: {sql[:200]}")
    return r.stdout


def literal(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def csv_field(v) -> str:
    if v is None:
        return ""  # unquoted empty: NULL
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    return '"' + str(v).replace('"', '""') + '"'  # quoted, so '' stays an empty string


def bind(sql: str, params) -> str:
    parts = sql.split("?")
    if len(parts) - 1 != len(params):
        sys.exit(f"seed_pg: {len(params)} parameters for {len(parts) - 1} placeholders in: {sql[:200]}")
    out = [parts[0]]
    for p, rest in zip(params, parts[1:]):
        out += [literal(p), rest]
    return "".join(out)


class Rows:
    def __init__(self, rows):
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return self.rows


INSERT = re.compile(r"\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES", re.I | re.S)
MAX2 = re.compile(r"\bMAX\(([^(),]+),([^(),]+)\)", re.I)


class Connection:
    """The part of sqlite3.Connection that seed.py uses."""

    def __init__(self, url: str, **_ignored):
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("postgres", "postgresql") or u.hostname != "127.0.0.1":
            sys.exit(f"seed_pg: a postgres:// URL on 127.0.0.1 is needed, not {url}")
        self.url = url
        self.rows = 0

    def execute(self, sql: str, params=()):
        head = sql.lstrip().split(None, 1)[0].upper()
        if head in ("PRAGMA", "BEGIN", "COMMIT"):
            return Rows([])
        out = psql(self.url, bind(self.translate(sql), params))
        return Rows([tuple(int(v) if re.fullmatch(r"-?\d+", v) else v for v in line.split("\x1f"))
                     for line in out.splitlines() if line])

    @staticmethod
    def translate(sql: str) -> str:
        """SQLite's two-argument MAX is GREATEST; in an upsert its bare columns name the table's row."""
        m = INSERT.match(sql)

        def greatest(g):
            args = [a.strip() for a in (g.group(1), g.group(2))]
            if m:
                args = [a if "." in a or not re.fullmatch(r"\w+", a) else f"{m.group(1)}.{a}" for a in args]
            return f"GREATEST({', '.join(args)})"

        return MAX2.sub(greatest, sql)

    def executemany(self, sql: str, rows):
        m = INSERT.match(sql)
        if not m:
            sys.exit(f"seed_pg: not a bulk INSERT: {sql[:200]}")
        rows = list(rows)
        if not rows:
            return Rows([])
        data = "".join(",".join(csv_field(v) for v in r) + "\n" for r in rows)
        psql(self.url, f"COPY {m.group(1)} ({m.group(2)}) FROM STDIN WITH (FORMAT csv)", data)
        self.rows += len(rows)
        return Rows([])

    def close(self):
        # seed.py gave explicit ids: later inserts by the server must not collide with them.
        psql(self.url, """DO $$ DECLARE t text; BEGIN
            FOR t IN SELECT c.table_name FROM information_schema.columns c
                     WHERE c.table_schema = 'public' AND c.column_name = 'id' AND c.is_identity = 'YES' LOOP
              EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT COALESCE(MAX(id), 0) + 1 FROM %I), false)', t, t);
            END LOOP; END $$""")
        psql(self.url, "VACUUM ANALYZE")


class Sqlite3Standin:
    @staticmethod
    def connect(url: str, **kwargs):
        return Connection(url, **kwargs)


def main() -> int:
    started = time.monotonic()
    seed.sqlite3 = Sqlite3Standin
    code = seed.main()
    print(f"seed_pg: written with COPY, sequences moved, VACUUM ANALYZE done; {time.monotonic() - started:.1f} s in all",
          file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
