"""The PostgreSQL schema, as numbered migrations applied in order when an archive opens.

The same concepts as :mod:`archive.schema` (pages, captures, versions, attributions,
crawls, frontier), plus what sharing a database between workers needs: a ``hosts``
table with each host's next allowed request time and the worker holding it, and claim
leases on frontier rows. ``schema_version`` holds the number of migrations applied; a
database whose version is higher than ``len(MIGRATIONS)`` was written by a newer
newsarchive and is refused rather than misread. Migrations run under an advisory lock,
so workers starting together apply each one exactly once.
"""

from __future__ import annotations

import psycopg

from ...errors import SchemaVersionError

# Any constant works; it only has to be the same in every newsarchive process.
MIGRATION_LOCK = 0x6E657773  # "news"

MIGRATIONS: tuple[str, ...] = (
    # 1: records, full-text search, crawls, shared frontier, per-host politeness
    """
    CREATE TABLE pages (
        id BIGSERIAL PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        site TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_checked TEXT,
        etag TEXT,
        last_modified TEXT
    );
    CREATE TABLE versions (
        id BIGSERIAL PRIMARY KEY,
        page_id BIGINT NOT NULL REFERENCES pages(id),
        capture_id BIGINT NOT NULL,
        captured_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        fetched_url TEXT,
        canonical_url TEXT,
        title TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        published TEXT,
        modified TEXT,
        language TEXT,
        site_name TEXT,
        description TEXT,
        image TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        body TEXT NOT NULL DEFAULT '',
        signals TEXT NOT NULL DEFAULT '{}',
        -- title weighs more than body, as bm25(5.0, 1.0) does on SQLite
        search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(title, '')), 'A')
            || setweight(to_tsvector('simple', body), 'D')) STORED
    );
    CREATE INDEX versions_page ON versions(page_id, captured_at);
    CREATE INDEX versions_published ON versions(published);
    CREATE INDEX versions_captured ON versions(captured_at);
    CREATE INDEX versions_hash ON versions(content_hash);
    CREATE INDEX versions_search ON versions USING GIN (search);
    CREATE TABLE captures (
        id BIGSERIAL PRIMARY KEY,
        page_id BIGINT NOT NULL REFERENCES pages(id),
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        status INTEGER NOT NULL,
        kind TEXT NOT NULL,
        content_type TEXT,
        payload_digest TEXT,
        content_hash TEXT,
        warc_file TEXT,
        warc_offset BIGINT,
        warc_length BIGINT,
        version_id BIGINT REFERENCES versions(id),
        crawl_id BIGINT,
        warc_record_id TEXT,
        revisit_of BIGINT REFERENCES captures(id),
        worker TEXT                    -- host:pid that wrote the WARC file
    );
    CREATE INDEX captures_page ON captures(page_id, fetched_at);
    CREATE INDEX captures_digest ON captures(payload_digest);
    CREATE INDEX captures_version ON captures(version_id);
    CREATE INDEX captures_file ON captures(warc_file, warc_offset);
    CREATE INDEX captures_crawl_url ON captures(crawl_id, url);
    CREATE TABLE attributions (
        id BIGSERIAL PRIMARY KEY,
        version_id BIGINT NOT NULL REFERENCES versions(id),
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        passage TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        pattern TEXT NOT NULL
    );
    CREATE INDEX attributions_version ON attributions(version_id, position);
    CREATE INDEX attributions_source ON attributions(lower(source));
    CREATE TABLE crawls (
        id BIGSERIAL PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        seeds TEXT NOT NULL DEFAULT '[]',
        settings TEXT NOT NULL DEFAULT '{}',
        stats TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE hosts (
        host TEXT PRIMARY KEY,
        next_allowed_at DOUBLE PRECISION NOT NULL DEFAULT 0,  -- epoch seconds, DB clock
        delay DOUBLE PRECISION NOT NULL DEFAULT 0,
        held_by TEXT,                  -- the worker fetching from this host now
        held_until DOUBLE PRECISION    -- its lease; after it, the host is free again
    );
    CREATE TABLE frontier (
        id BIGSERIAL PRIMARY KEY,
        crawl_id BIGINT NOT NULL REFERENCES crawls(id),
        url TEXT NOT NULL,
        host TEXT NOT NULL REFERENCES hosts(host),
        depth INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'queued',   -- queued | in-flight | done | failed | skipped
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0,
        last_error TEXT,
        source_url TEXT,
        claimed_by TEXT,
        lease_until DOUBLE PRECISION,
        UNIQUE (crawl_id, url)         -- one URL is fetched once per crawl
    );
    CREATE INDEX frontier_due ON frontier(crawl_id, host, next_attempt_at)
        WHERE state IN ('queued', 'in-flight');
    CREATE INDEX frontier_claims ON frontier(claimed_by) WHERE state = 'in-flight';
    """,
    # 2: a host's own delay (robots Crawl-delay, failure backoff), shared by all workers
    """
    ALTER TABLE hosts ADD COLUMN min_delay DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE hosts ADD COLUMN released_at DOUBLE PRECISION NOT NULL DEFAULT 0;
    """,
    # 3: as SQLite's 4: pages.latest_version_id (kept by a trigger, so COPY and concurrent
    # workers keep it too; the highest id wins) replaces the max(id) subquery of queries;
    # versions_hash and captures_digest, read by no query, go.
    """
    ALTER TABLE pages ADD COLUMN latest_version_id BIGINT;
    UPDATE pages p SET latest_version_id = m.id
        FROM (SELECT page_id, max(id) AS id FROM versions GROUP BY page_id) m
        WHERE m.page_id = p.id;
    CREATE FUNCTION newsarchive_latest_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE pages SET latest_version_id = NEW.id
        WHERE id = NEW.page_id AND (latest_version_id IS NULL OR latest_version_id < NEW.id);
        RETURN NULL;
    END $$;
    CREATE TRIGGER versions_latest AFTER INSERT ON versions
        FOR EACH ROW EXECUTE FUNCTION newsarchive_latest_version();
    DROP INDEX IF EXISTS versions_hash;
    DROP INDEX IF EXISTS captures_digest;
    """,
    # 4: as SQLite's 6: each version's extractor, origin and field confidences; imports
    # recognised by their source record; pages gone; resources (requisites, screenshots,
    # robots.txt, sitemaps).
    """
    ALTER TABLE versions ADD COLUMN confidence TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE versions ADD COLUMN extractor TEXT;
    ALTER TABLE versions ADD COLUMN origin TEXT NOT NULL DEFAULT 'crawl';
    ALTER TABLE captures ADD COLUMN origin_record_id TEXT;
    CREATE INDEX captures_origin ON captures(origin_record_id)
        WHERE origin_record_id IS NOT NULL;
    CREATE INDEX captures_url ON captures(url);
    ALTER TABLE crawls ADD COLUMN kind TEXT NOT NULL DEFAULT 'crawl';  -- crawl | import | reextract
    ALTER TABLE pages ADD COLUMN gone_since TEXT;
    CREATE TABLE resources (
        id BIGSERIAL PRIMARY KEY,
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        status INTEGER,
        kind TEXT NOT NULL,
        role TEXT NOT NULL,
        content_type TEXT,
        payload_digest TEXT,
        warc_file TEXT,
        warc_offset BIGINT,
        warc_length BIGINT,
        warc_record_id TEXT,
        revisit_of BIGINT REFERENCES resources(id),
        capture_id BIGINT REFERENCES captures(id),
        crawl_id BIGINT,
        worker TEXT
    );
    CREATE INDEX resources_url ON resources(url, fetched_at);
    CREATE INDEX resources_capture ON resources(capture_id);
    CREATE INDEX resources_digest ON resources(payload_digest);
    """,
    # 5: as SQLite's 7: the revisit schedule (shared by every worker: a claim with a lease
    # keeps two from revisiting one URL at once), the kinds of edit of each new version,
    # and the article links each front-page capture showed.
    """
    CREATE TABLE revisits (
        url TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        kind TEXT NOT NULL,              -- front | article
        source_url TEXT,                 -- the front page an article was found on
        added_at DOUBLE PRECISION NOT NULL,
        interval_s DOUBLE PRECISION NOT NULL,  -- seconds from one check to the next
        next_at DOUBLE PRECISION,          -- due from then; NULL: retired (old, gone, refused)
        last_checked DOUBLE PRECISION,
        last_changed DOUBLE PRECISION,
        checks INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        lease_until DOUBLE PRECISION
    );
    CREATE INDEX revisits_due ON revisits(next_at) WHERE next_at IS NOT NULL;
    CREATE TABLE version_changes (
        id BIGSERIAL PRIMARY KEY,
        version_id BIGINT NOT NULL REFERENCES versions(id),
        previous_id BIGINT NOT NULL REFERENCES versions(id),
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX version_changes_version ON version_changes(version_id);
    CREATE INDEX version_changes_kind ON version_changes(kind, version_id);
    CREATE TABLE front_captures (
        capture_id BIGINT PRIMARY KEY REFERENCES captures(id),
        page_id BIGINT NOT NULL REFERENCES pages(id),
        fetched_at TEXT NOT NULL,
        links_of BIGINT NOT NULL        -- the capture holding the list this one showed
    );
    CREATE INDEX front_captures_page ON front_captures(page_id, fetched_at);
    CREATE TABLE front_links (
        capture_id BIGINT NOT NULL REFERENCES captures(id),
        position INTEGER NOT NULL,       -- 1 = the first article link on the page
        url TEXT NOT NULL,
        headline TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (capture_id, position)
    );
    CREATE INDEX front_links_url ON front_links(url);
    """,
)


def migrate(conn: psycopg.Connection[tuple[object, ...]], where: str) -> None:
    """Bring the schema up to date, or refuse a newer one.

    Args:
        conn: an autocommit connection.
        where: the database, for messages (password already removed).

    Raises:
        SchemaVersionError: the database was written by a newer newsarchive.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version VALUES (0)")
        version = int(str(row[0])) if row else 0
        if version > len(MIGRATIONS):
            raise SchemaVersionError(
                f"{where} has schema version {version}, newer than this newsarchive knows "
                f"({len(MIGRATIONS)}). Upgrade newsarchive to read it.")
        for number in range(version, len(MIGRATIONS)):
            conn.execute(MIGRATIONS[number].encode())
            conn.execute("UPDATE schema_version SET version = %s", (number + 1,))
