//! The audit chain: each entry's hash covers its content and the previous entry's hash, so a
//! changed, removed or reordered entry breaks the chain at a point that can be named.
//!
//! Entries are sealed with an instance key (HMAC-SHA-256, hash `k1:<hex>`), so someone who can
//! write to the database but does not hold the key cannot recompute the chain after a rewrite.
//! Entries written before the key existed carry a plain SHA-256 (`<hex>`); they still verify,
//! and the first sealed entry's seal covers them through its `prev_hash`. Once an entry is
//! sealed, every later one must be. What the key cannot stop (someone with the key, or a
//! rewrite of the whole log into the old unsealed form) a head recorded off the machine does:
//! `verify` with that head checks the log still holds it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The instance key the chain is sealed with. Derived from the data key, so every instance
/// that shares the data key seals alike and no further secret must be distributed.
#[derive(Clone)]
pub struct ChainKey([u8; 32]);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(***)")
    }
}

impl ChainKey {
    /// The chain key of a data key (HMAC-SHA-256 of a fixed label: one key cannot be computed
    /// from the other's uses).
    pub fn derive(data_key: &[u8; 32]) -> ChainKey {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(data_key).expect("any key length");
        mac.update(b"karya/audit-chain/v1");
        ChainKey(mac.finalize().into_bytes().into())
    }
}

/// The prefix of a sealed (keyed) entry hash.
const SEALED: &str = "k1:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
    pub ip: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The sealed hash of an entry's content chained to `prev_hash`: what new entries carry.
pub fn sealed_hash(key: &ChainKey, e: &Entry) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0).expect("any key length");
    mac.update(content(e).as_bytes());
    format!("{SEALED}{}", hex::encode(mac.finalize().into_bytes()))
}

/// The plain hash entries written before the chain was keyed carry.
pub fn legacy_hash(e: &Entry) -> String {
    hex::encode(Sha256::digest(content(e).as_bytes()))
}

/// An entry's content chained to `prev_hash`. JSON encoding of the fields keeps the boundaries
/// between them unambiguous.
fn content(e: &Entry) -> String {
    serde_json::json!([
        e.seq,
        e.at,
        e.actor_id,
        e.actor_label,
        e.action,
        e.entity,
        e.entity_id,
        e.summary,
        e.ip,
        e.prev_hash
    ])
    .to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The entry's content no longer matches its hash.
    Altered { seq: i64 },
    /// The entry does not follow the one before it: an entry was removed or the order changed.
    Unlinked { seq: i64, expected_prev_seq: i64 },
    /// The newest entries recorded in the chain head are missing.
    TailMissing {
        expected_last_seq: i64,
        found_last_seq: i64,
    },
    /// An unsealed entry follows a sealed one: the log was rewritten without the key.
    Unsealed { seq: i64 },
    /// The log does not hold the head recorded earlier (`seq:hash`).
    RecordedHeadMissing { seq: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Altered { seq } => write!(
                f,
                "entri #{seq} telah diubah (hash tidak cocok; atau kunci data instans ini bukan kunci yang menyegelnya)"
            ),
            Break::Unsealed { seq } => write!(
                f,
                "entri #{seq} tidak bersegel padahal entri sebelumnya bersegel: jejak ditulis ulang tanpa kunci"
            ),
            Break::RecordedHeadMissing { seq } => write!(
                f,
                "kepala yang dicatat (entri #{seq}) tidak ada lagi dalam jejak: jejak ditulis ulang atau dipotong"
            ),
            Break::Unlinked {
                seq,
                expected_prev_seq,
            } => write!(
                f,
                "entri #{seq} tidak tersambung ke entri #{expected_prev_seq}: ada entri yang dihapus atau urutannya diubah"
            ),
            Break::TailMissing {
                expected_last_seq,
                found_last_seq,
            } => write!(
                f,
                "entri terakhir seharusnya #{expected_last_seq}, yang ada hanya sampai #{found_last_seq}: entri terbaru dihapus"
            ),
        }
    }
}

/// A head as `karya audit head` prints it and an operator records it: `seq:hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    pub fn parse(text: &str) -> Option<Head> {
        let (seq, hash) = text.trim().split_once(':')?;
        let seq = seq.parse().ok().filter(|s| *s >= 0)?;
        (!hash.is_empty()).then(|| Head {
            seq,
            hash: hash.to_owned(),
        })
    }
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// What a verification found in an intact chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub entries: i64,
    /// Entries from before the chain was keyed (plain SHA-256).
    pub unsealed: i64,
}

/// What an intact chain is reported as, in the admin's page and by `karya audit verify`.
pub fn verified_message(v: &Verified) -> String {
    let mut text = format!(
        "{} entri diperiksa, tidak ada yang diubah, dihapus, atau ditukar.",
        v.entries
    );
    if v.unsealed > 0 {
        text.push_str(&format!(
            " {} entri pertama ditulis sebelum jejak bersegel kunci (versi lama); entri sesudahnya bersegel.",
            v.unsealed
        ));
    }
    text
}

/// Walks the chain in storage order (by `seq`) and reports the first break: every entry's hash
/// (sealed with `key`, or a plain hash before the first sealed one), the links, the stored
/// `head`, and, when given, a head recorded earlier that the log must still hold.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    head: (i64, &str),
    key: &ChainKey,
    recorded: Option<&Head>,
) -> Result<Verified, Break> {
    let mut prev_seq = 0;
    let mut prev_hash = String::new();
    let mut count = 0;
    let mut unsealed = 0;
    let mut recorded_seen = recorded.is_none_or(|r| r.seq == 0 && r.hash.is_empty());
    for e in entries {
        let expected = if e.hash.starts_with(SEALED) {
            sealed_hash(key, e)
        } else if unsealed < count {
            return Err(Break::Unsealed { seq: e.seq });
        } else {
            unsealed += 1;
            legacy_hash(e)
        };
        if expected != e.hash {
            return Err(Break::Altered { seq: e.seq });
        }
        if e.seq != prev_seq + 1 || e.prev_hash != prev_hash {
            return Err(Break::Unlinked {
                seq: e.seq,
                expected_prev_seq: prev_seq,
            });
        }
        if let Some(r) = recorded.filter(|r| r.seq == e.seq) {
            if r.hash != e.hash {
                return Err(Break::RecordedHeadMissing { seq: r.seq });
            }
            recorded_seen = true;
        }
        prev_seq = e.seq;
        prev_hash = e.hash.clone();
        count += 1;
    }
    let (head_seq, head_hash) = head;
    if head_seq != prev_seq || head_hash != prev_hash {
        return Err(Break::TailMissing {
            expected_last_seq: head_seq,
            found_last_seq: prev_seq,
        });
    }
    if let (false, Some(r)) = (recorded_seen, recorded) {
        return Err(Break::RecordedHeadMissing { seq: r.seq });
    }
    Ok(Verified {
        entries: count,
        unsealed,
    })
}

/// Who acted: a user, or a named tool (`cli`, `demo`) with no user id.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub id: Option<i64>,
    pub label: &'a str,
    pub ip: &'a str,
}

impl<'a> Who<'a> {
    /// This actor's event on one entity (`entity_id` is the entity's row id).
    pub fn event(
        self,
        action: &'a str,
        entity: &'a str,
        entity_id: i64,
        summary: serde_json::Value,
    ) -> Event<'a> {
        Event {
            actor_id: self.id,
            actor_label: self.label,
            action,
            entity,
            entity_id: entity_id.to_string(),
            summary,
            ip: self.ip,
        }
    }
}

/// What happened, said by the caller; the chain fields are filled in here.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    /// A short before/after summary, JSON.
    pub summary: serde_json::Value,
    pub ip: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ChainKey {
        ChainKey::derive(&[7; 32])
    }

    /// A chain of `n` entries whose first `legacy` ones carry plain hashes.
    fn chain_from(n: i64, legacy: i64, key: &ChainKey) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for seq in 1..=n {
            let mut e = Entry {
                seq,
                at: 1000 + seq,
                actor_id: Some(1),
                actor_label: "admin".into(),
                action: "user.create".into(),
                entity: "user".into(),
                entity_id: seq.to_string(),
                summary: "{}".into(),
                ip: "127.0.0.1".into(),
                prev_hash: out.last().map(|p| p.hash.clone()).unwrap_or_default(),
                hash: String::new(),
            };
            e.hash = if seq <= legacy {
                legacy_hash(&e)
            } else {
                sealed_hash(key, &e)
            };
            out.push(e);
        }
        out
    }

    fn chain(n: i64) -> Vec<Entry> {
        chain_from(n, 0, &key())
    }

    fn head(c: &[Entry]) -> (i64, String) {
        (c.len() as i64, c.last().unwrap().hash.clone())
    }

    fn check(c: &[Entry], head: (i64, &str)) -> Result<i64, Break> {
        verify(c, head, &key(), None).map(|v| v.entries)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let (s, h) = head(&c);
        assert!(h.starts_with("k1:"));
        assert_eq!(check(&c, (s, &h)), Ok(5));
        assert_eq!(check(&[], (0, "")), Ok(0));
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let c = chain(5);
        let (s, h) = head(&c);
        let mut altered = c.clone();
        altered[2].summary = "{\"role\":\"admin\"}".into();
        assert_eq!(check(&altered, (s, &h)), Err(Break::Altered { seq: 3 }));

        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(
            check(&deleted, (s, &h)),
            Err(Break::Unlinked {
                seq: 3,
                expected_prev_seq: 1
            })
        );

        let mut reordered = c.clone();
        reordered.swap(1, 2);
        assert!(matches!(
            check(&reordered, (s, &h)),
            Err(Break::Unlinked { .. })
        ));

        let truncated = &c[..4];
        assert_eq!(
            check(truncated, (s, &h)),
            Err(Break::TailMissing {
                expected_last_seq: 5,
                found_last_seq: 4
            })
        );
    }

    #[test]
    fn a_rewrite_without_the_key_is_caught() {
        // The attacker changes entry 3 and recomputes every hash and the head, as they could
        // with the old plain chain: with another key, or as plain hashes.
        let c = chain(5);
        let mut forged = c.clone();
        forged[2].summary = "{\"role\":\"admin\"}".into();
        let other = ChainKey::derive(&[8; 32]);
        let mut prev = forged[1].hash.clone();
        for e in forged.iter_mut().skip(2) {
            e.prev_hash = prev;
            e.hash = sealed_hash(&other, e);
            prev = e.hash.clone();
        }
        let (s, h) = head(&forged);
        assert_eq!(check(&forged, (s, &h)), Err(Break::Altered { seq: 3 }));

        let mut plain = c.clone();
        plain[2].summary = "{\"role\":\"admin\"}".into();
        let mut prev = plain[1].hash.clone();
        for e in plain.iter_mut().skip(2) {
            e.prev_hash = prev;
            e.hash = legacy_hash(e);
            prev = e.hash.clone();
        }
        let (s, h) = head(&plain);
        assert_eq!(check(&plain, (s, &h)), Err(Break::Unsealed { seq: 3 }));
    }

    #[test]
    fn an_old_plain_chain_keeps_verifying_and_is_sealed_onwards() {
        let c = chain_from(6, 4, &key());
        let (s, h) = head(&c);
        assert_eq!(
            verify(&c, (s, &h), &key(), None),
            Ok(Verified {
                entries: 6,
                unsealed: 4
            })
        );
        // Changing an old entry breaks the first sealed one's link to it.
        let mut altered = c.clone();
        altered[1].summary = "{\"x\":1}".into();
        assert_eq!(check(&altered, (s, &h)), Err(Break::Altered { seq: 2 }));
        let mut relinked = altered.clone();
        relinked[1].hash = legacy_hash(&relinked[1]);
        relinked[2].prev_hash = relinked[1].hash.clone();
        relinked[2].hash = legacy_hash(&relinked[2]);
        relinked[3].prev_hash = relinked[2].hash.clone();
        relinked[3].hash = legacy_hash(&relinked[3]);
        relinked[4].prev_hash = relinked[3].hash.clone();
        assert_eq!(check(&relinked, (s, &h)), Err(Break::Altered { seq: 5 }));
    }

    #[test]
    fn a_recorded_head_must_still_be_in_the_log() {
        let c = chain(5);
        let (s, h) = head(&c);
        let recorded = Head::parse(&format!("3:{}", c[2].hash)).unwrap();
        assert_eq!(recorded.to_string(), format!("3:{}", c[2].hash));
        assert!(verify(&c, (s, &h), &key(), Some(&recorded)).is_ok());
        // The whole log rewritten (here: with the key, by someone who holds it) no longer holds
        // the recorded head.
        let rewritten = chain_from(5, 0, &ChainKey::derive(&[9; 32]));
        let (rs, rh) = head(&rewritten);
        let other_key = ChainKey::derive(&[9; 32]);
        assert_eq!(
            verify(&rewritten, (rs, &rh), &other_key, Some(&recorded)),
            Err(Break::RecordedHeadMissing { seq: 3 })
        );
        // A head past the end of the log is missing too.
        let ahead = Head::parse(&format!("9:{h}")).unwrap();
        assert_eq!(
            verify(&c, (s, &h), &key(), Some(&ahead)),
            Err(Break::RecordedHeadMissing { seq: 9 })
        );
        assert_eq!(Head::parse("tiga:abc"), None);
        assert_eq!(Head::parse("3:"), None);
    }
}

/// Indonesian names of the recorded actions, for the admin's list and filter.
pub const ACTIONS: &[(&str, &str)] = &[
    ("login.success", "Masuk berhasil"),
    ("login.failure", "Gagal masuk"),
    (
        "login.throttled",
        "Masuk ditahan (terlalu banyak percobaan)",
    ),
    ("login.disabled", "Percobaan masuk akun nonaktif"),
    ("logout", "Keluar"),
    ("session.rejected_disabled", "Sesi akun nonaktif ditolak"),
    ("user.create", "Pengguna dibuat"),
    ("user.update", "Pengguna diubah"),
    ("user.disable", "Akun dinonaktifkan"),
    ("user.enable", "Akun diaktifkan kembali"),
    (
        "user.password_reset_issued",
        "Tautan atur ulang kata sandi dibuat",
    ),
    ("user.password_reset_used", "Kata sandi diatur lewat tautan"),
    ("user.password_changed", "Kata sandi diganti"),
    ("alumni.nik_revealed", "NIK alumni dibuka"),
    ("track_record.viewed", "Rekam jejak alumni dilihat"),
    (
        "track_record.downloaded",
        "Rekam jejak alumni diunduh (PDF)",
    ),
    ("alumni.export_full_nik", "Ekspor alumni dengan NIK lengkap"),
    ("capital.partner_created", "Mitra permodalan ditambahkan"),
    ("capital.program_created", "Program permodalan dibuat"),
    ("capital.program_updated", "Program permodalan diubah"),
    ("capital.settings_updated", "Pengaturan permodalan diubah"),
    (
        "capital.application_started",
        "Pengajuan modal dibuat (draf)",
    ),
    ("capital.application_edited", "Pengajuan modal diubah"),
    (
        "capital.document_uploaded",
        "Dokumen pengajuan modal diunggah",
    ),
    (
        "capital.application_submitted",
        "Pengajuan modal dikirim (dosier dibekukan)",
    ),
    (
        "capital.dossier_refreshed",
        "Dosier pengajuan diperbarui (versi baru)",
    ),
    ("capital.review_started", "Pengajuan modal mulai diperiksa"),
    ("capital.returned", "Pengajuan modal dikembalikan"),
    ("capital.rejected", "Pengajuan modal ditolak dinas"),
    ("capital.recommended", "Pengajuan modal direkomendasikan"),
    ("capital.referred", "Pengajuan modal dirujuk ke mitra"),
    (
        "capital.consent_granted",
        "Persetujuan berbagi data diberikan",
    ),
    (
        "capital.consent_revoked",
        "Persetujuan berbagi data dicabut",
    ),
    ("capital.withdrawn", "Pengajuan modal ditarik pemohon"),
    ("capital.approved", "Pengajuan modal disetujui mitra"),
    ("capital.declined", "Pengajuan modal tidak disetujui mitra"),
    ("capital.disbursed", "Pencairan modal dicatat"),
    ("capital.repayment_reported", "Laporan angsuran dicatat"),
    ("capital.reminded", "Pengingat pengajuan modal dikirim"),
    ("capital.expired", "Draf pengajuan modal kedaluwarsa"),
    ("capital.dossier_viewed", "Dosier pengajuan dilihat mitra"),
    (
        "capital.dossier_downloaded",
        "Dosier pengajuan diunduh (PDF)",
    ),
    ("capital.document_viewed", "Dokumen pengajuan dibuka"),
    ("capital.nik_viewed", "NIK pemohon modal dibuka"),
    (
        "capital.partner_queue_exported",
        "Daftar rujukan mitra diunduh",
    ),
    (
        "capital.sikp_export_full_nik",
        "Ekspor SIKP dengan NIK lengkap",
    ),
    ("capital.step", "Langkah pengajuan modal"),
    ("tracer.version_created", "Versi kuesioner tracer dibuat"),
    ("tracer.settings_updated", "Pengaturan tracer diubah"),
    ("tracer.umk_updated", "UMK tahunan disimpan"),
    ("tracer.invited", "Undangan survei tracer dikirim"),
    ("tracer.reminded", "Pengingat survei tracer dikirim"),
    ("tracer.answered", "Jawaban survei tracer disimpan"),
    ("alumni.claimed", "Data alumni diklaim"),
    ("alumni.claim_failed", "Klaim data alumni gagal"),
    (
        "alumni.claim_throttled",
        "Klaim ditahan (terlalu banyak percobaan)",
    ),
    ("alumni.claim_code_issued", "Kode klaim dibuat"),
    ("alumni.claim_codes_issued", "Kode klaim angkatan dicetak"),
    ("alumni.contact_updated", "Alumni mengubah data kontak"),
    ("trade.create", "Kejuruan dibuat"),
    ("trade.update", "Kejuruan diubah"),
    ("program.create", "Program pelatihan dibuat"),
    ("program.update", "Program pelatihan diubah"),
    ("batch.create", "Angkatan dibuat"),
    ("batch.update", "Angkatan diubah"),
    ("alumni.create", "Data alumni dibuat"),
    ("alumni.update", "Data alumni diubah"),
    ("participation.create", "Pelatihan alumni dicatat"),
    ("participation.update", "Pelatihan alumni diubah"),
    ("import.applied", "Impor data alumni diterapkan"),
    (
        "import.report_full_nik",
        "Laporan impor dengan NIK lengkap diunduh",
    ),
    (
        "import.upload_purged",
        "Berkas asli impor dihapus (masa simpan habis)",
    ),
    // Marketplace: orders.
    ("order.create", "Pesanan dibuat"),
    ("order.transition", "Status pesanan berubah"),
    ("order.payment", "Pembayaran pesanan dicatat"),
    ("order.payment_confirmed", "Pembayaran pesanan dikonfirmasi"),
    ("review.reply", "Ulasan dibalas penjual"),
    ("synonym.create", "Sinonim pencarian ditambahkan"),
    ("synonym.update", "Sinonim pencarian diubah"),
    ("synonym.delete", "Sinonim pencarian dihapus"),
    ("outbox.retry", "Pesan kotak keluar dikirim ulang"),
    ("notify.preferences_updated", "Pengaturan notifikasi diubah"),
    ("notify.device_added", "HP didaftarkan untuk notifikasi"),
    ("notify.device_removed", "HP dihapus dari notifikasi"),
    // Storefronts: businesses, listings, photos, verification, categories.
    ("business.create", "Usaha dibuka"),
    ("business.update", "Data usaha diubah"),
    ("business.verify", "Usaha diverifikasi"),
    ("business.unverify", "Verifikasi usaha dicabut"),
    ("listing.create", "Produk/jasa ditambahkan"),
    ("listing.update", "Produk/jasa diubah"),
    ("listing.pause", "Produk/jasa dijeda"),
    ("listing.activate", "Produk/jasa diaktifkan"),
    ("listing.photo_add", "Foto produk/jasa diunggah"),
    ("listing.photo_delete", "Foto produk/jasa dihapus"),
    ("category.create", "Kategori dibuat"),
    ("category.rename", "Kategori diganti nama"),
    // The government channel: offices, requests, documents, payments, settings, appeals.
    ("office.create", "OPD didaftarkan"),
    ("office.update", "Data OPD diubah"),
    ("office.needs", "Kebutuhan tahunan OPD disimpan"),
    ("budget_line.create", "Mata anggaran OPD ditambahkan"),
    ("budget_line.update", "Mata anggaran OPD diubah"),
    ("budget_line.delete", "Mata anggaran OPD dihapus"),
    ("procurement_category.create", "Jenis pekerjaan OPD dibuat"),
    ("procurement_category.update", "Jenis pekerjaan OPD diubah"),
    ("procurement_settings.update", "Pengaturan pengadaan diubah"),
    ("procurement.create", "Permintaan pengadaan dibuat"),
    ("procurement.transition", "Status pengadaan berubah"),
    (
        "procurement.document.issue",
        "Dokumen pengadaan diterbitkan",
    ),
    ("procurement.document.void", "Dokumen pengadaan dibatalkan"),
    ("procurement.payment", "Pembayaran pengadaan dicatat"),
    (
        "procurement.deposit",
        "Kode billing dan NTPN setoran pajak dicatat",
    ),
    ("procurement.appeal", "Banding rotasi diajukan"),
    ("rotation_appeal.answer", "Banding rotasi dijawab"),
    ("business.tax", "Data pajak dan kapasitas usaha diubah"),
];

pub fn action_label(code: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

pub fn entity_label(entity: &str) -> &str {
    match entity {
        "user" => "Pengguna",
        "alumni" => "Alumni",
        "batch" => "Angkatan",
        "trade" => "Kejuruan",
        "program" => "Program",
        "participation" => "Pelatihan alumni",
        "order" => "Pesanan",
        "synonym" => "Sinonim pencarian",
        "outbox" => "Kotak keluar",
        "push_subscription" => "HP penerima notifikasi",
        "import" => "Impor",
        "business" => "Usaha",
        "listing" => "Produk/jasa",
        "category" => "Kategori produk",
        "office" => "OPD",
        "office_budget_line" => "Mata anggaran OPD",
        "procurement_category" => "Jenis pekerjaan OPD",
        "procurement_settings" => "Pengaturan pengadaan",
        "office_request" => "Permintaan pengadaan",
        "office_document" => "Dokumen pengadaan",
        "office_payment" => "Pembayaran pengadaan",
        "rotation_appeal" => "Banding rotasi",
        "capital_application" => "Pengajuan modal",
        "capital_program" => "Program permodalan",
        "partner" => "Mitra permodalan",
        "capital_settings" => "Pengaturan permodalan",
        "tracer_version" => "Kuesioner tracer",
        "tracer_settings" => "Pengaturan tracer",
        "tracer_invitation" => "Undangan tracer",
        "umk" => "UMK",
        other => other,
    }
}

/// The record an entry is about, as the list shows it: "Dokumen pengadaan #633"; entries about
/// every record of a kind ("*") or none ("0", "cli") show the kind alone.
pub fn record_text(entity: &str, entity_id: &str) -> String {
    let label = entity_label(entity);
    match entity_id {
        "" | "0" | "*" => label.to_owned(),
        "cli" => format!("{label} (lewat baris perintah)"),
        id if id.chars().all(|c| c.is_ascii_digit()) => format!("{label} #{id}"),
        id => format!("{label} {id}"),
    }
}

/// A detail key in words, where its meaning depends on the record ("number" of a batch is its
/// place in the year, of a document its letter number).
fn field_label_in<'a>(entity: &str, key: &'a str) -> &'a str {
    match (entity, key) {
        ("office_document", "number") => "nomor dokumen",
        ("office_document", "kind") | ("capital_application", "kind") => "jenis dokumen",
        ("office_document", "amount") => "nilai",
        ("office_payment", "proof") => "nomor bukti bayar",
        ("capital_program" | "partner" | "category" | "procurement_category", "kind") => "jenis",
        ("tracer_invitation", "status") => "status kerja",
        ("tracer_invitation", "version") => "versi kuesioner",
        ("outbox", "status") => "status kiriman",
        ("umk", "amount") => "UMK",
        ("order", "action") | ("office_request", "action") => "langkah",
        ("procurement_settings", key) => {
            use super::procurement::{documents, rotation, tax};
            rotation::RotationSettings::FIELDS
                .iter()
                .chain(documents::DocumentRules::FIELDS)
                .chain(tax::TaxRules::FIELDS)
                .find(|f| f.key == key)
                .map_or_else(|| field_label(key), |f| f.label)
        }
        _ => field_label(key),
    }
}

fn field_label(key: &str) -> &str {
    match key {
        "username" => "nama pengguna",
        "display_name" => "nama",
        "role" => "peran",
        "office_id" => "OPD",
        "alumnus_id" => "alumni",
        "partner_id" => "mitra",
        "phone" => "WhatsApp",
        "disabled" => "nonaktif",
        "known_user" => "nama pengguna terdaftar",
        "wait_secs" => "harus menunggu (detik)",
        "failures" => "percobaan gagal",
        "expires_at" => "berlaku sampai",
        "sessions_ended" => "semua sesi diakhiri",
        "path" => "halaman",
        "format" => "format",
        "q" => "cari nama",
        "kejuruan" => "kejuruan",
        "tahun" => "tahun",
        "angkatan" => "angkatan",
        "kecamatan" => "kecamatan",
        "hasil" => "hasil",
        "method" => "cara",
        "reason" => "alasan",
        "address" => "alamat",
        "desa" => "desa/kelurahan",
        "count" => "jumlah",
        "code" => "kode",
        "name" => "nama",
        "description" => "keterangan",
        "trade" => "kejuruan",
        "program" => "program",
        "hours" => "jam",
        "days" => "hari",
        "competency_units" => "unit kompetensi",
        "needs_review" => "perlu dilengkapi",
        "year" => "tahun",
        "number" => "angkatan ke",
        "start_date" => "mulai",
        "end_date" => "selesai",
        "place" => "tempat",
        "funding" => "sumber dana",
        "capacity" => "kuota",
        "instructor" => "instruktur",
        "full_name" => "nama lengkap",
        "gender" => "jenis kelamin",
        "birth_place" => "tempat lahir",
        "birth_date" => "tanggal lahir",
        "nik" => "NIK",
        "education" => "pendidikan",
        "batch" => "angkatan",
        "result" => "hasil",
        "competency" => "kompetensi",
        "cert_number" => "nomor sertifikat",
        "cert_issuer" => "penerbit sertifikat",
        "cert_date" => "tanggal sertifikat",
        "cert_expiry" => "sertifikat berlaku sampai",
        "placement" => "penempatan",
        "push" => "notifikasi HP",
        "whatsapp" => "WhatsApp",
        "email" => "alamat email",
        "quiet" => "jam tenang",
        "device" => "perangkat",
        "delivery_fee" => "ongkos kirim",
        "deposits" => "setoran pajak",
        "tax" => "pajak",
        "billing" => "kode billing",
        "ntpn" => "NTPN",
        "contact" => "kontak",
        "signer" => "penanda tangan",
        // Accounts and claims.
        "alumni" => "alumni",
        // Storefronts and listings.
        "account_code" => "kode rekening",
        "active" => "aktif",
        "areas" => "wilayah layanan",
        "bank" => "rekening bank",
        "business" => "usaha",
        "business_id" => "usaha",
        "category" => "kategori",
        "category_id" => "kategori",
        "detail_bytes" => "ukuran foto besar (bita)",
        "thumb_bytes" => "ukuran foto kecil (bita)",
        "width" => "lebar (piksel)",
        "height" => "tinggi (piksel)",
        "halal" => "sertifikat halal",
        "lead_days" => "lama pengerjaan (hari)",
        "min_order" => "pesanan minimal",
        "nib" => "NIB",
        "pirt" => "P-IRT",
        "office_price" => "harga untuk OPD",
        "open_days" => "hari buka",
        "other_trades" => "kejuruan lain",
        "participation_id" => "pelatihan",
        "phone_public" => "WhatsApp ditampilkan",
        "photo_id" => "foto",
        "price" => "harga",
        "price_kind" => "jenis harga",
        "qris" => "QRIS",
        "title" => "judul",
        "unit" => "satuan",
        "trade_id" => "kejuruan",
        // Orders.
        "action" => "langkah",
        "party" => "oleh pihak",
        "from" => "dari status",
        "to" => "menjadi",
        "state" => "status",
        "fulfilment" => "cara terima",
        "guest" => "pembeli tamu",
        "items" => "barang",
        "listing_id" => "produk/jasa",
        "quantity" => "jumlah",
        "unit_price" => "harga satuan",
        "needed_on" => "dibutuhkan tanggal",
        "note" => "catatan",
        "paid_on" => "dibayar tanggal",
        "amount" => "jumlah uang",
        "total" => "total",
        "reply" => "balasan",
        "attempts" => "percobaan kirim",
        "status" => "status",
        "words" => "kata",
        // The government channel.
        "office" => "OPD",
        "request" => "permintaan",
        "kind" => "jenis",
        "replaces" => "menggantikan dokumen",
        "gross" => "nilai bruto",
        "withheld" => "pajak dipotong/dipungut",
        "net" => "dibayar ke penyedia",
        "proof" => "nomor bukti",
        "answer" => "jawaban",
        "ceiling" => "pagu",
        "head" => "kepala",
        "ppk" => "PPK",
        "treasurer" => "bendahara",
        "tax_kind" => "jenis pajak",
        "npwp" => "NPWP",
        "pkp" => "PKP",
        "umkm_final" => "surat keterangan PP 55/2022",
        // Capital.
        "applications" => "pengajuan",
        "partner" => "mitra",
        "rows" => "baris",
        "size" => "ukuran (bita)",
        "dossier_version" => "versi dosier",
        "review_days" => "batas pemeriksaan dinas (hari)",
        "decision_days" => "batas keputusan mitra (hari)",
        "draft_days" => "batas draf (hari)",
        "sikp_columns" => "kolom SIKP",
        "min_amount" => "pinjaman minimal",
        "max_amount" => "pinjaman maksimal",
        "rate" => "bunga/margin",
        "tenor" => "tenor",
        "period" => "periode",
        "rules" => "syarat",
        "on" => "tanggal",
        "opens_on" => "dibuka",
        "closes_on" => "ditutup",
        // Imports.
        "file" => "berkas",
        "applied" => "sudah diterapkan",
        "counts" => "hasil",
        "retention_days" => "masa simpan (hari)",
        "created" => "dibuat",
        "updated" => "diperbarui",
        "rejected" => "ditolak",
        "unchanged" => "tidak berubah",
        "warnings" => "peringatan",
        "desa_code" => "desa/kelurahan",
        "kecamatan_code" => "kecamatan",
        // The tracer.
        "questions" => "jumlah pertanyaan",
        "default" => "bawaan",
        "previous" => "versi sebelumnya",
        "wave" => "gelombang",
        "waves" => "gelombang",
        "reminder" => "pengingat ke",
        "reminder_days" => "pengingat setelah (hari)",
        "max_reminders" => "pengingat paling banyak",
        "window_days" => "lama tautan berlaku (hari)",
        "source" => "lewat",
        "version" => "versi",
        // The track record.
        "angka" => "angka",
        other => other,
    }
}

/// Keys whose number is an amount of Rupiah.
const MONEY: &[&str] = &[
    "amount",
    "gross",
    "net",
    "withheld",
    "total",
    "unit_price",
    "price",
    "office_price",
    "ceiling",
    "min_amount",
    "max_amount",
];

/// Keys whose text is a date as stored (`2026-12-07`).
const DATES: &[&str] = &[
    "paid_on",
    "needed_on",
    "opens_on",
    "closes_on",
    "start_date",
    "end_date",
    "cert_date",
    "cert_expiry",
    "on",
];

/// A stored code in words, by the record and the key it belongs to; `None` when it is not a
/// code this entry's record knows.
fn code_text(entity: &str, key: &str, code: &str) -> Option<&'static str> {
    use super::capital::application as capital;
    use super::procurement::request as gov;
    match (entity, key) {
        ("order", "from" | "to" | "state") => super::order::State::parse(code).map(|s| s.label()),
        ("order", "party") => super::order::Party::parse(code).map(|p| p.label()),
        ("order", "action") => super::order::Action::from_slug(code).map(|a| a.label()),
        ("order", "method") => super::order::PayMethod::parse(code).map(|m| m.label()),
        ("office_request", "from" | "to" | "state") => gov::State::parse(code).map(|s| s.label()),
        ("office_request", "party") => gov::Party::parse(code).map(|p| p.label()),
        ("office_request", "action") => gov::Action::from_slug(code).map(|a| a.label()),
        ("office_document", "kind") => {
            super::procurement::documents::DocumentKind::parse(code).map(|k| k.label())
        }
        ("capital_application", "from" | "to" | "state") => {
            capital::State::parse(code).map(|s| s.label())
        }
        ("capital_application", "kind") => {
            super::capital::program::DocumentKind::parse(code).map(|k| k.label())
        }
        ("capital_program", "kind") => {
            super::capital::program::ProgramKind::parse(code).map(|k| k.label())
        }
        ("tracer_invitation", "status") => super::tracer::Status::parse(code).map(|s| s.label()),
        (_, "role") => super::policy::Role::parse(code).map(|r| r.label()),
        (_, "fulfilment") => super::order::Fulfilment::parse(code).map(|f| f.label()),
        (_, "price_kind") => super::storefront::PriceKind::parse(code).map(|k| k.label()),
        ("listing", "kind") => super::storefront::ListingKind::parse(code).map(|k| k.label()),
        (_, "method" | "source" | "status" | "kind") => COMMON_CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, words)| *words),
        _ => None,
    }
}

/// Codes stored in details whatever the record (how one signed in or answered, a message's
/// delivery).
const COMMON_CODES: &[(&str, &str)] = &[
    ("password", "kata sandi"),
    ("link", "tautan pribadi"),
    ("phone", "telepon petugas"),
    ("cli", "baris perintah"),
    ("web", "halaman web"),
    ("pending", "menunggu"),
    ("sent", "terkirim"),
    ("failed", "gagal"),
    ("product", "produk"),
    ("service", "jasa"),
];

/// Keys that read the same in Indonesian.
const SAME_IN_INDONESIAN: &[&str] = &[
    "kecamatan",
    "kejuruan",
    "tahun",
    "angkatan",
    "hasil",
    "format",
    "program",
    "alumni",
    "status",
    "total",
    "angka",
    "tenor",
];

fn value_text(entity: &str, key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "ya".into(),
        Value::Bool(false) => "tidak".into(),
        Value::Number(n) if key == "expires_at" => n
            .as_i64()
            .map(super::dates::format_instant)
            .unwrap_or_else(|| n.to_string()),
        Value::Number(n) if MONEY.contains(&key) => n
            .as_i64()
            .map(super::rupiah::format_rupiah)
            .unwrap_or_else(|| n.to_string()),
        Value::Number(n) => n.to_string(),
        Value::String(s) if entity == "procurement_settings" => {
            super::procurement::tax::rate_in_form(key, s)
        }
        Value::String(s) if DATES.contains(&key) => super::dates::parse_iso(s)
            .map(super::dates::format_date)
            .unwrap_or_else(|| s.clone()),
        Value::String(s) => code_text(entity, key, s).map_or_else(|| s.clone(), str::to_owned),
        Value::Array(items) if items.iter().all(|i| i.is_object()) => {
            format!("{} baris", items.len())
        }
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| value_text(entity, key, i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => format!("({})", pairs_text(entity, map).join("; ")),
    }
}

/// Each key with its value in words; keys with no value are left out.
fn pairs_text(entity: &str, obj: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    obj.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            format!(
                "{}: {}",
                field_label_in(entity, k),
                value_text(entity, k, v)
            )
        })
        .collect()
}

/// A stored summary in words: changed fields as `peran: pembeli → mitra`, other fields as
/// `kunci: nilai`; keys and codes in Indonesian by the record the entry is about (`entity`).
/// Unknown shapes are shown as they are.
pub fn describe_summary(entity: &str, summary: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(summary)
    else {
        return summary.to_owned();
    };
    match (map.get("before"), map.get("after")) {
        (Some(serde_json::Value::Object(before)), Some(serde_json::Value::Object(after))) => {
            let mut changes: Vec<String> = after
                .iter()
                .filter(|(k, v)| before.get(*k) != Some(v))
                .map(|(k, v)| {
                    let old = before
                        .get(k)
                        .map_or("—".into(), |b| value_text(entity, k, b));
                    format!(
                        "{}: {} → {}",
                        field_label_in(entity, k),
                        old,
                        value_text(entity, k, v)
                    )
                })
                .collect();
            let others: serde_json::Map<_, _> = map
                .iter()
                .filter(|(k, _)| *k != "before" && *k != "after")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if changes.is_empty() {
                changes.push("tidak ada perubahan isi".into());
            }
            let mut out = pairs_text(entity, &others);
            out.extend(changes);
            out.join("; ")
        }
        (None, Some(serde_json::Value::Object(after))) => {
            let mut set: serde_json::Map<_, _> = after
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            set.extend(
                map.iter()
                    .filter(|(k, _)| *k != "after")
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            pairs_text(entity, &set).join("; ")
        }
        _ => pairs_text(entity, &map).join("; "),
    }
}

/// The detail keys of a stored summary that have no Indonesian label (nested ones included),
/// for the test that every written key reads as words.
pub fn unlabelled_keys(entity: &str, summary: &str) -> Vec<String> {
    fn walk(entity: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k != "before" && k != "after" && !labelled(entity, k) {
                        out.push(k.clone());
                    }
                    walk(entity, v, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(entity, i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(summary) {
        walk(entity, &v, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a detail key has an Indonesian label for entries about `entity`.
pub fn labelled(entity: &str, key: &str) -> bool {
    field_label_in(entity, key) != key || SAME_IN_INDONESIAN.contains(&key)
}

#[cfg(test)]
mod describe_tests {
    use super::*;

    /// Every action the government channel's storage writes has an Indonesian label (the
    /// audit page's filter and list show the label, not the code).
    #[test]
    fn government_channel_actions_have_labels() {
        let sources = [
            include_str!("../db/procurement.rs"),
            include_str!("../db/directory.rs"),
            include_str!("../db/gov_settings.rs"),
            include_str!("../db/gov_stats.rs"),
        ];
        let mut seen = 0;
        for src in sources {
            for part in src.split(".event(").skip(1) {
                let code = part.split('"').nth(1).unwrap_or("");
                assert!(
                    ACTIONS.iter().any(|(c, _)| *c == code),
                    "audit action {code:?} has no label"
                );
                seen += 1;
            }
        }
        assert!(seen >= 15, "found {seen} audit actions");
    }

    /// Every action the capital use cases write has an Indonesian label.
    #[test]
    fn capital_actions_have_labels() {
        let src = include_str!("../app/capital.rs");
        let codes: Vec<String> = src
            .split("\"capital.")
            .skip(1)
            .map(|part| format!("capital.{}", part.split('"').next().unwrap_or("")))
            .collect();
        assert!(codes.len() >= 25, "found {codes:?}");
        for code in codes {
            assert!(
                ACTIONS.iter().any(|(c, _)| *c == code),
                "audit action {code:?} has no label"
            );
        }
        assert_eq!(entity_label("capital_application"), "Pengajuan modal");
    }

    /// Every action the tracer use cases write has an Indonesian label.
    #[test]
    fn tracer_actions_have_labels() {
        let src = include_str!("../app/tracer.rs");
        let codes: Vec<String> = src
            .split("\"tracer.")
            .skip(1)
            .map(|part| format!("tracer.{}", part.split('"').next().unwrap_or("")))
            .collect();
        assert!(codes.len() >= 6, "found {codes:?}");
        for code in codes {
            assert!(
                ACTIONS.iter().any(|(c, _)| *c == code),
                "audit action {code:?} has no label"
            );
        }
    }

    /// Every action the import use cases write has an Indonesian label.
    #[test]
    fn import_actions_have_labels() {
        let src = include_str!("../app/imports.rs");
        let codes: Vec<String> = src
            .split("\"import.")
            .skip(1)
            .map(|part| format!("import.{}", part.split('"').next().unwrap_or("")))
            .collect();
        assert!(codes.len() >= 3, "found {codes:?}");
        for code in codes {
            assert!(
                ACTIONS.iter().any(|(c, _)| *c == code),
                "audit action {code:?} has no label"
            );
        }
        assert_eq!(entity_label("import"), "Impor");
    }

    /// Every action the notification use cases write has an Indonesian label.
    #[test]
    fn notification_actions_have_labels() {
        let src = include_str!("../app/notifications.rs");
        let codes: Vec<String> = src
            .split("\"notify.")
            .skip(1)
            .map(|part| format!("notify.{}", part.split('"').next().unwrap_or("")))
            .chain(
                src.split("\"outbox.")
                    .skip(1)
                    .map(|part| format!("outbox.{}", part.split('"').next().unwrap_or(""))),
            )
            .collect();
        assert!(codes.len() >= 4, "found {codes:?}");
        for code in codes {
            assert!(
                ACTIONS.iter().any(|(c, _)| *c == code),
                "audit action {code:?} has no label"
            );
        }
        assert_eq!(entity_label("push_subscription"), "HP penerima notifikasi");
    }

    /// The Rust sources under `src/` that write audit entries, with their text.
    fn audit_writers() -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
            for entry in std::fs::read_dir(dir).expect("src folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("domain/audit.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("source");
                    if [
                        "audit::append",
                        "audit::record",
                        "append_many",
                        "Event {",
                        ".event(",
                    ]
                    .iter()
                    .any(|w| text.contains(w))
                    {
                        out.push((path, text));
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    /// Every string literal of `text` shaped like an action code of a family the log knows
    /// (`order.create`, `capital.reminded`): the part before the first dot is one of ACTIONS'.
    fn action_codes(text: &str) -> Vec<String> {
        let families: std::collections::BTreeSet<&str> = ACTIONS
            .iter()
            .map(|(c, _)| c.split('.').next().unwrap_or(c))
            .collect();
        text.split('"')
            .skip(1)
            .step_by(2)
            .filter(|lit| {
                let mut parts = lit.split('.');
                let family = parts.next().unwrap_or("");
                lit.contains('.')
                    && families.contains(family)
                    && lit
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    && parts.all(|p| !p.is_empty())
            })
            .map(str::to_owned)
            .collect()
    }

    /// The keys written inside the `json!` macros of `text`.
    fn json_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for part in text.split("json!(").skip(1) {
            let mut depth = 1;
            let end = part
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' | '{' | '[' => depth += 1,
                        ')' | '}' | ']' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(part.len(), |(i, _)| i);
            let block = &part[..end];
            let mut rest = block;
            while let Some(at) = rest.find('"') {
                let after = &rest[at + 1..];
                let Some(close) = after.find('"') else { break };
                let lit = &after[..close];
                let tail = after[close + 1..].trim_start();
                if tail.starts_with(':')
                    && !tail.starts_with("::")
                    && !lit.is_empty()
                    && lit.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    keys.push(lit.to_owned());
                }
                rest = &after[close + 1..];
            }
        }
        keys
    }

    /// Every action written anywhere in the code has an Indonesian label (the audit page's
    /// filter and list show the label, not the code), and so has every detail key written in
    /// a summary: the sources that write audit entries are read for both.
    #[test]
    fn every_written_action_and_key_has_a_label() {
        let writers = audit_writers();
        assert!(writers.len() >= 15, "found {} writers", writers.len());
        let mut actions = 0;
        let mut keys = 0;
        let mut missing = Vec::new();
        for (path, text) in &writers {
            for code in action_codes(text) {
                actions += 1;
                if !ACTIONS.iter().any(|(c, _)| *c == code) {
                    missing.push(format!("action {code:?} in {}", path.display()));
                }
            }
            for key in json_keys(text) {
                if key == "before" || key == "after" {
                    continue; // the shape of a change, not a detail
                }
                keys += 1;
                if !labelled("", &key) {
                    missing.push(format!("detail key {key:?} in {}", path.display()));
                }
            }
        }
        assert!(actions >= 80, "found {actions} action codes");
        assert!(keys >= 150, "found {keys} detail keys");
        assert!(
            missing.is_empty(),
            "no Indonesian label:\n{}",
            missing.join("\n")
        );
        for entity in [
            "office_document",
            "office_request",
            "office_payment",
            "listing",
            "business",
            "capital_application",
            "import",
        ] {
            assert_ne!(entity_label(entity), entity);
        }
    }

    #[test]
    fn codes_and_amounts_read_as_words() {
        let line = describe_summary(
            "office_document",
            r#"{"request":19,"kind":"bast","number":"027/BAST/2026","amount":1250000,"replaces":null}"#,
        );
        assert!(line.contains("nomor dokumen: 027/BAST/2026"), "{line}");
        assert!(line.contains("Berita Acara Serah Terima"), "{line}");
        assert!(line.contains("Rp1.250.000"), "{line}");
        assert!(!line.contains("angkatan"), "{line}");
        let line = describe_summary(
            "office_payment",
            r#"{"request":19,"gross":1000000,"withheld":15000,"net":985000,"proof":"BKU-1"}"#,
        );
        for words in [
            "nilai bruto: Rp1.000.000",
            "pajak dipotong/dipungut: Rp15.000",
            "dibayar ke penyedia: Rp985.000",
        ] {
            assert!(line.contains(words), "{words} in {line}");
        }
        let line = describe_summary(
            "order",
            r#"{"action":"terima","party":"seller","from":"requested","to":"accepted"}"#,
        );
        assert_eq!(
            line,
            "langkah: Terima pesanan; dari status: Menunggu tanggapan penjual; oleh pihak: Penjual; \
             menjadi: Diterima penjual"
        );
        assert_eq!(
            describe_summary("batch", r#"{"number":2}"#),
            "angkatan ke: 2"
        );
        assert_eq!(
            describe_summary(
                "order",
                r#"{"method":"qris","paid_on":"2026-12-07","amount":205000}"#
            ),
            "jumlah uang: Rp205.000; cara: QRIS; dibayar tanggal: 7 Desember 2026"
        );
        assert_eq!(
            record_text("office_document", "633"),
            "Dokumen pengadaan #633"
        );
        assert_eq!(
            unlabelled_keys("order", r#"{"frobnicate":1,"to":"x"}"#),
            ["frobnicate"]
        );
    }

    #[test]
    fn summaries_read_as_words() {
        assert_eq!(
            describe_summary(
                "user",
                r#"{"before":{"role":"pembeli","username":"a"},"after":{"role":"mitra","username":"a"}}"#
            ),
            "peran: Pembeli/Masyarakat → Mitra Permodalan"
        );
        assert_eq!(
            describe_summary("user", r#"{"known_user":false}"#),
            "nama pengguna terdaftar: tidak"
        );
        assert_eq!(describe_summary("user", "{}"), "");
        assert_eq!(describe_summary("user", "bukan json"), "bukan json");
        assert_eq!(action_label("user.create"), "Pengguna dibuat");
        assert_eq!(action_label("x.y"), "x.y");
    }
}

/// The audit list's period filter: from the start of `from` to the end of `to` (WIB days), as
/// typed by the admin (`2026-12-07` from a date field, or `7-12-2026`, `7/12/2026`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    /// First instant included (Unix seconds), if bounded.
    pub from: Option<i64>,
    /// First instant past the period, if bounded.
    pub until: Option<i64>,
}

impl Period {
    /// The period, or each field's message (`dari`, `sampai`).
    pub fn parse(from: &str, to: &str) -> Result<Period, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut day = |field: &'static str, raw: &str| -> Option<time::Date> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let parsed = super::dates::parse_iso(raw).or_else(|| {
                let parts: Vec<&str> = raw.split(['-', '/', '.']).collect();
                match parts.as_slice() {
                    [d, m, y] if y.len() == 4 => {
                        let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
                        time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
                    }
                    _ => None,
                }
            });
            if parsed.is_none() {
                errors.push((
                    field,
                    format!(
                        "Tanggal \u{201c}{raw}\u{201d} tidak terbaca. Tulis seperti 7-12-2026."
                    ),
                ));
            }
            parsed
        };
        let from_day = day("dari", from);
        let to_day = day("sampai", to);
        if let (Some(a), Some(b)) = (from_day, to_day)
            && a > b
        {
            errors.push((
                "sampai",
                "Tanggal akhir lebih awal dari tanggal mulai.".to_owned(),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let start = |d: time::Date| {
            d.midnight()
                .assume_offset(super::dates::WIB)
                .unix_timestamp()
        };
        Ok(Period {
            from: from_day.map(start),
            until: to_day.and_then(|d| d.next_day()).map(start),
        })
    }
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn a_period_is_whole_wib_days() {
        let p = Period::parse("2026-12-07", "7/12/2026").unwrap();
        // 7 December 2026 00.00 WIB is 6 December 17.00 UTC.
        assert_eq!(p.from, Some(1_796_576_400));
        assert_eq!(p.until, Some(1_796_576_400 + 86_400));
        assert_eq!(Period::parse("", "").unwrap(), Period::default());
        let errors = Period::parse("kemarin", "2026-02-31").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].0, "dari");
        assert!(errors[0].1.contains("kemarin"));
        let errors = Period::parse("8-12-2026", "7-12-2026").unwrap_err();
        assert_eq!(errors[0].0, "sampai");
    }
}
