-- Marketplace: storefronts, listings with photos, the search synonyms, orders with their
-- timeline, messages and payment, reviews, and notifications with their delivery outbox.

-- A storefront is a business row; these are the storefront's own fields.
ALTER TABLE businesses ADD COLUMN desa_code TEXT REFERENCES regions(code);
ALTER TABLE businesses ADD COLUMN pickup_address TEXT NOT NULL DEFAULT '';
-- Opening days as seven 0/1 flags, Monday first ("1111110"), and hours as HH:MM text.
ALTER TABLE businesses ADD COLUMN open_days TEXT NOT NULL DEFAULT '1111110';
ALTER TABLE businesses ADD COLUMN open_from TEXT NOT NULL DEFAULT '08:00';
ALTER TABLE businesses ADD COLUMN open_until TEXT NOT NULL DEFAULT '17:00';
-- Permit numbers; empty means the business does not hold that permit.
ALTER TABLE businesses ADD COLUMN nib TEXT NOT NULL DEFAULT '';
ALTER TABLE businesses ADD COLUMN pirt TEXT NOT NULL DEFAULT '';
ALTER TABLE businesses ADD COLUMN halal TEXT NOT NULL DEFAULT '';
-- The text inside the business's static QRIS code (validated, CRC checked) or empty.
ALTER TABLE businesses ADD COLUMN qris_payload TEXT NOT NULL DEFAULT '';
-- Shown only on this business's own order invoices.
ALTER TABLE businesses ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE businesses ADD COLUMN bank_account TEXT NOT NULL DEFAULT '';
ALTER TABLE businesses ADD COLUMN bank_holder TEXT NOT NULL DEFAULT '';
-- The verification badge names the program and batch through this participation.
ALTER TABLE businesses ADD COLUMN verified_participation_id BIGINT REFERENCES participations(id);
ALTER TABLE businesses ADD COLUMN verified_by BIGINT REFERENCES users(id);
ALTER TABLE businesses ADD COLUMN active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0,1));
ALTER TABLE businesses ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

-- Trades a business draws on besides its main one (businesses.trade_id).
CREATE TABLE business_trades (
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    trade_id    BIGINT NOT NULL REFERENCES trades(id),
    PRIMARY KEY (business_id, trade_id)
);
-- Kecamatan or desa a business serves (a region code of either level).
CREATE TABLE business_areas (
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    region_code TEXT NOT NULL REFERENCES regions(code),
    PRIMARY KEY (business_id, region_code)
);

-- Listing categories, each tied to a trade ("Kue ulang tahun" under Tata Boga).
CREATE TABLE categories (
    id       INTEGER PRIMARY KEY,
    trade_id BIGINT NOT NULL REFERENCES trades(id),
    name     TEXT NOT NULL,
    UNIQUE (trade_id, name)
);

-- Sequences handed out inside transactions (catalog revisions; later document numbers).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('catalog', 0);

CREATE TABLE listings (
    id           INTEGER PRIMARY KEY,
    business_id  BIGINT NOT NULL REFERENCES businesses(id),
    kind         TEXT NOT NULL CHECK (kind IN ('product','service')),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    category_id  BIGINT NOT NULL REFERENCES categories(id),
    price_kind   TEXT NOT NULL CHECK (price_kind IN ('fixed','from','quote')),
    price        BIGINT CHECK (price IS NULL OR price > 0),
    office_price BIGINT CHECK (office_price IS NULL OR office_price > 0),
    unit         TEXT NOT NULL,
    min_order    BIGINT NOT NULL DEFAULT 1 CHECK (min_order >= 1),
    lead_days    BIGINT NOT NULL DEFAULT 0 CHECK (lead_days >= 0),
    active       BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    -- Catalog revision (counters.catalog) of the last change to this listing, its business or
    -- its reviews; search indexes catch up by reading rows with a higher revision.
    revision     BIGINT NOT NULL DEFAULT 0,
    CHECK ((price_kind = 'quote') = (price IS NULL))
);
CREATE INDEX listings_business ON listings(business_id);
CREATE INDEX listings_revision ON listings(revision);
-- Area served by one listing when it is narrower than its business's; none means the business's.
CREATE TABLE listing_areas (
    listing_id  BIGINT NOT NULL REFERENCES listings(id),
    region_code TEXT NOT NULL REFERENCES regions(code),
    PRIMARY KEY (listing_id, region_code)
);
-- Photos as re-encoded on upload (the original is never kept).
CREATE TABLE listing_photos (
    id          INTEGER PRIMARY KEY,
    listing_id  BIGINT NOT NULL REFERENCES listings(id),
    position    BIGINT NOT NULL,
    thumb       BLOB NOT NULL,
    detail      BLOB NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX listing_photos_listing ON listing_photos(listing_id, position);

-- Search synonyms: each row is one group of words that mean the same to a buyer, comma
-- separated ("servis, service, perbaikan"). Data the admin extends, not code.
CREATE TABLE search_synonyms (
    id         INTEGER PRIMARY KEY,
    words      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('synonyms', 0);
-- Starting synonyms; the admin extends them at /admin/sinonim.
INSERT INTO search_synonyms (words, created_at) VALUES
    ('servis, service, perbaikan, reparasi', 0),
    ('ac, pendingin ruangan, air conditioner', 0),
    ('ultah, ulang tahun, ulangtahun, birthday', 0),
    ('kue, roti, snack, jajanan', 0),
    ('jahit, menjahit, penjahit, jahitan', 0),
    ('motor, sepeda motor', 0),
    ('listrik, instalasi listrik', 0),
    ('rias, make up, makeup, mua', 0),
    ('komputer, laptop', 0),
    ('nasi kotak, nasi box', 0),
    ('snack box, kotak snack, kue kotak', 0),
    ('cuci, bersihkan, cleaning', 0),
    ('pasang, pemasangan, instalasi', 0),
    ('salon, potong rambut, pangkas rambut', 0),
    ('ketik, pengetikan, print, cetak', 0);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    business_id     BIGINT NOT NULL REFERENCES businesses(id),
    buyer_user_id   BIGINT REFERENCES users(id),
    buyer_name      TEXT NOT NULL,
    buyer_phone     TEXT NOT NULL,
    buyer_email     TEXT NOT NULL DEFAULT '',
    -- Guests reach their order through a secret link; only its hash is stored.
    guest_token_hash TEXT,
    state           TEXT NOT NULL DEFAULT 'requested'
                    CHECK (state IN ('requested','quoted','accepted','in_progress','delivered',
                                     'completed','reviewed','cancelled','disputed')),
    fulfilment      TEXT NOT NULL CHECK (fulfilment IN ('delivery','pickup','service')),
    address         TEXT NOT NULL DEFAULT '',
    needed_on       TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    -- Total of priced items; NULL while a quote is awaited.
    total           BIGINT,
    quoted_total    BIGINT,
    -- One order per submission however often the form is posted.
    idempotency_key TEXT NOT NULL UNIQUE,
    version         BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    delivered_at    BIGINT,
    completed_at    BIGINT
);
CREATE INDEX orders_business ON orders(business_id, created_at);
CREATE INDEX orders_buyer ON orders(buyer_user_id, created_at);
CREATE INDEX orders_state ON orders(state, delivered_at);

CREATE TABLE order_items (
    id          INTEGER PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders(id),
    listing_id  BIGINT NOT NULL REFERENCES listings(id),
    title       TEXT NOT NULL,
    unit        TEXT NOT NULL,
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    price_kind  TEXT NOT NULL CHECK (price_kind IN ('fixed','from','quote')),
    unit_price  BIGINT
);
CREATE INDEX order_items_order ON order_items(order_id);

-- The order's state machine as data: the one domain table (domain::order) written out, so the
-- database refuses an illegal change of state whatever wrote it. A test keeps the two equal.
CREATE TABLE order_transitions (
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO order_transitions (from_state, to_state) VALUES
    ('requested','quoted'), ('requested','accepted'), ('requested','cancelled'),
    ('quoted','requested'), ('quoted','accepted'), ('quoted','cancelled'),
    ('accepted','in_progress'), ('accepted','cancelled'),
    ('in_progress','delivered'),
    ('delivered','completed'), ('delivered','disputed'),
    ('completed','reviewed'), ('completed','disputed'),
    ('disputed','completed'), ('disputed','cancelled');

-- The timeline: who moved the order, when, from what to what, and why.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders(id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL CHECK (actor IN ('buyer','seller','agency','system')),
    user_id     BIGINT REFERENCES users(id),
    -- What was done: an action of domain::order (its slug), or `dibuat` (placed),
    -- `pembayaran`, `pembayaran-dikonfirmasi`, `balas-ulasan` (no change of state).
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_events_order ON order_events(order_id, at);

CREATE TABLE order_messages (
    id       INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders(id),
    at       BIGINT NOT NULL,
    author   TEXT NOT NULL CHECK (author IN ('buyer','seller','agency')),
    user_id  BIGINT REFERENCES users(id),
    body     TEXT NOT NULL
);
CREATE INDEX order_messages_order ON order_messages(order_id, at);

CREATE TABLE order_payments (
    order_id     BIGINT PRIMARY KEY REFERENCES orders(id),
    method       TEXT NOT NULL CHECK (method IN ('cash','transfer','qris')),
    paid_on      TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    recorded_at  BIGINT NOT NULL,
    confirmed_at BIGINT
);

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    order_id    BIGINT NOT NULL UNIQUE REFERENCES orders(id),
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    rating      BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body        TEXT NOT NULL DEFAULT '',
    reviewer    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    reply       TEXT,
    replied_at  BIGINT
);
CREATE INDEX reviews_business ON reviews(business_id, created_at);

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- In-app notifications (the badge and the list).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, read_at);

-- Messages for people outside the app: email when SMTP is configured, otherwise a WhatsApp
-- click-to-chat hand-off. Written in the transaction of the change; senders retry with backoff.
-- A sender claims a row by moving it to 'sending' with next_attempt_at as the lease's end; a
-- lease that runs out (a crashed instance) makes the row due again.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('email','whatsapp')),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    order_id        BIGINT REFERENCES orders(id),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','handoff','failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_order ON outbox(order_id);

CREATE TRIGGER orders_state_guard BEFORE UPDATE OF state ON orders
WHEN NEW.state <> OLD.state AND NOT EXISTS
    (SELECT 1 FROM order_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN SELECT RAISE(ABORT, 'illegal order transition'); END;
CREATE TRIGGER orders_start_requested BEFORE INSERT ON orders
WHEN NEW.state <> 'requested'
BEGIN SELECT RAISE(ABORT, 'an order starts as requested'); END;
