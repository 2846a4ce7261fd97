-- Notifications that reach the phone (issue 15 §1): Web Push subscriptions per user and device,
-- each user's channel preferences and quiet hours, and the outbox grown into the delivery log of
-- every channel. A notification for a user fans out once per channel and recipient (the UNIQUE
-- below), in the transaction of the change it announces.

-- A browser's push subscription (W3C Push API): its endpoint at the push service and the keys
-- the payload is encrypted to. A push service answering 404/410 disables it.
CREATE TABLE push_subscriptions (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    endpoint        TEXT NOT NULL UNIQUE,
    p256dh          TEXT NOT NULL,
    auth            TEXT NOT NULL,
    device          TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    disabled_at     BIGINT,
    disabled_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

-- Channels a user wants besides the app (1 on, 0 off) and quiet hours in minutes after WIB
-- midnight (both NULL: none); the quiet span may wrap midnight.
CREATE TABLE notification_preferences (
    user_id     BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    push        BIGINT NOT NULL DEFAULT 1,
    whatsapp    BIGINT NOT NULL DEFAULT 1,
    email       BIGINT NOT NULL DEFAULT 1,
    quiet_from  BIGINT,
    quiet_until BIGINT,
    updated_at  BIGINT NOT NULL
);

-- The outbox gains the push channel, the delivery statuses the WhatsApp Cloud API reports, the
-- notification and user a row delivers for, its link, the end of the quiet hours it waits for,
-- and the provider's message id (WhatsApp's wamid). SQLite changes CHECK constraints only by
-- rebuilding the table; nothing refers to outbox.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('email','whatsapp','push')),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    order_id        BIGINT REFERENCES orders(id),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','handoff','failed','delivered','read')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    notification_id BIGINT REFERENCES notifications(id),
    user_id         BIGINT REFERENCES users(id),
    link            TEXT NOT NULL DEFAULT '',
    quiet_until     BIGINT,
    provider_id     TEXT,
    UNIQUE (notification_id, channel, recipient)
);
INSERT INTO outbox_new (id, channel, recipient, subject, body, order_id, status, attempts,
                        next_attempt_at, last_error, created_at, sent_at)
SELECT id, channel, recipient, subject, body, order_id, status, attempts,
       next_attempt_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_order ON outbox(order_id);
CREATE INDEX outbox_provider ON outbox(provider_id);
