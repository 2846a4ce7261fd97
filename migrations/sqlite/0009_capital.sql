-- Capital (issue 13): partners' programs with eligibility rules as data, applications with
-- their private documents, frozen dossiers, consent to share with the partner, the partner's
-- decision, disbursement and monthly repayment reports.
-- Conventions as before: instants BIGINT Unix seconds, dates ISO text, money BIGINT Rupiah.

-- A program a partner offers. Amounts, rates, tenors, dates, quota, required documents and the
-- eligibility rules are the agency's data, never code. `rules` is the JSON of
-- domain::capital::program::Rules; `documents` a comma-separated list of
-- domain::capital::program::DocumentKind slugs. `kur` marks a KUR program: its consented
-- candidates go to the SIKP export.
CREATE TABLE capital_programs (
    id          INTEGER PRIMARY KEY,
    partner_id  BIGINT NOT NULL REFERENCES partners(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('loan','grant','equipment','revolving')),
    kur         BIGINT NOT NULL DEFAULT 0 CHECK (kur IN (0,1)),
    description TEXT NOT NULL DEFAULT '',
    min_amount  BIGINT NOT NULL CHECK (min_amount > 0),
    max_amount  BIGINT NOT NULL,
    terms       TEXT NOT NULL DEFAULT '',
    tenor_min   BIGINT NOT NULL CHECK (tenor_min >= 0),
    tenor_max   BIGINT NOT NULL,
    opens_on    TEXT NOT NULL,
    closes_on   TEXT NOT NULL,
    quota       BIGINT CHECK (quota IS NULL OR quota > 0),
    documents   TEXT NOT NULL DEFAULT '',
    rules       TEXT NOT NULL DEFAULT '{}',
    version     BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (partner_id, name),
    CHECK (max_amount >= min_amount),
    CHECK (tenor_max >= tenor_min),
    CHECK (closes_on >= opens_on)
);

CREATE TABLE capital_applications (
    id              INTEGER PRIMARY KEY,
    program_id      BIGINT NOT NULL REFERENCES capital_programs(id),
    alumnus_id      BIGINT NOT NULL REFERENCES alumni(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    state           TEXT NOT NULL CHECK (state IN ('draft','submitted','in_review','returned',
                        'rejected','recommended','referred','approved','declined','disbursed',
                        'closed','withdrawn','expired')),
    purpose         TEXT NOT NULL CHECK (purpose IN ('working_capital','equipment','expansion')),
    amount          BIGINT NOT NULL CHECK (amount > 0),
    tenor_months    BIGINT NOT NULL CHECK (tenor_months >= 0),
    -- The plan of use: JSON list of {"item": text, "price": Rupiah}.
    plan            TEXT NOT NULL DEFAULT '[]',
    -- What a KUR candidate's entry in SIKP needs and the register does not hold.
    marital_status  TEXT NOT NULL DEFAULT '' CHECK (marital_status IN ('','belum_kawin','kawin','cerai_hidup','cerai_mati')),
    business_capital BIGINT CHECK (business_capital IS NULL OR business_capital >= 0),
    workers         BIGINT NOT NULL DEFAULT 1 CHECK (workers >= 0),
    kbli            TEXT NOT NULL DEFAULT '',
    -- Why it was last returned, rejected or declined.
    reason          TEXT NOT NULL DEFAULT '',
    approved_amount BIGINT CHECK (approved_amount IS NULL OR approved_amount > 0),
    approved_tenor  BIGINT,
    approved_rate   TEXT NOT NULL DEFAULT '',
    disbursed_on    TEXT,
    disbursed_amount BIGINT CHECK (disbursed_amount IS NULL OR disbursed_amount > 0),
    -- The partner's latest repayment report.
    repayment       TEXT CHECK (repayment IS NULL OR repayment IN ('on_track','late','closed')),
    version         BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    submitted_at    BIGINT,
    referred_at     BIGINT,
    decided_at      BIGINT,
    -- The last timeout reminder sent for the current state (none again until the state moves).
    reminded_at     BIGINT
);
CREATE INDEX capital_applications_alumnus ON capital_applications(alumnus_id, program_id);
CREATE INDEX capital_applications_state ON capital_applications(state, updated_at);

-- The state machine as data (domain::capital::application), refused otherwise by the trigger.
CREATE TABLE capital_application_transitions (
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO capital_application_transitions (from_state, to_state) VALUES
    ('draft','submitted'), ('draft','withdrawn'), ('draft','expired'),
    ('submitted','in_review'), ('submitted','withdrawn'),
    ('in_review','returned'), ('in_review','rejected'), ('in_review','recommended'), ('in_review','withdrawn'),
    ('returned','submitted'), ('returned','withdrawn'), ('returned','expired'),
    ('recommended','referred'), ('recommended','withdrawn'),
    ('referred','approved'), ('referred','declined'), ('referred','withdrawn'),
    ('approved','disbursed'),
    ('disbursed','closed');

CREATE TRIGGER capital_applications_state_guard BEFORE UPDATE OF state ON capital_applications
WHEN NEW.state <> OLD.state AND NOT EXISTS
    (SELECT 1 FROM capital_application_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN SELECT RAISE(ABORT, 'illegal capital application transition'); END;
CREATE TRIGGER capital_applications_start_draft BEFORE INSERT ON capital_applications
WHEN NEW.state <> 'draft'
BEGIN SELECT RAISE(ABORT, 'a capital application starts as draft'); END;

-- The timeline: who moved the application, when, and why.
CREATE TABLE capital_application_events (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES capital_applications(id),
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL CHECK (actor IN ('alumnus','agency','partner','system')),
    user_id        BIGINT REFERENCES users(id),
    action         TEXT NOT NULL,
    from_state     TEXT,
    to_state       TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX capital_application_events_application ON capital_application_events(application_id, at);

-- Documents uploaded privately with an application, sealed with the data key (a KTP photo
-- carries a NIK). One current file per kind; a new upload replaces it until submission.
CREATE TABLE capital_documents (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES capital_applications(id),
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL CHECK (size > 0),
    content        BLOB NOT NULL,
    uploaded_at    BIGINT NOT NULL,
    UNIQUE (application_id, kind)
);

-- The dossier frozen at submission (and at each refresh): the track record as JSON with its
-- SHA-256. Never edited, never deleted; a refresh is a new version.
CREATE TABLE capital_dossiers (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES capital_applications(id),
    version        BIGINT NOT NULL CHECK (version > 0),
    created_at     BIGINT NOT NULL,
    body           TEXT NOT NULL,
    hash           TEXT NOT NULL,
    UNIQUE (application_id, version)
);
CREATE TRIGGER capital_dossiers_immutable BEFORE UPDATE ON capital_dossiers
BEGIN SELECT RAISE(ABORT, 'a frozen dossier is never edited'); END;
CREATE TRIGGER capital_dossiers_no_delete BEFORE DELETE ON capital_dossiers
BEGIN SELECT RAISE(ABORT, 'a frozen dossier is never deleted'); END;

-- The alumna's consent to share one dossier version (with the documents and the NIK) with the
-- program's partner. At most one live consent per application; revoked until the partner
-- decides.
CREATE TABLE capital_consents (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES capital_applications(id),
    partner_id     BIGINT NOT NULL REFERENCES partners(id),
    dossier_id     BIGINT NOT NULL REFERENCES capital_dossiers(id),
    granted_at     BIGINT NOT NULL,
    granted_by     BIGINT NOT NULL REFERENCES users(id),
    revoked_at     BIGINT
);
CREATE UNIQUE INDEX capital_consents_one_live ON capital_consents(application_id) WHERE revoked_at IS NULL;

-- The partner's monthly repayment report.
CREATE TABLE capital_repayments (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES capital_applications(id),
    period         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('on_track','late','closed')),
    note           TEXT NOT NULL DEFAULT '',
    reported_at    BIGINT NOT NULL,
    reported_by    BIGINT REFERENCES users(id),
    UNIQUE (application_id, period)
);

-- "Anda kini memenuhi syarat …" is sent once per alumnus and program.
CREATE TABLE capital_eligibility_notices (
    alumnus_id  BIGINT NOT NULL REFERENCES alumni(id),
    program_id  BIGINT NOT NULL REFERENCES capital_programs(id),
    notified_at BIGINT NOT NULL,
    PRIMARY KEY (alumnus_id, program_id)
);

-- Admin-editable capital settings (reminder days, draft expiry, the SIKP column mapping),
-- key/value; a missing key takes the default written in the domain code.
CREATE TABLE capital_settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
