-- Alumni claim their record (issue 3): one-time claim codes, and one account per alumnus.
-- Same meaning as migrations/postgres/0002_claims.sql.

-- A code the agency prints for one alumnus. Only a keyed hash of the code is stored (the code
-- is short, so a plain hash of a leaked table could be brute-forced). A code is live while
-- used_at and revoked_at are NULL and expires_at lies ahead; issuing a new code for an alumnus
-- revokes the older live ones.
CREATE TABLE claim_codes (
    id          INTEGER PRIMARY KEY,
    code_hash   TEXT NOT NULL UNIQUE,
    alumnus_id  BIGINT NOT NULL REFERENCES alumni(id),
    batch_id    BIGINT REFERENCES batches(id),   -- printed on a batch sheet; NULL when issued singly
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    used_by     BIGINT REFERENCES users(id),
    revoked_at  BIGINT,
    CHECK (expires_at > created_at),
    CHECK (used_at IS NULL OR used_by IS NOT NULL)
);
CREATE INDEX claim_codes_alumnus ON claim_codes(alumnus_id);

-- An alumnus record belongs to at most one account (several NULLs are allowed on both backends).
CREATE UNIQUE INDEX users_alumnus_id_key ON users(alumnus_id);
