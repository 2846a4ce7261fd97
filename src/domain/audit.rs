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
        "order" => "Pesanan",
        "synonym" => "Sinonim pencarian",
        "outbox" => "Kotak keluar",
        "push_subscription" => "HP penerima notifikasi",
        "import" => "Impor",
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
        "email" => "email",
        "quiet" => "jam tenang",
        "device" => "perangkat",
        other => other,
    }
}

fn value_text(key: &str, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Bool(true) => "ya".into(),
        serde_json::Value::Bool(false) => "tidak".into(),
        serde_json::Value::Number(n) if key == "expires_at" => n
            .as_i64()
            .map(super::dates::format_instant)
            .unwrap_or_else(|| n.to_string()),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A stored summary in words: changed fields as `peran: pembeli → mitra`, other fields as
/// `kunci: nilai`. Unknown shapes are shown as they are.
pub fn describe_summary(summary: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(summary)
    else {
        return summary.to_owned();
    };
    let pairs = |obj: &serde_json::Map<String, serde_json::Value>| -> Vec<String> {
        obj.iter()
            .map(|(k, v)| format!("{}: {}", field_label(k), value_text(k, v)))
            .collect()
    };
    match (map.get("before"), map.get("after")) {
        (Some(serde_json::Value::Object(before)), Some(serde_json::Value::Object(after))) => {
            let changes: Vec<String> = after
                .iter()
                .filter(|(k, v)| before.get(*k) != Some(v))
                .map(|(k, v)| {
                    let old = before.get(k).map_or("—".into(), |b| value_text(k, b));
                    format!("{}: {} → {}", field_label(k), old, value_text(k, v))
                })
                .collect();
            if changes.is_empty() {
                "tidak ada perubahan isi".into()
            } else {
                changes.join("; ")
            }
        }
        (None, Some(serde_json::Value::Object(after))) => {
            let set: serde_json::Map<_, _> = after
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            pairs(&set).join("; ")
        }
        _ => pairs(&map).join("; "),
    }
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

    #[test]
    fn summaries_read_as_words() {
        assert_eq!(
            describe_summary(
                r#"{"before":{"role":"pembeli","username":"a"},"after":{"role":"mitra","username":"a"}}"#
            ),
            "peran: pembeli → mitra"
        );
        assert_eq!(
            describe_summary(r#"{"known_user":false}"#),
            "nama pengguna terdaftar: tidak"
        );
        assert_eq!(describe_summary("{}"), "");
        assert_eq!(describe_summary("bukan json"), "bukan json");
        assert_eq!(action_label("user.create"), "Pengguna dibuat");
        assert_eq!(action_label("x.y"), "x.y");
    }
}
