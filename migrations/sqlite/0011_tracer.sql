-- Tracer study (issue 14): questionnaire versions, the yearly UMK, settings, one invitation per
-- completer and wave with a personal link, and the answers. Same tables as
-- migrations/{sqlite,postgres}/0011_tracer.sql.
--
-- Who is traced: participations with result 'lulus' (completers). A wave is a number of months
-- after the batch's end_date (settings `waves`, default 1,3,6,12). The indicators are decided
-- once, by domain::tracer when an answer is stored (`works_in_trade`, `earns_umk`), so every
-- count (dashboard, report, lists) sums the same stored flags.

-- The questionnaire as data: the whole of it as JSON (domain::tracer::Questionnaire). An edit by
-- the agency inserts a new row; the highest id is the current version. Rows never change.
CREATE TABLE tracer_versions (
    id          INTEGER PRIMARY KEY,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  BIGINT REFERENCES users(id)
);

-- The district's monthly minimum wage per year, against which income is judged.
CREATE TABLE umk (
    year        BIGINT NOT NULL PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    updated_at  BIGINT NOT NULL
);

-- Settings as key/value text (waves, window_days, reminder_days, max_reminders), read and
-- validated by domain::tracer.
CREATE TABLE tracer_settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

-- One per completer and wave. The personal link's secret is never stored: `token_hash` is its
-- SHA-256, and the application re-derives the secret with the instance key when it reminds.
-- The link works from opens_on to closes_on (inclusive, dates in WIB) and once: an answer spends it.
CREATE TABLE tracer_invitations (
    id               INTEGER PRIMARY KEY,
    participation_id BIGINT NOT NULL REFERENCES participations(id),
    wave             BIGINT NOT NULL CHECK (wave BETWEEN 1 AND 120),
    opens_on         TEXT NOT NULL,
    closes_on        TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT,
    reminders        BIGINT NOT NULL DEFAULT 0,
    last_reminded_at BIGINT,
    UNIQUE (participation_id, wave),
    CHECK (closes_on >= opens_on)
);
CREATE INDEX tracer_invitations_closes ON tracer_invitations(closes_on);

-- One answer per invitation, under the questionnaire version it was given with. `source`:
-- 'tautan' (the alumnus through the personal link) or 'telepon' (staff, taken by phone;
-- `entered_by` says who). `answers` holds every answer by question key (extra questions too);
-- the columns beside it are the standard questions, for counting. `prefill` is the platform
-- evidence the form showed (JSON), `confirmed_prefill` 1 when the alumnus confirmed it as is.
CREATE TABLE tracer_responses (
    id                INTEGER PRIMARY KEY,
    invitation_id     BIGINT NOT NULL UNIQUE REFERENCES tracer_invitations(id),
    version_id        BIGINT NOT NULL REFERENCES tracer_versions(id),
    source            TEXT NOT NULL CHECK (source IN ('tautan','telepon')),
    status            TEXT NOT NULL CHECK (status IN ('penuh_waktu','paruh_waktu','wirausaha','bekerja_wirausaha','studi','mencari','tidak_mencari')),
    related           BIGINT CHECK (related IN (0,1)),
    income_band       TEXT,
    umk_year          BIGINT,
    umk_amount        BIGINT,
    works_in_trade    BIGINT NOT NULL CHECK (works_in_trade IN (0,1)),
    earns_umk         BIGINT NOT NULL CHECK (earns_umk IN (0,1)),
    satisfaction      BIGINT CHECK (satisfaction BETWEEN 1 AND 5),
    next_training     TEXT NOT NULL DEFAULT '',
    answers           TEXT NOT NULL,
    prefill           TEXT NOT NULL DEFAULT '{}',
    confirmed_prefill BIGINT NOT NULL DEFAULT 0 CHECK (confirmed_prefill IN (0,1)),
    entered_by        BIGINT REFERENCES users(id),
    answered_at       BIGINT NOT NULL,
    CHECK (source <> 'telepon' OR entered_by IS NOT NULL)
);

-- The obstacles ticked in an answer (option keys: pemasaran, modal, alat, bahan, izin_usaha,
-- lainnya, and any the agency adds).
CREATE TABLE tracer_obstacles (
    response_id BIGINT NOT NULL REFERENCES tracer_responses(id),
    obstacle    TEXT NOT NULL,
    PRIMARY KEY (response_id, obstacle)
);

-- Tanjung Jabung Timur's UMK (../shared/FACTS.md); the agency adds later years on the settings page.
INSERT INTO umk (year, amount, updated_at) VALUES (2025, 3234535, 0), (2026, 3486521, 0);
