-- Foundation schema. Conventions shared with migrations/postgres:
--   ids are 64-bit integers; instants are BIGINT seconds since the Unix epoch (UTC);
--   calendar dates are TEXT 'YYYY-MM-DD'; flags are BIGINT 0/1; money is BIGINT whole Rupiah.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,            -- Kemendagri code, dotted: 15.07.10.2007
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('provinsi','kabupaten','kota','kecamatan','desa','kelurahan')),
    parent_code TEXT REFERENCES regions(code)
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE trades (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

CREATE TABLE programs (
    id               INTEGER PRIMARY KEY,
    trade_id         BIGINT NOT NULL REFERENCES trades(id),
    name             TEXT NOT NULL,
    hours            BIGINT NOT NULL CHECK (hours > 0),
    days             BIGINT NOT NULL CHECK (days > 0),
    competency_units TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    UNIQUE (trade_id, name)
);

CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    program_id  BIGINT NOT NULL REFERENCES programs(id),
    year        BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    number      BIGINT NOT NULL CHECK (number > 0),
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    funding     TEXT NOT NULL CHECK (funding IN ('APBN','APBD','lainnya')),
    capacity    BIGINT NOT NULL CHECK (capacity > 0),
    instructor  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (program_id, year, number),
    CHECK (end_date >= start_date)
);

CREATE TABLE alumni (
    id             INTEGER PRIMARY KEY,
    full_name      TEXT NOT NULL,
    gender         TEXT NOT NULL CHECK (gender IN ('L','P')),
    birth_place    TEXT NOT NULL DEFAULT '',
    birth_date     TEXT,
    nik_enc        TEXT,                      -- NIK encrypted with the data key
    nik_hmac       TEXT UNIQUE,               -- keyed hash of the NIK, for look-up without decryption
    phone          TEXT,                      -- normalised +62...
    address        TEXT NOT NULL DEFAULT '',
    kecamatan_code TEXT REFERENCES regions(code),
    desa_code      TEXT REFERENCES regions(code),
    education      TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX alumni_kecamatan ON alumni(kecamatan_code);

CREATE TABLE participations (
    id           INTEGER PRIMARY KEY,
    alumnus_id   BIGINT NOT NULL REFERENCES alumni(id),
    batch_id     BIGINT NOT NULL REFERENCES batches(id),
    result       TEXT CHECK (result IN ('lulus','tidak_lulus')),
    competency   TEXT CHECK (competency IN ('kompeten','belum_kompeten')),
    cert_number  TEXT,
    cert_issuer  TEXT,
    cert_date    TEXT,
    cert_expiry  TEXT,
    placement    TEXT NOT NULL DEFAULT 'belum' CHECK (placement IN ('mandiri','industri','belum')),
    UNIQUE (alumnus_id, batch_id)
);
CREATE INDEX participations_batch ON participations(batch_id);

CREATE TABLE offices (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('sekretariat','dinas','badan','kecamatan','rsud','puskesmas','sekolah','lainnya')),
    address         TEXT NOT NULL DEFAULT '',
    kecamatan_code  TEXT REFERENCES regions(code),
    head_name       TEXT NOT NULL DEFAULT '',
    head_nip        TEXT NOT NULL DEFAULT '',
    ppk_name        TEXT NOT NULL DEFAULT '',
    ppk_nip         TEXT NOT NULL DEFAULT '',
    treasurer_name  TEXT NOT NULL DEFAULT '',
    treasurer_nip   TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);

CREATE TABLE partners (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('bank','baznas','csr','koperasi','lainnya')),
    contact     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

CREATE TABLE businesses (
    id             INTEGER PRIMARY KEY,
    alumnus_id     BIGINT NOT NULL REFERENCES alumni(id),
    trade_id       BIGINT NOT NULL REFERENCES trades(id),
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    kecamatan_code TEXT REFERENCES regions(code),
    phone          TEXT,
    phone_public   BIGINT NOT NULL DEFAULT 0 CHECK (phone_public IN (0,1)),
    verified_at    BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX businesses_alumnus ON businesses(alumnus_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin','opd','bendahara','alumni','pembeli','mitra')),
    office_id           BIGINT REFERENCES offices(id),
    alumnus_id          BIGINT REFERENCES alumni(id),
    partner_id          BIGINT REFERENCES partners(id),
    phone               TEXT,
    password_hash       TEXT NOT NULL,
    disabled_at         BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    CHECK (role NOT IN ('opd','bendahara') OR office_id IS NOT NULL),
    CHECK (role <> 'mitra' OR partner_id IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,            -- SHA-256 of the cookie value; the value itself is never stored
    user_id      BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    ip        TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- Append-only audit trail: every entry carries the hash of the one before it.
CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     BIGINT,
    actor_label  TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    summary      TEXT NOT NULL,
    ip           TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- The head of the chain: serialises writers and lets `audit verify` notice a removed tail.
CREATE TABLE audit_head (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    last_seq  BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
