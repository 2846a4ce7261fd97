-- Documents an Inspektorat would accept, and the treasurer's tax deposits (issue 15 §2, §3).
-- An office's letterhead carries its phone, e-mail and postal code besides the address; who
-- signs its letters up to the kuitansi limit is the office's choice (Pejabat Pengadaan or PPK).
-- Each tax line of a payment is one deposit to the state: its billing code (kode billing, 15
-- digits) and, once paid, its NTPN (16 characters); both empty until the treasurer writes them.

ALTER TABLE offices ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN signer TEXT NOT NULL DEFAULT 'pejabat_pengadaan'
    CHECK (signer IN ('pejabat_pengadaan', 'ppk'));

ALTER TABLE office_payment_taxes ADD COLUMN billing_code TEXT NOT NULL DEFAULT '';
ALTER TABLE office_payment_taxes ADD COLUMN ntpn TEXT NOT NULL DEFAULT '';
