//! What the alumna asks for: purpose, amount, tenor and a plan of use, checked against the
//! program's ranges.

use serde::{Deserialize, Serialize};

use crate::domain::form::{clean, money, whole};
use crate::domain::rupiah::Rupiah;
use crate::domain::user::FieldErrors;

use super::program::MAX_AMOUNT;

/// Most rows a plan of use may have.
pub const MAX_ITEMS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    WorkingCapital,
    Equipment,
    Expansion,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [
        Purpose::WorkingCapital,
        Purpose::Equipment,
        Purpose::Expansion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::WorkingCapital => "working_capital",
            Purpose::Equipment => "equipment",
            Purpose::Expansion => "expansion",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Purpose::WorkingCapital => "Modal kerja (bahan baku, stok)",
            Purpose::Equipment => "Pembelian peralatan",
            Purpose::Expansion => "Perluasan usaha",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaritalStatus {
    Single,
    Married,
    Divorced,
    Widowed,
}

impl MaritalStatus {
    pub const ALL: [MaritalStatus; 4] = [
        MaritalStatus::Single,
        MaritalStatus::Married,
        MaritalStatus::Divorced,
        MaritalStatus::Widowed,
    ];

    /// As stored, and as the Dukcapil terms are written.
    pub fn as_str(self) -> &'static str {
        match self {
            MaritalStatus::Single => "belum_kawin",
            MaritalStatus::Married => "kawin",
            MaritalStatus::Divorced => "cerai_hidup",
            MaritalStatus::Widowed => "cerai_mati",
        }
    }

    pub fn parse(s: &str) -> Option<MaritalStatus> {
        MaritalStatus::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            MaritalStatus::Single => "Belum kawin",
            MaritalStatus::Married => "Kawin",
            MaritalStatus::Divorced => "Cerai hidup",
            MaritalStatus::Widowed => "Cerai mati",
        }
    }
}

/// One row of the plan of use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub item: String,
    pub price: i64,
}

pub fn total(items: &[Item]) -> i64 {
    items.iter().map(|i| i.price).sum()
}

/// The ranges of the program applied to.
#[derive(Debug, Clone, Copy)]
pub struct Ranges {
    pub min_amount: i64,
    pub max_amount: i64,
    pub tenor_min: i64,
    pub tenor_max: i64,
}

#[derive(Debug, Clone, Default)]
pub struct RequestInput<'a> {
    pub purpose: &'a str,
    pub marital_status: &'a str,
    pub business_capital: &'a str,
    pub workers: &'a str,
    pub kbli: &'a str,
    pub amount: &'a str,
    pub tenor: &'a str,
    pub items: &'a [String],
    pub prices: &'a [String],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFields {
    pub purpose: Purpose,
    pub marital_status: MaritalStatus,
    pub business_capital: Option<i64>,
    pub workers: i64,
    /// Five digits, or empty when she does not know it.
    pub kbli: String,
    pub amount: i64,
    pub tenor_months: i64,
    pub plan: Vec<Item>,
}

fn rp(n: i64) -> String {
    Rupiah::new(n).unwrap_or_default().to_string()
}

impl RequestFields {
    pub fn parse(input: &RequestInput<'_>, ranges: &Ranges) -> Result<RequestFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let purpose = Purpose::parse(input.purpose);
        if purpose.is_none() {
            errors.push(("purpose", "Pilih tujuan penggunaan dana.".into()));
        }
        let amount = money(
            &mut errors,
            "amount",
            input.amount,
            "Jumlah yang diajukan",
            MAX_AMOUNT,
        );
        if input.amount.trim().is_empty() {
            errors.push(("amount", "Jumlah yang diajukan wajib diisi.".into()));
        }
        if let Some(a) = amount
            && !(ranges.min_amount..=ranges.max_amount).contains(&a.amount())
        {
            errors.push((
                "amount",
                format!(
                    "Program ini memberi {} sampai {}.",
                    rp(ranges.min_amount),
                    rp(ranges.max_amount)
                ),
            ));
        }
        let tenor_months = if ranges.tenor_max == 0 {
            0
        } else {
            if input.tenor.trim().is_empty() {
                errors.push(("tenor", "Tenor (bulan) wajib diisi.".into()));
            }
            whole(
                &mut errors,
                "tenor",
                input.tenor,
                "Tenor",
                ranges.tenor_min.max(1),
                ranges.tenor_max,
                0,
            )
        };
        let mut plan = Vec::new();
        let rows = input.items.len().max(input.prices.len());
        for i in 0..rows {
            let item = clean(input.items.get(i).map(String::as_str).unwrap_or(""));
            let raw_price = input.prices.get(i).map(String::as_str).unwrap_or("");
            if item.is_empty() && raw_price.trim().is_empty() {
                continue;
            }
            if item.is_empty() {
                errors.push((
                    "plan",
                    format!("Baris {}: tulis barang atau keperluannya.", i + 1),
                ));
                continue;
            }
            if item.chars().count() > 120 {
                errors.push((
                    "plan",
                    format!("Baris {}: keterangan maksimal 120 karakter.", i + 1),
                ));
                continue;
            }
            let mut row_errors = FieldErrors::new();
            match money(&mut row_errors, "plan", raw_price, "Harga", MAX_AMOUNT) {
                Some(p) => plan.push(Item {
                    item,
                    price: p.amount(),
                }),
                None if raw_price.trim().is_empty() => {
                    errors.push(("plan", format!("Baris {}: harga wajib diisi.", i + 1)))
                }
                None => {
                    for (_, m) in row_errors {
                        errors.push(("plan", format!("Baris {}: {m}", i + 1)));
                    }
                }
            }
        }
        if plan.len() > MAX_ITEMS {
            errors.push((
                "plan",
                format!("Rencana penggunaan paling banyak {MAX_ITEMS} baris."),
            ));
        }
        if plan.is_empty() && !errors.iter().any(|(f, _)| *f == "plan") {
            errors.push((
                "plan",
                "Tulis rencana penggunaan dana: barang atau keperluan dengan harganya.".into(),
            ));
        }
        if let Some(a) = amount
            && !plan.is_empty()
            && total(&plan) != a.amount()
        {
            errors.push((
                "plan",
                format!(
                    "Jumlah rencana penggunaan ({}) harus sama dengan jumlah yang diajukan ({}).",
                    rp(total(&plan)),
                    rp(a.amount())
                ),
            ));
        }
        let marital_status = MaritalStatus::parse(input.marital_status);
        if marital_status.is_none() {
            errors.push(("marital_status", "Pilih status perkawinan.".into()));
        }
        let business_capital = if input.business_capital.trim() == "0" {
            Some(0)
        } else {
            money(
                &mut errors,
                "business_capital",
                input.business_capital,
                "Modal usaha saat ini",
                MAX_AMOUNT,
            )
            .map(Rupiah::amount)
        };
        let workers = whole(
            &mut errors,
            "workers",
            input.workers,
            "Jumlah tenaga kerja",
            0,
            1000,
            1,
        );
        let kbli: String = input.kbli.chars().filter(|c| !c.is_whitespace()).collect();
        let well_formed = kbli.len() == 5 && kbli.chars().all(|c| c.is_ascii_digit());
        if !kbli.is_empty() && !well_formed {
            errors.push((
                "kbli",
                "KBLI terdiri dari 5 angka (lihat di NIB Anda), atau kosongkan.".into(),
            ));
        }
        match (errors.is_empty(), purpose, amount, marital_status) {
            (true, Some(purpose), Some(amount), Some(marital_status)) => Ok(RequestFields {
                purpose,
                marital_status,
                business_capital,
                workers,
                kbli,
                amount: amount.amount(),
                tenor_months,
                plan,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUR: Ranges = Ranges {
        min_amount: 1_000_000,
        max_amount: 10_000_000,
        tenor_min: 6,
        tenor_max: 36,
    };

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_plan_that_adds_up_parses() {
        let items = strings(&["Oven", "Tepung 10 karung", ""]);
        let prices = strings(&["3.500.000", "1.500.000", ""]);
        let f = RequestFields::parse(
            &RequestInput {
                purpose: "equipment",
                marital_status: "kawin",
                amount: "5.000.000",
                tenor: "12",
                items: &items,
                prices: &prices,
                ..RequestInput::default()
            },
            &KUR,
        )
        .unwrap();
        assert_eq!(f.plan.len(), 2);
        assert_eq!(total(&f.plan), 5_000_000);
    }

    #[test]
    fn amounts_and_tenors_outside_the_program_are_refused() {
        let items = strings(&["Oven"]);
        let prices = strings(&["20.000.000"]);
        let e = RequestFields::parse(
            &RequestInput {
                purpose: "equipment",
                marital_status: "kawin",
                amount: "20.000.000",
                tenor: "48",
                items: &items,
                prices: &prices,
                ..RequestInput::default()
            },
            &KUR,
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["amount", "tenor"]);
        assert!(e[0].1.contains("Rp1.000.000 sampai Rp10.000.000"));
    }

    #[test]
    fn a_plan_must_add_up_and_every_row_needs_both_parts() {
        let items = strings(&["Oven", "", "Mixer"]);
        let prices = strings(&["3.000.000", "100.000", "abc"]);
        let e = RequestFields::parse(
            &RequestInput {
                purpose: "equipment",
                marital_status: "kawin",
                amount: "5.000.000",
                tenor: "12",
                items: &items,
                prices: &prices,
                ..RequestInput::default()
            },
            &KUR,
        )
        .unwrap_err();
        let msgs: Vec<_> = e.iter().map(|(_, m)| m.as_str()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("Baris 2:")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("Baris 3:")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("harus sama")), "{msgs:?}");
    }

    #[test]
    fn grants_have_no_tenor() {
        let items = strings(&["Mesin jahit"]);
        let prices = strings(&["2.000.000"]);
        let f = RequestFields::parse(
            &RequestInput {
                purpose: "equipment",
                marital_status: "kawin",
                amount: "2.000.000",
                tenor: "",
                items: &items,
                prices: &prices,
                ..RequestInput::default()
            },
            &Ranges {
                tenor_min: 0,
                tenor_max: 0,
                ..KUR
            },
        )
        .unwrap();
        assert_eq!(f.tenor_months, 0);
    }
}
