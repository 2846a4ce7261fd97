-- The government channel: office service requests, rotation offers, documents, payments.
-- Conventions as before: instants BIGINT Unix seconds, dates ISO text, money BIGINT Rupiah.

-- Kinds of office work ("Servis AC", "Konsumsi rapat"), each served by one trade. tax_kind
-- decides which income tax the treasurer withholds (goods: PPh 22, services: PPh 23).
CREATE TABLE procurement_categories (
    id        INTEGER PRIMARY KEY,
    trade_id  BIGINT NOT NULL REFERENCES trades(id),
    name      TEXT NOT NULL UNIQUE,
    unit      TEXT NOT NULL DEFAULT 'paket',
    tax_kind  TEXT NOT NULL CHECK (tax_kind IN ('goods','services')),
    active    BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0,1))
);

-- A business's tax position (for the treasurer's withholding) and how many office jobs it
-- takes on at once.
ALTER TABLE businesses ADD COLUMN npwp TEXT NOT NULL DEFAULT '';
ALTER TABLE businesses ADD COLUMN pkp BIGINT NOT NULL DEFAULT 0 CHECK (pkp IN (0,1));
ALTER TABLE businesses ADD COLUMN umkm_final BIGINT NOT NULL DEFAULT 0 CHECK (umkm_final IN (0,1));
ALTER TABLE businesses ADD COLUMN office_capacity BIGINT NOT NULL DEFAULT 2 CHECK (office_capacity BETWEEN 0 AND 50);

-- Admin-editable procurement settings (rotation weights, thresholds, tax rules), key/value; a
-- missing key takes the default written in the domain code.
CREATE TABLE procurement_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- An office's declared annual need per kind of work, and its budget lines, per fiscal year.
CREATE TABLE office_needs (
    office_id   BIGINT NOT NULL REFERENCES offices(id),
    year        BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    category_id BIGINT NOT NULL REFERENCES procurement_categories(id),
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (office_id, year, category_id)
);
CREATE TABLE office_budget_lines (
    id           INTEGER PRIMARY KEY,
    office_id    BIGINT NOT NULL REFERENCES offices(id),
    year         BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    account_code TEXT NOT NULL,
    name         TEXT NOT NULL,
    ceiling      BIGINT NOT NULL CHECK (ceiling >= 0),
    UNIQUE (office_id, year, account_code)
);

CREATE TABLE office_requests (
    id              INTEGER PRIMARY KEY,
    office_id       BIGINT NOT NULL REFERENCES offices(id),
    category_id     BIGINT NOT NULL REFERENCES procurement_categories(id),
    fiscal_year     BIGINT NOT NULL,
    title           TEXT NOT NULL,
    place           TEXT NOT NULL,
    kecamatan_code  TEXT NOT NULL REFERENCES regions(code),
    date_from       TEXT NOT NULL,
    date_until      TEXT NOT NULL,
    time_window     TEXT NOT NULL DEFAULT '',
    hps             BIGINT CHECK (hps IS NULL OR hps > 0),
    budget_line_id  BIGINT REFERENCES office_budget_lines(id),
    notes           TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('open','offered','quoted','ordered','done',
                        'accepted','paid','completed','disputed','cancelled','unserved')),
    -- The provider currently asked, or chosen once the quote is accepted.
    business_id     BIGINT REFERENCES businesses(id),
    offer_expires_at BIGINT,
    quoted_total    BIGINT CHECK (quoted_total IS NULL OR quoted_total > 0),
    quote_note      TEXT NOT NULL DEFAULT '',
    -- The rotation's first proposal when the office chose, the rank it chose, and why it passed
    -- over the first (required when chosen_rank > 1). assigned = Karya picked.
    first_business_id BIGINT REFERENCES businesses(id),
    chosen_rank     BIGINT,
    override_reason TEXT NOT NULL DEFAULT '',
    assigned        BIGINT NOT NULL DEFAULT 0 CHECK (assigned IN (0,1)),
    -- The office's rating of the work at hand-over (BAST), 1..5.
    rating          BIGINT CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_note     TEXT NOT NULL DEFAULT '',
    created_by      BIGINT NOT NULL REFERENCES users(id),
    version         BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    ordered_at      BIGINT,
    done_at         BIGINT,
    bast_at         BIGINT,
    paid_at         BIGINT,
    completed_at    BIGINT,
    CHECK (date_until >= date_from),
    CHECK (chosen_rank IS NULL OR chosen_rank = 1 OR override_reason <> '')
);
CREATE INDEX office_requests_office ON office_requests(office_id, fiscal_year);
CREATE INDEX office_requests_business ON office_requests(business_id, state);
CREATE INDEX office_requests_state ON office_requests(state, offer_expires_at);

CREATE TABLE office_request_items (
    id          INTEGER PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES office_requests(id),
    description TEXT NOT NULL,
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    unit        TEXT NOT NULL,
    -- Set by the provider's quote.
    unit_price  BIGINT CHECK (unit_price IS NULL OR unit_price > 0)
);
CREATE INDEX office_request_items_request ON office_request_items(request_id);

-- The state machine as data (domain::procurement::request), refused otherwise by the trigger.
CREATE TABLE office_request_transitions (
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO office_request_transitions (from_state, to_state) VALUES
    ('open','offered'), ('open','cancelled'),
    ('offered','quoted'), ('offered','unserved'), ('offered','cancelled'),
    ('quoted','ordered'), ('quoted','offered'), ('quoted','unserved'), ('quoted','cancelled'),
    ('unserved','open'), ('unserved','cancelled'),
    ('ordered','done'), ('ordered','cancelled'),
    ('done','accepted'), ('done','disputed'),
    ('disputed','ordered'), ('disputed','cancelled'),
    ('accepted','paid'),
    ('paid','accepted'), ('paid','completed');

-- Each provider asked in turn: the rotation's rank, the answer, and why.
CREATE TABLE office_offers (
    id          INTEGER PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES office_requests(id),
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    rank        BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending','quoted','declined','expired','rejected','withdrawn','won')),
    reason      TEXT NOT NULL DEFAULT '',
    offered_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    answered_at BIGINT,
    UNIQUE (request_id, business_id)
);
CREATE UNIQUE INDEX office_offers_one_pending ON office_offers(request_id) WHERE state = 'pending';
CREATE INDEX office_offers_business ON office_offers(business_id, state);

CREATE TABLE office_request_events (
    id          INTEGER PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES office_requests(id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL CHECK (actor IN ('office','treasurer','provider','agency','system')),
    user_id     BIGINT REFERENCES users(id),
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX office_request_events_request ON office_request_events(request_id, at);

-- Document numbers: one gapless sequence per issuer and year, handed out inside the
-- transaction that stores the document. scope is 'office:<id>' or 'business:<id>'.
CREATE TABLE document_counters (
    scope TEXT NOT NULL,
    year  BIGINT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (scope, year)
);

-- Issued documents, as the PDF that was issued. Never edited: a correction voids a document
-- (with a reason) and issues a new one that names the one it replaces.
CREATE TABLE office_documents (
    id          INTEGER PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES office_requests(id),
    kind        TEXT NOT NULL CHECK (kind IN ('sp','spk','bukti','kuitansi','bast','invoice')),
    scope       TEXT NOT NULL,
    year        BIGINT NOT NULL,
    seq         BIGINT NOT NULL CHECK (seq > 0),
    number      TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    pdf         BLOB NOT NULL,
    issued_at   BIGINT NOT NULL,
    issued_by   BIGINT REFERENCES users(id),
    replaces_id BIGINT REFERENCES office_documents(id),
    voided_at   BIGINT,
    voided_by   BIGINT REFERENCES users(id),
    void_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (scope, year, seq),
    UNIQUE (scope, number),
    CHECK (voided_at IS NULL OR void_reason <> '')
);
CREATE INDEX office_documents_request ON office_documents(request_id);

-- The treasurer's payment with the tax withheld; the provider confirms receipt. A wrong
-- payment record is voided with a reason (kept) and recorded again.
CREATE TABLE office_payments (
    id            INTEGER PRIMARY KEY,
    request_id    BIGINT NOT NULL REFERENCES office_requests(id),
    paid_on       TEXT NOT NULL,
    method        TEXT NOT NULL CHECK (method IN ('transfer','tunai','cms')),
    gross         BIGINT NOT NULL CHECK (gross > 0),
    withheld      BIGINT NOT NULL CHECK (withheld >= 0),
    net           BIGINT NOT NULL CHECK (net = gross - withheld),
    proof_number  TEXT NOT NULL,
    recorded_by   BIGINT NOT NULL REFERENCES users(id),
    recorded_at   BIGINT NOT NULL,
    confirmed_at  BIGINT,
    voided_at     BIGINT,
    void_reason   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX office_payments_one_live ON office_payments(request_id) WHERE voided_at IS NULL;
CREATE TABLE office_payment_taxes (
    payment_id  BIGINT NOT NULL REFERENCES office_payments(id),
    code        TEXT NOT NULL,
    label       TEXT NOT NULL,
    base        BIGINT NOT NULL,
    rate_bp     BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    basis       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (payment_id, code)
);

-- An alumnus's appeal against a quality-floor exclusion, answered by the agency.
CREATE TABLE rotation_appeals (
    id          INTEGER PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users(id),
    answered_at BIGINT
);

CREATE TRIGGER office_requests_state_guard BEFORE UPDATE OF state ON office_requests
WHEN NEW.state <> OLD.state AND NOT EXISTS
    (SELECT 1 FROM office_request_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN SELECT RAISE(ABORT, 'illegal office request transition'); END;
CREATE TRIGGER office_requests_start_open BEFORE INSERT ON office_requests
WHEN NEW.state <> 'open'
BEGIN SELECT RAISE(ABORT, 'an office request starts as open'); END;
CREATE TRIGGER office_documents_immutable BEFORE UPDATE ON office_documents
WHEN NEW.pdf <> OLD.pdf OR NEW.number <> OLD.number OR NEW.amount <> OLD.amount
    OR NEW.seq <> OLD.seq OR NEW.kind <> OLD.kind OR NEW.request_id <> OLD.request_id
    OR NEW.scope <> OLD.scope OR NEW.year <> OLD.year OR NEW.issued_at <> OLD.issued_at
    OR NEW.issued_by IS NOT OLD.issued_by OR NEW.replaces_id IS NOT OLD.replaces_id
    OR (OLD.voided_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'an issued document is never edited'); END;
CREATE TRIGGER office_documents_no_delete BEFORE DELETE ON office_documents
BEGIN SELECT RAISE(ABORT, 'an issued document is never deleted'); END;
