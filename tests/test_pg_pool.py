"""The PostgreSQL test fixtures reuse databases safely: a reused database is as empty as a new one, and
one whose schema, grants or settings a test changed is dropped, never handed out again."""

from __future__ import annotations

import uuid

from conftest import MigratedPool


def _tables(con) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in con.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'")}


def test_a_database_given_back_is_emptied_with_ids_starting_again(pg_server, pg_template):
    pool = MigratedPool(pg_server, pg_template)
    name = pool.take()
    with pg_server.connect(name) as con:
        con.execute("INSERT INTO status_event (learner, skill_id, status, at) "
                    "VALUES ('', 'algebra', 'learned', now())")
        con.execute("INSERT INTO setting (learner, key, value) VALUES ('', 'weekly_hours', '8')")
    pool.give_back(name)
    assert pool.free == [name] and pool.take() == name
    with pg_server.connect(name) as con:
        counts = _tables(con)
        assert counts.pop("alembic_version") == 1 and set(counts.values()) == {0}
        new_id = con.execute("INSERT INTO status_event (learner, skill_id, status, at) "
                             "VALUES ('', 'algebra', 'learned', now()) RETURNING id").fetchone()[0]
        assert new_id == 1
    pg_server.drop_database(name)


def test_a_database_whose_schema_grants_or_settings_changed_is_dropped(pg_server, pg_template):
    pool = MigratedPool(pg_server, pg_template)
    for change in ("ALTER TABLE skill_note ADD COLUMN extra integer",
                   "UPDATE alembic_version SET version_num = '9999'",
                   "GRANT SELECT ON alembic_version TO PUBLIC",
                   "ALTER TABLE review_card DISABLE ROW LEVEL SECURITY",
                   "CREATE INDEX extra_ix ON review_log (skill_id, reviewed_at)",
                   "ALTER DATABASE {db} SET work_mem = '8MB'",
                   "ALTER DATABASE {db} CONNECTION LIMIT 50",
                   "CREATE ROLE {role}; ALTER TABLE skill_progress OWNER TO {role}",
                   "ALTER POLICY learner_own ON skill_progress WITH CHECK (true)",
                   "CREATE TABLE public.parent (id int PRIMARY KEY); "
                   "ALTER TABLE review_log ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES parent (id) NOT VALID",
                   "ALTER SEQUENCE status_event_id_seq INCREMENT BY 100",
                   "GRANT SELECT (learner) ON setting TO PUBLIC",
                   "GRANT CREATE ON SCHEMA public TO PUBLIC",
                   "CREATE SCHEMA extra; CREATE TABLE extra.t (x int); INSERT INTO extra.t VALUES (1)",
                   "CREATE TYPE public.mood AS ENUM ('ok')",
                   "ALTER TABLE skill_note ALTER COLUMN skill_id TYPE varchar(20)",
                   "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'"):
        name, role = pool.take(), f"r_{uuid.uuid4().hex[:8]}"
        with pg_server.connect(name) as con:
            for statement in change.format(db=f'"{name}"', role=role).split("; "):
                con.execute(statement)
        pool.give_back(name)
        assert pool.free == [], change
        with pg_server.connect() as con:
            assert con.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone() == (0,)
            con.execute(f'DROP ROLE IF EXISTS "{role}"')
