"""The SQLite schema, as numbered migrations applied in order when an archive opens.

``PRAGMA user_version`` holds the number of migrations applied. An archive whose
version is higher than ``len(MIGRATIONS)`` was written by a newer newsarchive and is
refused rather than misread.
"""

from __future__ import annotations

import sqlite3

from ...errors import SchemaVersionError

MIGRATIONS: tuple[str, ...] = (
    # 1: pages, captures, versions, attributions, full-text index, crawls, frontier
    """
    CREATE TABLE pages (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,          -- normalised URL: one article, one page
        site TEXT NOT NULL,                -- host without www.
        first_seen TEXT NOT NULL,
        last_checked TEXT,
        etag TEXT,
        last_modified TEXT
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES pages(id),
        capture_id INTEGER NOT NULL,       -- the capture that first saw this content
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
        signals TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX versions_page ON versions(page_id, captured_at);
    CREATE INDEX versions_published ON versions(published);
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES pages(id),
        url TEXT NOT NULL,                 -- as fetched (after redirects)
        fetched_at TEXT NOT NULL,
        status INTEGER NOT NULL,
        kind TEXT NOT NULL,                -- response | revisit | not-modified
        content_type TEXT,
        payload_digest TEXT,
        content_hash TEXT,
        warc_file TEXT,
        warc_offset INTEGER,
        warc_length INTEGER,
        version_id INTEGER REFERENCES versions(id),
        crawl_id INTEGER
    );
    CREATE INDEX captures_page ON captures(page_id, fetched_at);
    CREATE INDEX captures_digest ON captures(payload_digest);
    CREATE TABLE attributions (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions(id),
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        passage TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        pattern TEXT NOT NULL
    );
    CREATE INDEX attributions_version ON attributions(version_id, position);
    CREATE INDEX attributions_source ON attributions(source COLLATE NOCASE);
    CREATE VIRTUAL TABLE versions_fts USING fts5(
        title, body, content='versions', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER versions_ai AFTER INSERT ON versions BEGIN
        INSERT INTO versions_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    CREATE TRIGGER versions_ad AFTER DELETE ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END;
    CREATE TABLE crawls (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        seeds TEXT NOT NULL DEFAULT '[]',
        settings TEXT NOT NULL DEFAULT '{}',
        stats TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE frontier (
        url TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        depth INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'queued',   -- queued | in-flight | done | failed | skipped
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        last_error TEXT,
        crawl_id INTEGER,
        source_url TEXT
    );
    CREATE INDEX frontier_state ON frontier(state, next_attempt_at);
    """,
    # 2: revisits say which capture holds their payload; WARC record ids; read-side indexes
    """
    ALTER TABLE captures ADD COLUMN warc_record_id TEXT;
    ALTER TABLE captures ADD COLUMN revisit_of INTEGER REFERENCES captures(id);
    CREATE INDEX captures_version ON captures(version_id);
    CREATE INDEX captures_file ON captures(warc_file, warc_offset);
    CREATE INDEX versions_captured ON versions(captured_at);
    CREATE INDEX versions_hash ON versions(content_hash);
    """,
    # 3: the crawler claims URLs host by host (politeness), so index the frontier by host
    """
    CREATE INDEX IF NOT EXISTS frontier_host ON frontier(host, state, next_attempt_at);
    """,
    # 4: speed at a million records (issue 5).
    # - pages.latest_version_id names each page's latest version (kept by a trigger), so
    #   queries test one column instead of a max(id) subquery per hit.
    # - the full-text index is filled by the store when its transaction commits
    #   (ArticleStore.transaction), one INSERT ... SELECT per batch instead of a trigger per
    #   row: 2-3 times faster, and searches see the same rows once committed.
    # - versions_hash and captures_digest go: no query reads them (dedup looks a page's
    #   own captures and versions up through captures_page and versions_page), and their
    #   random keys outgrow the page cache long before a million records.
    """
    ALTER TABLE pages ADD COLUMN latest_version_id INTEGER;
    UPDATE pages SET latest_version_id =
        (SELECT max(id) FROM versions WHERE versions.page_id = pages.id);
    CREATE TRIGGER versions_latest AFTER INSERT ON versions BEGIN
        UPDATE pages SET latest_version_id = new.id
        WHERE id = new.page_id AND (latest_version_id IS NULL OR latest_version_id < new.id);
    END;
    DROP TRIGGER IF EXISTS versions_ai;
    DROP INDEX IF EXISTS versions_hash;
    DROP INDEX IF EXISTS captures_digest;
    """,
    # 5: a full-text hit's page and date read from a small index (about 40 bytes a row)
    #    instead of the version row with its body: a cold phrase query with a date filter
    #    reads a tenth of the pages (search() names it with INDEXED BY where it covers).
    """
    CREATE INDEX IF NOT EXISTS versions_filter ON versions(id, page_id, published);
    """,
    # 6: provenance of each version (which extractor, crawled / fetched / imported /
    #    re-extracted, field confidences), imports recognised by their source record,
    #    pages that went away, and resources: a page's requisites (images, styles,
    #    scripts, fonts), its screenshot and rendered DOM, and robots.txt, sitemaps and
    #    feeds, each a WARC record the database points at.
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
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        status INTEGER,
        kind TEXT NOT NULL,              -- WARC record type: response | revisit | resource
        role TEXT NOT NULL,              -- image | stylesheet | script | font | media |
                                         -- other | screenshot | dom | robots | sitemap
        content_type TEXT,
        payload_digest TEXT,
        warc_file TEXT,
        warc_offset INTEGER,
        warc_length INTEGER,
        warc_record_id TEXT,
        revisit_of INTEGER REFERENCES resources(id),
        capture_id INTEGER REFERENCES captures(id),  -- the page capture it belongs to
        crawl_id INTEGER
    );
    CREATE INDEX resources_url ON resources(url, fetched_at);
    CREATE INDEX resources_capture ON resources(capture_id);
    CREATE INDEX resources_digest ON resources(payload_digest);
    """,
    # 7: how stories change and what front pages showed (issue 18).
    # - revisits: the revisit schedule (front pages at a fixed interval, the articles they
    #   link to adaptively); times are epoch seconds; next_at NULL: no longer revisited.
    #   A claim (claimed_by until lease_until) keeps two processes off one URL at once.
    # - version_changes: the kinds of edit each new version makes (one row per kind),
    #   against the version before it.
    # - front_captures / front_links: the article links a front or section page showed,
    #   in order with their headline; a capture whose list is the same as the one before
    #   points at it (links_of) instead of repeating it.
    """
    CREATE TABLE revisits (
        url TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        kind TEXT NOT NULL,              -- front | article
        source_url TEXT,                 -- the front page an article was found on
        added_at REAL NOT NULL,
        interval_s REAL NOT NULL,        -- seconds from one check to the next
        next_at REAL,                    -- due from then; NULL: retired (old, gone, refused)
        last_checked REAL,
        last_changed REAL,
        checks INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        lease_until REAL
    );
    CREATE INDEX revisits_due ON revisits(next_at) WHERE next_at IS NOT NULL;
    CREATE TABLE version_changes (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions(id),
        previous_id INTEGER NOT NULL REFERENCES versions(id),
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX version_changes_version ON version_changes(version_id);
    CREATE INDEX version_changes_kind ON version_changes(kind, version_id);
    CREATE TABLE front_captures (
        capture_id INTEGER PRIMARY KEY REFERENCES captures(id),
        page_id INTEGER NOT NULL REFERENCES pages(id),
        fetched_at TEXT NOT NULL,
        links_of INTEGER NOT NULL        -- the capture holding the list this one showed
    );
    CREATE INDEX front_captures_page ON front_captures(page_id, fetched_at);
    CREATE TABLE front_links (
        capture_id INTEGER NOT NULL REFERENCES captures(id),
        position INTEGER NOT NULL,       -- 1 = the first article link on the page
        url TEXT NOT NULL,
        headline TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (capture_id, position)
    );
    CREATE INDEX front_links_url ON front_links(url);
    """,
)


def migrate(conn: sqlite3.Connection, path: str) -> None:
    """Bring the schema up to date, or refuse a newer one.

    The caller keeps other processes out meanwhile (``store.connect`` holds a lock): the
    version is read before each migration's transaction.

    Raises:
        SchemaVersionError: the database was written by a newer newsarchive.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise SchemaVersionError(
            f"{path} has schema version {version}, newer than this newsarchive knows "
            f"({len(MIGRATIONS)}). Upgrade newsarchive to read it."
        )
    while version < len(MIGRATIONS):
        script = (f"BEGIN IMMEDIATE; {MIGRATIONS[version]}; "
                  f"PRAGMA user_version = {version + 1}; COMMIT;")
        try:
            conn.executescript(script)
        except sqlite3.Error:
            if conn.in_transaction:
                conn.rollback()
            raise
        version += 1
        # the migration's pages went through the WAL: write them home and start it empty,
        # so creating an archive never holds every migration's pages twice (~450 KB)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
