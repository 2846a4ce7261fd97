-- The delivery fee (ongkir) of an order, a line of its own so the total always equals its
-- lines: the seller sets it when accepting or quoting an order to be delivered. `total` (once
-- known) includes it; `quoted_fee` is the fee inside `quoted_total` while a quote waits.
-- Orders placed before have no fee: 0, and their totals already equal their lines.
ALTER TABLE orders ADD COLUMN delivery_fee BIGINT NOT NULL DEFAULT 0 CHECK (delivery_fee >= 0);
ALTER TABLE orders ADD COLUMN quoted_fee BIGINT CHECK (quoted_fee IS NULL OR quoted_fee >= 0);
