//! Who may apply to a program: each of the program's rules checked against the alumnus's own
//! track record, with her figures, and what to do about a rule she does not yet meet.

use time::Date;

use super::program::Rules;
use super::record::TrackRecord;
use crate::domain::dates::parse_iso;
use crate::domain::rupiah::Rupiah;

/// One rule of a program, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Stable name of the rule (`nib`, `months_active`, …), for tests and styling.
    pub rule: &'static str,
    /// What the program asks: "Usaha aktif di Karya minimal 6 bulan".
    pub requirement: String,
    /// Her own figure: "4 bulan".
    pub yours: String,
    pub met: bool,
    /// How to meet it, for a rule not met that she can do something about.
    pub how: Option<&'static str>,
    /// The short name used in "Kurang: …".
    pub short: &'static str,
}

/// Every rule of a program, checked for one person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub checks: Vec<Check>,
}

impl Verdict {
    pub fn met(&self) -> usize {
        self.checks.iter().filter(|c| c.met).count()
    }

    pub fn total(&self) -> usize {
        self.checks.len()
    }

    pub fn eligible(&self) -> bool {
        self.checks.iter().all(|c| c.met)
    }

    pub fn missing(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.met)
    }

    /// "Anda memenuhi 4 dari 5 syarat. Kurang: NIB (cara mengurus: …)."
    pub fn summary(&self) -> String {
        if self.checks.is_empty() {
            return "Program ini tidak memiliki syarat khusus.".into();
        }
        if self.eligible() {
            return format!("Anda memenuhi semua {} syarat.", self.total());
        }
        let missing: Vec<String> = self
            .missing()
            .map(|c| match c.how {
                Some(how) => format!("{} (cara mengurus: {how})", c.short),
                None => c.short.to_owned(),
            })
            .collect();
        format!(
            "Anda memenuhi {} dari {} syarat. Kurang: {}.",
            self.met(),
            self.total(),
            missing.join("; ")
        )
    }
}

/// What a check needs besides the record: names for the ids in rules, and whether the person
/// already has an open application or an active loan in this program.
pub struct Context<'a> {
    pub trade_name: &'a dyn Fn(i64) -> String,
    pub kecamatan_name: &'a dyn Fn(&str) -> String,
    pub open_in_program: bool,
}

pub const HOW_NIB: &str =
    "daftar gratis di oss.go.id dengan KTP dan nomor HP, lalu isi nomor NIB di halaman Usaha Anda";
pub const HOW_CERTIFICATE: &str =
    "ikuti uji kompetensi LSP lewat BLK; nomor sertifikat dicatat oleh admin BLK";
pub const HOW_ORDERS: &str = "terima dan selesaikan pesanan lewat Karya agar tercatat";
pub const HOW_REVENUE: &str =
    "catat setiap pembayaran di Karya dan pastikan dikonfirmasi agar terhitung";
pub const HOW_ACTIVE: &str =
    "terus berjualan di Karya; syarat ini terpenuhi dengan berjalannya waktu";
pub const HOW_TRADE: &str = "ikuti pelatihan kejuruan ini di BLK";
pub const HOW_ONE: &str = "selesaikan atau tarik pengajuan Anda yang masih berjalan di program ini";

fn rp(n: i64) -> String {
    Rupiah::new(n).unwrap_or_default().to_string()
}

/// Whole years from `birth` to `on`.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years
}

pub fn check(rules: &Rules, record: &TrackRecord, ctx: &Context<'_>) -> Verdict {
    let mut checks = Vec::new();
    if !rules.trades.is_empty() {
        let names: Vec<String> = rules
            .trades
            .iter()
            .map(|id| (ctx.trade_name)(*id))
            .collect();
        let mine = record.trade_ids();
        let yours: Vec<String> = mine.iter().map(|id| (ctx.trade_name)(*id)).collect();
        checks.push(Check {
            rule: "trades",
            requirement: format!("Alumni pelatihan {}", names.join(" atau ")),
            yours: if yours.is_empty() {
                "belum ada pelatihan tercatat".into()
            } else {
                yours.join(", ")
            },
            met: mine.iter().any(|id| rules.trades.contains(id)),
            how: Some(HOW_TRADE),
            short: "kejuruan",
        });
    }
    if let Some(min) = rules.min_months_active {
        checks.push(Check {
            rule: "months_active",
            requirement: format!("Usaha aktif di Karya minimal {min} bulan"),
            yours: format!("{} bulan", record.months_active),
            met: record.months_active >= min,
            how: Some(HOW_ACTIVE),
            short: "lama usaha aktif",
        });
    }
    if let Some(min) = rules.min_orders_total {
        checks.push(Check {
            rule: "orders_total",
            requirement: format!("Minimal {min} pesanan selesai (umum dan OPD)"),
            yours: format!("{} pesanan", record.orders_total()),
            met: record.orders_total() >= min,
            how: Some(HOW_ORDERS),
            short: "jumlah pesanan selesai",
        });
    }
    if let Some(min) = rules.min_orders_public {
        checks.push(Check {
            rule: "orders_public",
            requirement: format!("Minimal {min} pesanan umum selesai"),
            yours: format!("{} pesanan", record.orders_public),
            met: record.orders_public >= min,
            how: Some(HOW_ORDERS),
            short: "pesanan umum selesai",
        });
    }
    if let Some(min) = rules.min_orders_office {
        checks.push(Check {
            rule: "orders_office",
            requirement: format!("Minimal {min} pekerjaan OPD selesai"),
            yours: format!("{} pekerjaan", record.orders_office),
            met: record.orders_office >= min,
            how: Some(HOW_ORDERS),
            short: "pekerjaan OPD selesai",
        });
    }
    if let Some(min) = rules.min_revenue {
        let months = rules.revenue_window();
        let yours = record.revenue_last(months);
        checks.push(Check {
            rule: "revenue",
            requirement: format!(
                "Omzet terkonfirmasi minimal {} dalam {months} bulan terakhir",
                rp(min)
            ),
            yours: rp(yours),
            met: yours >= min,
            how: Some(HOW_REVENUE),
            short: "omzet",
        });
    }
    if !rules.kecamatan.is_empty() {
        let names: Vec<String> = rules
            .kecamatan
            .iter()
            .map(|c| (ctx.kecamatan_name)(c))
            .collect();
        let mine = record.kecamatan_code();
        checks.push(Check {
            rule: "kecamatan",
            requirement: format!("Usaha di Kecamatan {}", names.join(", ")),
            yours: mine
                .map(|c| (ctx.kecamatan_name)(c))
                .unwrap_or_else(|| "kecamatan belum tercatat".into()),
            met: mine.is_some_and(|c| rules.kecamatan.iter().any(|k| k == c)),
            how: None,
            short: "kecamatan",
        });
    }
    if rules.nib_required {
        checks.push(Check {
            rule: "nib",
            requirement: "Memiliki NIB".into(),
            yours: if record.has_nib() {
                "NIB tercatat".into()
            } else {
                "belum ada NIB".into()
            },
            met: record.has_nib(),
            how: Some(HOW_NIB),
            short: "NIB",
        });
    }
    if rules.certificate_required {
        checks.push(Check {
            rule: "certificate",
            requirement: "Memiliki sertifikat kompetensi".into(),
            yours: if record.certified() {
                "bersertifikat kompeten".into()
            } else {
                "belum bersertifikat".into()
            },
            met: record.certified(),
            how: Some(HOW_CERTIFICATE),
            short: "sertifikat kompetensi",
        });
    }
    if rules.min_age.is_some() || rules.max_age.is_some() {
        let age = record
            .person
            .birth_date
            .as_deref()
            .and_then(parse_iso)
            .zip(parse_iso(&record.as_of))
            .map(|(birth, on)| age_on(birth, on));
        let requirement = match (rules.min_age, rules.max_age) {
            (Some(lo), Some(hi)) => format!("Umur {lo}–{hi} tahun"),
            (Some(lo), None) => format!("Umur minimal {lo} tahun"),
            (None, Some(hi)) => format!("Umur paling tinggi {hi} tahun"),
            (None, None) => String::new(),
        };
        let met = age.is_some_and(|a| {
            rules.min_age.is_none_or(|lo| a >= lo as i32)
                && rules.max_age.is_none_or(|hi| a <= hi as i32)
        });
        checks.push(Check {
            rule: "age",
            requirement,
            yours: age
                .map(|a| format!("{a} tahun"))
                .unwrap_or_else(|| "tanggal lahir belum tercatat".into()),
            met,
            how: None,
            short: "umur",
        });
    }
    if rules.one_at_a_time {
        checks.push(Check {
            rule: "one_at_a_time",
            requirement: "Tidak sedang punya pengajuan berjalan atau pinjaman aktif di program ini"
                .into(),
            yours: if ctx.open_in_program {
                "ada pengajuan/pinjaman berjalan".into()
            } else {
                "tidak ada".into()
            },
            met: !ctx.open_in_program,
            how: Some(HOW_ONE),
            short: "pengajuan berjalan",
        });
    }
    Verdict { checks }
}

/// What a program asks, in words, as the public sees it (no one's figures).
pub fn requirements(rules: &Rules, ctx: &Context<'_>) -> Vec<String> {
    check(rules, &TrackRecord::default(), ctx)
        .checks
        .into_iter()
        .map(|c| c.requirement)
        .collect()
}

#[cfg(test)]
mod tests;
