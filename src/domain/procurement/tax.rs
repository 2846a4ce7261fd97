//! Taxes on an office purchase: what the treasurer (bendahara) collects or withholds from the
//! payment to an alumni business. Every rate, threshold and choice comes from [`TaxRules`],
//! admin-editable settings with their legal basis in the help text; the computation holds no
//! rates of its own.

use std::collections::BTreeMap;

use super::SettingField;
use crate::domain::rupiah::{Rupiah, format_rupiah};

/// What is bought: goods (barang) or services (jasa).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaxKind {
    Goods,
    Services,
}

impl TaxKind {
    pub const ALL: [TaxKind; 2] = [TaxKind::Goods, TaxKind::Services];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TaxKind::Goods => "goods",
            TaxKind::Services => "services",
        }
    }

    pub fn parse(s: &str) -> Option<TaxKind> {
        TaxKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaxKind::Goods => "Barang",
            TaxKind::Services => "Jasa",
        }
    }
}

/// The seller's tax status, as recorded by the treasurer from the seller's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SellerTax {
    /// Pengusaha Kena Pajak: charges PPN, so the contract value includes PPN.
    pub pkp: bool,
    /// Has an NPWP (or a NIK validated as NPWP); without it PPh 22/23 are higher.
    pub has_npwp: bool,
    /// Holds a valid Surat Keterangan PP 55/2022 for the final UMKM rate. The certificate is
    /// issued to an NPWP holder, so when it is shown it decides, whatever `has_npwp` says.
    pub umkm_final: bool,
}

/// Which income tax the treasurer takes on a kind of purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncomeTax {
    /// PPh Pasal 22, collected on purchases of goods.
    Pph22,
    /// PPh Pasal 23, withheld on fees for services.
    Pph23,
    /// None withheld.
    NotWithheld,
}

impl IncomeTax {
    pub const ALL: [IncomeTax; 3] = [IncomeTax::Pph22, IncomeTax::Pph23, IncomeTax::NotWithheld];

    pub fn as_str(self) -> &'static str {
        match self {
            IncomeTax::Pph22 => "pph22",
            IncomeTax::Pph23 => "pph23",
            IncomeTax::NotWithheld => "none",
        }
    }

    pub fn parse(s: &str) -> Option<IncomeTax> {
        IncomeTax::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            IncomeTax::Pph22 => "PPh Pasal 22",
            IncomeTax::Pph23 => "PPh Pasal 23",
            IncomeTax::NotWithheld => "Tidak dipotong",
        }
    }
}

/// The tax settings (keys `tax.*`). Rates in basis points (1100 = 11%), amounts in Rupiah.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRules {
    /// Effective PPN rate on the DPP.
    pub ppn_rate_bp: i64,
    /// The treasurer collects PPN only when the payment (including PPN) is above this.
    pub ppn_threshold: i64,
    pub pph22_rate_bp: i64,
    /// PPh 22 is collected only when the value excluding PPN is above this.
    pub pph22_threshold: i64,
    /// How much higher PPh 22 is without NPWP, in percent of the rate (100 = twice the rate).
    pub pph22_no_npwp_surcharge_pct: i64,
    pub pph23_rate_bp: i64,
    /// How much higher PPh 23 is without NPWP, in percent of the rate.
    pub pph23_no_npwp_surcharge_pct: i64,
    /// PPh Final UMKM rate, replacing PPh 22/23 for holders of the certificate.
    pub pph_final_rate_bp: i64,
    /// Income tax on purchases of goods.
    pub goods_income_tax: IncomeTax,
    /// Income tax on services.
    pub services_income_tax: IncomeTax,
}

impl Default for TaxRules {
    fn default() -> Self {
        TaxRules {
            ppn_rate_bp: 1100,
            ppn_threshold: 2_000_000,
            pph22_rate_bp: 150,
            pph22_threshold: 2_000_000,
            pph22_no_npwp_surcharge_pct: 100,
            pph23_rate_bp: 200,
            pph23_no_npwp_surcharge_pct: 100,
            pph_final_rate_bp: 50,
            goods_income_tax: IncomeTax::Pph22,
            services_income_tax: IncomeTax::Pph23,
        }
    }
}

const K_PPN_RATE: &str = "tax.ppn_rate_bp";
const K_PPN_THRESHOLD: &str = "tax.ppn_threshold";
const K_PPH22_RATE: &str = "tax.pph22_rate_bp";
const K_PPH22_THRESHOLD: &str = "tax.pph22_threshold";
const K_PPH22_SURCHARGE: &str = "tax.pph22_no_npwp_surcharge_pct";
const K_PPH23_RATE: &str = "tax.pph23_rate_bp";
const K_PPH23_SURCHARGE: &str = "tax.pph23_no_npwp_surcharge_pct";
const K_FINAL_RATE: &str = "tax.pph_final_rate_bp";
const K_GOODS_TAX: &str = "tax.goods_income_tax";
const K_SERVICES_TAX: &str = "tax.services_income_tax";

const MSG_RATE: &str = "Isi tarif dalam basis poin: bilangan bulat 0 sampai 10000 (1100 = 11%).";
const MSG_SURCHARGE: &str =
    "Isi persen kenaikan tarif: bilangan bulat 0 sampai 1000 (100 = dua kali tarif).";
const MSG_INCOME_TAX: &str = "Pilih salah satu: pph22, pph23, atau none.";

impl TaxRules {
    /// Every key with its Indonesian label and help text naming the legal basis.
    pub const FIELDS: &'static [SettingField] = &[
        SettingField {
            key: K_PPN_RATE,
            label: "Tarif efektif PPN (%)",
            help: "Hanya bila penjual PKP. UU PPN Pasal 7 sebagaimana diubah UU 7/2021 \
                   (HPP); sejak 2025 tarif 12% dikalikan DPP nilai lain 11/12 untuk barang/jasa \
                   bukan mewah (PMK 131/2024), jadi efektif 11%. Nilai kontrak termasuk PPN: \
                   DPP = nilai × 100/(100 + tarif).",
        },
        SettingField {
            key: K_PPN_THRESHOLD,
            label: "Batas pemungutan PPN oleh bendahara (Rp)",
            help: "Bendahara instansi pemerintah memungut PPN hanya bila pembayaran (termasuk PPN) \
                   melebihi batas ini dan tidak dipecah-pecah; di bawahnya PPN disetor sendiri \
                   oleh penjual PKP. PMK 59/2022. Bawaan Rp2.000.000.",
        },
        SettingField {
            key: K_PPH22_RATE,
            label: "Tarif PPh Pasal 22 pembelian barang (%)",
            help: "Dipungut bendahara atas pembelian barang, dari nilai tidak termasuk PPN. \
                   UU PPh Pasal 22; PMK 34/2017 dan PMK 59/2022.",
        },
        SettingField {
            key: K_PPH22_THRESHOLD,
            label: "Batas pemungutan PPh Pasal 22 (Rp)",
            help: "PPh 22 tidak dipungut bila nilai pembelian (tidak termasuk PPN) paling banyak \
                   batas ini dan tidak dipecah-pecah. PMK 59/2022. Bawaan Rp2.000.000.",
        },
        SettingField {
            key: K_PPH22_SURCHARGE,
            label: "Kenaikan tarif PPh 22 tanpa NPWP (%)",
            help: "Penjual tanpa NPWP dipungut lebih tinggi 100% dari tarif (dua kali lipat). \
                   UU PPh Pasal 22 ayat (3). NIK yang telah dipadankan berlaku sebagai NPWP \
                   (PMK 112/2022).",
        },
        SettingField {
            key: K_PPH23_RATE,
            label: "Tarif PPh Pasal 23 jasa (%)",
            help: "Dipotong atas imbalan jasa, dari jumlah bruto tidak termasuk PPN. \
                   UU PPh Pasal 23 ayat (1) huruf c; jenis jasa lain menurut PMK 141/2015.",
        },
        SettingField {
            key: K_PPH23_SURCHARGE,
            label: "Kenaikan tarif PPh 23 tanpa NPWP (%)",
            help: "Penjual tanpa NPWP dipotong lebih tinggi 100% dari tarif. UU PPh Pasal 23 \
                   ayat (1a). NIK yang telah dipadankan berlaku sebagai NPWP (PMK 112/2022).",
        },
        SettingField {
            key: K_FINAL_RATE,
            label: "Tarif PPh Final UMKM (%)",
            help: "Bila penjual menunjukkan Surat Keterangan PP 55/2022 yang berlaku, PPh Final \
                   dari peredaran bruto (tidak termasuk PPN) menggantikan PPh 22/23, pada \
                   transaksi yang sedianya dipungut PPh 22/23. PP 55/2022; tata cara \
                   PMK 164/2023.",
        },
        SettingField {
            key: K_GOODS_TAX,
            label: "PPh atas pembelian barang",
            help: "pph22 (bawaan: UU PPh Pasal 22, PMK 59/2022), pph23, atau none bila \
                   bendahara tidak memungut PPh atas barang.",
        },
        SettingField {
            key: K_SERVICES_TAX,
            label: "PPh atas jasa",
            help: "pph23 (bawaan: UU PPh Pasal 23, PMK 141/2015), pph22, atau none bila \
                   bendahara tidak memotong PPh atas jasa.",
        },
    ];

    /// Builds the rules from stored pairs. Keys outside `tax.*` are ignored, missing keys take
    /// the default, bad values give `(key, Indonesian message)` errors, all of them at once.
    pub fn from_pairs(pairs: &BTreeMap<String, String>) -> Result<Self, Vec<(String, String)>> {
        let mut r = TaxRules::default();
        let mut read = PairReader::new(pairs);
        read.set(K_PPN_RATE, &mut r.ppn_rate_bp, parse_rate);
        read.set(K_PPN_THRESHOLD, &mut r.ppn_threshold, parse_money);
        read.set(K_PPH22_RATE, &mut r.pph22_rate_bp, parse_rate);
        read.set(K_PPH22_THRESHOLD, &mut r.pph22_threshold, parse_money);
        read.set(
            K_PPH22_SURCHARGE,
            &mut r.pph22_no_npwp_surcharge_pct,
            parse_surcharge,
        );
        read.set(K_PPH23_RATE, &mut r.pph23_rate_bp, parse_rate);
        read.set(
            K_PPH23_SURCHARGE,
            &mut r.pph23_no_npwp_surcharge_pct,
            parse_surcharge,
        );
        read.set(K_FINAL_RATE, &mut r.pph_final_rate_bp, parse_rate);
        read.set(K_GOODS_TAX, &mut r.goods_income_tax, parse_income_tax);
        read.set(K_SERVICES_TAX, &mut r.services_income_tax, parse_income_tax);
        let errors = read.errors;
        let rules = r;
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    /// Every key with its stored text, in [`TaxRules::FIELDS`] order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            (K_PPN_RATE, self.ppn_rate_bp.to_string()),
            (K_PPN_THRESHOLD, self.ppn_threshold.to_string()),
            (K_PPH22_RATE, self.pph22_rate_bp.to_string()),
            (K_PPH22_THRESHOLD, self.pph22_threshold.to_string()),
            (
                K_PPH22_SURCHARGE,
                self.pph22_no_npwp_surcharge_pct.to_string(),
            ),
            (K_PPH23_RATE, self.pph23_rate_bp.to_string()),
            (
                K_PPH23_SURCHARGE,
                self.pph23_no_npwp_surcharge_pct.to_string(),
            ),
            (K_FINAL_RATE, self.pph_final_rate_bp.to_string()),
            (K_GOODS_TAX, self.goods_income_tax.as_str().to_string()),
            (
                K_SERVICES_TAX,
                self.services_income_tax.as_str().to_string(),
            ),
        ]
    }

    /// The income tax the rules name for this kind of purchase.
    pub fn income_tax(&self, kind: TaxKind) -> IncomeTax {
        match kind {
            TaxKind::Goods => self.goods_income_tax,
            TaxKind::Services => self.services_income_tax,
        }
    }
}

/// Reads stored pairs into fields, collecting `(key, message)` errors.
struct PairReader<'a> {
    pairs: &'a BTreeMap<String, String>,
    errors: Vec<(String, String)>,
}

impl<'a> PairReader<'a> {
    fn new(pairs: &'a BTreeMap<String, String>) -> Self {
        PairReader {
            pairs,
            errors: Vec::new(),
        }
    }

    /// Parses the stored text (trimmed) into `slot`; a missing key leaves the default.
    fn set<T>(&mut self, key: &'static str, slot: &mut T, parse: fn(&str) -> Result<T, String>) {
        if let Some(raw) = self.pairs.get(key) {
            match parse(raw.trim()) {
                Ok(v) => *slot = v,
                Err(msg) => self.errors.push((key.to_string(), msg)),
            }
        }
    }
}

fn parse_int(s: &str) -> Option<i64> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Whether a setting is a rate the form shows in percent (it is stored in basis points).
pub fn is_rate(key: &str) -> bool {
    key.starts_with("tax.") && key.ends_with("_rate_bp")
}

/// A stored rate (basis points) as the form shows it, in percent as people write it:
/// "1100" → "11", "150" → "1,5", "50" → "0,5". Other settings, and values that are not whole
/// numbers, are shown as stored.
pub fn rate_in_form(key: &str, stored: &str) -> String {
    match (is_rate(key), parse_int(stored)) {
        (true, Some(bp)) if bp >= 0 => {
            let text = format!("{},{:02}", bp / 100, bp % 100);
            text.trim_end_matches('0').trim_end_matches(',').to_owned()
        }
        _ => stored.to_owned(),
    }
}

/// A rate typed in percent ("11", "1,5", "0.5 %") as stored, in basis points; other settings
/// pass through as typed.
pub fn rate_from_form(key: &str, typed: &str) -> Result<String, String> {
    if !is_rate(key) {
        return Ok(typed.to_owned());
    }
    const MSG: &str = "Isi tarif dalam persen, misalnya 11 atau 1,5 (0 sampai 100, paling \
                       banyak dua angka di belakang koma).";
    let t = typed.trim().trim_end_matches('%').trim().replace('.', ",");
    let (whole, frac) = t.split_once(',').unwrap_or((t.as_str(), ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 {
        return Err(MSG.to_owned());
    }
    let whole: i64 = whole.parse().map_err(|_| MSG.to_owned())?;
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let bp = whole.saturating_mul(100).saturating_add(frac);
    if bp > 10_000 {
        return Err(MSG.to_owned());
    }
    Ok(bp.to_string())
}

fn parse_rate(s: &str) -> Result<i64, String> {
    parse_int(s)
        .filter(|v| (0..=10_000).contains(v))
        .ok_or_else(|| MSG_RATE.to_string())
}

fn parse_surcharge(s: &str) -> Result<i64, String> {
    parse_int(s)
        .filter(|v| (0..=1_000).contains(v))
        .ok_or_else(|| MSG_SURCHARGE.to_string())
}

fn parse_money(s: &str) -> Result<i64, String> {
    Rupiah::parse(s)
        .map(Rupiah::amount)
        .map_err(|m| m.to_string())
}

fn parse_income_tax(s: &str) -> Result<IncomeTax, String> {
    IncomeTax::parse(s).ok_or_else(|| MSG_INCOME_TAX.to_string())
}

/// One tax the treasurer collects or withholds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine {
    /// "ppn", "pph22", "pph23" or "pph_final".
    pub code: &'static str,
    /// As printed: "PPN 11%", "PPh Pasal 22 3% (tanpa NPWP)".
    pub label: String,
    /// The amount the rate applies to (the DPP).
    pub base: i64,
    /// The rate applied, after any surcharge, in basis points.
    pub rate_bp: i64,
    pub amount: i64,
    /// The legal basis, as printed beside the line.
    pub basis: &'static str,
}

/// The gross, each tax and the net, as the treasurer sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxBreakdown {
    /// The contract value, including PPN when the seller is PKP.
    pub gross: i64,
    /// Dasar pengenaan pajak: the value excluding PPN (equal to `gross` for a non-PKP seller).
    pub dpp: i64,
    pub lines: Vec<TaxLine>,
    /// Sum of the lines: what the treasurer keeps back and pays to the state.
    pub withheld: i64,
    /// What the seller receives: `gross - withheld`.
    pub net: i64,
    /// Why a tax is not collected or withheld, one sentence each, for the treasurer's page
    /// and the receipt.
    pub notes: Vec<String>,
}

pub const BASIS_PPN: &str = "UU PPN Pasal 7 s.t.d.t.d. UU 7/2021 (HPP); PMK 131/2024; PMK 59/2022";
pub const BASIS_PPH22: &str = "UU PPh Pasal 22; PMK 34/2017; PMK 59/2022";
pub const BASIS_PPH23: &str = "UU PPh Pasal 23; PMK 141/2015";
pub const BASIS_PPH_FINAL: &str = "PP 55/2022; PMK 164/2023";

/// The taxes on one purchase.
///
/// When the seller is PKP the gross includes PPN and `dpp = gross × 10000 / (10000 + PPN rate)`;
/// otherwise `dpp = gross`. PPN is collected when the seller is PKP and the gross is above the
/// PPN threshold. The income tax the rules name for the kind (PPh 22 only when the DPP is above
/// its threshold, PPh 23 always) is taken from the DPP, at a higher rate without NPWP; a seller
/// with the UMKM certificate pays the final rate on the DPP instead, on the same purchases.
///
/// Rounding: the DPP and every tax amount are rounded down to whole Rupiah, each on its own
/// (`floor(base × rate / 10000)`); a surcharged rate is rounded down to whole basis points.
/// So DPP + PPN may fall short of the gross by a rupiah; that rupiah stays with the seller.
/// A gross of zero or less has no taxes.
pub fn compute(rules: &TaxRules, kind: TaxKind, seller: SellerTax, gross: i64) -> TaxBreakdown {
    if gross <= 0 {
        return TaxBreakdown {
            gross,
            dpp: gross,
            lines: Vec::new(),
            withheld: 0,
            net: gross,
            notes: Vec::new(),
        };
    }
    let dpp = if seller.pkp {
        mul_div(gross, 10_000, 10_000 + rules.ppn_rate_bp)
    } else {
        gross
    };
    let mut lines = Vec::new();
    let mut notes = Vec::new();

    if !seller.pkp {
        notes.push(
            "PPN tidak dipungut: penyedia bukan Pengusaha Kena Pajak (PKP), jadi harganya tidak \
             memuat PPN."
                .to_owned(),
        );
    } else if gross <= rules.ppn_threshold {
        notes.push(format!(
            "PPN tidak dipungut bendahara karena pembayaran tidak lebih dari {} (PMK 59/2022); \
             penyedia PKP menyetorkan PPN-nya sendiri.",
            format_rupiah(rules.ppn_threshold)
        ));
    }
    if seller.pkp && gross > rules.ppn_threshold && rules.ppn_rate_bp > 0 {
        lines.push(line(
            "ppn",
            format!("PPN {}", percent_label(rules.ppn_rate_bp)),
            dpp,
            rules.ppn_rate_bp,
            BASIS_PPN,
        ));
    }

    let income_tax = rules.income_tax(kind);
    let income_tax_due = match income_tax {
        IncomeTax::Pph22 => dpp > rules.pph22_threshold,
        IncomeTax::Pph23 => true,
        IncomeTax::NotWithheld => false,
    };
    match (income_tax, income_tax_due, seller.umkm_final) {
        (IncomeTax::NotWithheld, _, _) => notes.push(format!(
            "PPh tidak dipotong: pengaturan instansi menetapkan bendahara tidak memotong PPh atas \
             {}.",
            if kind == TaxKind::Goods {
                "pembelian barang"
            } else {
                "jasa"
            }
        )),
        (_, false, true) => notes.push(format!(
            "Tidak ada PPh yang dipotong: PPh Final UMKM pemegang Surat Keterangan PP 55/2022 \
             hanya dipotong bila transaksinya terkena PPh Pasal 22/23, dan pembelian barang \
             sampai {} tidak dipungut PPh Pasal 22 (PMK 59/2022).",
            format_rupiah(rules.pph22_threshold)
        )),
        (_, false, false) => notes.push(format!(
            "PPh Pasal 22 tidak dipungut karena nilai pembelian tanpa PPN tidak lebih dari {} \
             (PMK 59/2022).",
            format_rupiah(rules.pph22_threshold)
        )),
        (_, true, true) if rules.pph_final_rate_bp == 0 => notes.push(
            "Tidak ada PPh yang dipotong: penyedia memiliki Surat Keterangan PP 55/2022 dan tarif \
             PPh Final UMKM dalam pengaturan instansi 0%."
                .to_owned(),
        ),
        (_, true, true) => notes.push(format!(
            "{} tidak dipotong karena penyedia memiliki Surat Keterangan PP 55/2022; sebagai \
             gantinya dipotong PPh Final UMKM {} (PP 55/2022).",
            income_tax.label(),
            percent_label(rules.pph_final_rate_bp)
        )),
        (_, true, false) => {}
    }
    if income_tax_due {
        if seller.umkm_final {
            if rules.pph_final_rate_bp > 0 {
                lines.push(line(
                    "pph_final",
                    format!("PPh Final UMKM {}", percent_label(rules.pph_final_rate_bp)),
                    dpp,
                    rules.pph_final_rate_bp,
                    BASIS_PPH_FINAL,
                ));
            }
        } else {
            let (code, rate, surcharge, basis) = match income_tax {
                IncomeTax::Pph22 => (
                    "pph22",
                    rules.pph22_rate_bp,
                    rules.pph22_no_npwp_surcharge_pct,
                    BASIS_PPH22,
                ),
                _ => (
                    "pph23",
                    rules.pph23_rate_bp,
                    rules.pph23_no_npwp_surcharge_pct,
                    BASIS_PPH23,
                ),
            };
            let (rate, note) = if seller.has_npwp {
                (rate, "")
            } else {
                (mul_div(rate, 100 + surcharge, 100), " (tanpa NPWP)")
            };
            if rate > 0 {
                lines.push(line(
                    code,
                    format!("{} {}{note}", income_tax.label(), percent_label(rate)),
                    dpp,
                    rate,
                    basis,
                ));
            }
        }
    }

    let withheld = lines.iter().map(|l| l.amount).sum::<i64>();
    TaxBreakdown {
        gross,
        dpp,
        lines,
        withheld,
        net: gross - withheld,
        notes,
    }
}

fn line(
    code: &'static str,
    label: String,
    base: i64,
    rate_bp: i64,
    basis: &'static str,
) -> TaxLine {
    TaxLine {
        code,
        label,
        base,
        rate_bp,
        amount: mul_div(base, rate_bp, 10_000),
        basis,
    }
}

/// `floor(a × b / c)` for non-negative values, without overflow in the product.
fn mul_div(a: i64, b: i64, c: i64) -> i64 {
    let v = (a as i128) * (b as i128) / (c as i128);
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Basis points as an Indonesian percentage: 1100 → "11%", 150 → "1,5%", 125 → "1,25%".
pub fn percent_label(bp: i64) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        format!("{whole}%")
    } else if frac % 10 == 0 {
        format!("{whole},{}%", frac / 10)
    } else {
        format!("{whole},{frac:02}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seller(pkp: bool, has_npwp: bool, umkm_final: bool) -> SellerTax {
        SellerTax {
            pkp,
            has_npwp,
            umkm_final,
        }
    }

    /// (code, label, base, rate_bp, amount) of each line.
    fn summary(b: &TaxBreakdown) -> Vec<(&'static str, String, i64, i64, i64)> {
        b.lines
            .iter()
            .map(|l| (l.code, l.label.clone(), l.base, l.rate_bp, l.amount))
            .collect()
    }

    fn l(
        code: &'static str,
        label: &str,
        base: i64,
        rate: i64,
        amount: i64,
    ) -> (&'static str, String, i64, i64, i64) {
        (code, label.to_string(), base, rate, amount)
    }

    /// Gross 11.100.000: a PKP seller's DPP is 11.100.000 × 100/111 = 10.000.000 and its PPN
    /// 1.100.000; a non-PKP seller's DPP is the whole 11.100.000.
    const GROSS: i64 = 11_100_000;

    struct Case {
        kind: TaxKind,
        pkp: bool,
        npwp: bool,
        fin: bool,
        dpp: i64,
        lines: Vec<(&'static str, String, i64, i64, i64)>,
        withheld: i64,
        net: i64,
    }

    fn every_combination() -> Vec<Case> {
        use TaxKind::{Goods, Services};
        let ppn = || l("ppn", "PPN 11%", 10_000_000, 1100, 1_100_000);
        vec![
            // Goods, PKP
            Case {
                kind: Goods,
                pkp: true,
                npwp: true,
                fin: false,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l("pph22", "PPh Pasal 22 1,5%", 10_000_000, 150, 150_000),
                ],
                withheld: 1_250_000,
                net: 9_850_000,
            },
            Case {
                kind: Goods,
                pkp: true,
                npwp: true,
                fin: true,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l("pph_final", "PPh Final UMKM 0,5%", 10_000_000, 50, 50_000),
                ],
                withheld: 1_150_000,
                net: 9_950_000,
            },
            Case {
                kind: Goods,
                pkp: true,
                npwp: false,
                fin: false,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l(
                        "pph22",
                        "PPh Pasal 22 3% (tanpa NPWP)",
                        10_000_000,
                        300,
                        300_000,
                    ),
                ],
                withheld: 1_400_000,
                net: 9_700_000,
            },
            Case {
                kind: Goods,
                pkp: true,
                npwp: false,
                fin: true,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l("pph_final", "PPh Final UMKM 0,5%", 10_000_000, 50, 50_000),
                ],
                withheld: 1_150_000,
                net: 9_950_000,
            },
            // Goods, not PKP
            Case {
                kind: Goods,
                pkp: false,
                npwp: true,
                fin: false,
                dpp: 11_100_000,
                lines: vec![l("pph22", "PPh Pasal 22 1,5%", 11_100_000, 150, 166_500)],
                withheld: 166_500,
                net: 10_933_500,
            },
            Case {
                kind: Goods,
                pkp: false,
                npwp: true,
                fin: true,
                dpp: 11_100_000,
                lines: vec![l(
                    "pph_final",
                    "PPh Final UMKM 0,5%",
                    11_100_000,
                    50,
                    55_500,
                )],
                withheld: 55_500,
                net: 11_044_500,
            },
            Case {
                kind: Goods,
                pkp: false,
                npwp: false,
                fin: false,
                dpp: 11_100_000,
                lines: vec![l(
                    "pph22",
                    "PPh Pasal 22 3% (tanpa NPWP)",
                    11_100_000,
                    300,
                    333_000,
                )],
                withheld: 333_000,
                net: 10_767_000,
            },
            Case {
                kind: Goods,
                pkp: false,
                npwp: false,
                fin: true,
                dpp: 11_100_000,
                lines: vec![l(
                    "pph_final",
                    "PPh Final UMKM 0,5%",
                    11_100_000,
                    50,
                    55_500,
                )],
                withheld: 55_500,
                net: 11_044_500,
            },
            // Services, PKP
            Case {
                kind: Services,
                pkp: true,
                npwp: true,
                fin: false,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l("pph23", "PPh Pasal 23 2%", 10_000_000, 200, 200_000),
                ],
                withheld: 1_300_000,
                net: 9_800_000,
            },
            Case {
                kind: Services,
                pkp: true,
                npwp: true,
                fin: true,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l("pph_final", "PPh Final UMKM 0,5%", 10_000_000, 50, 50_000),
                ],
                withheld: 1_150_000,
                net: 9_950_000,
            },
            Case {
                kind: Services,
                pkp: true,
                npwp: false,
                fin: false,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l(
                        "pph23",
                        "PPh Pasal 23 4% (tanpa NPWP)",
                        10_000_000,
                        400,
                        400_000,
                    ),
                ],
                withheld: 1_500_000,
                net: 9_600_000,
            },
            Case {
                kind: Services,
                pkp: true,
                npwp: false,
                fin: true,
                dpp: 10_000_000,
                lines: vec![
                    ppn(),
                    l("pph_final", "PPh Final UMKM 0,5%", 10_000_000, 50, 50_000),
                ],
                withheld: 1_150_000,
                net: 9_950_000,
            },
            // Services, not PKP
            Case {
                kind: Services,
                pkp: false,
                npwp: true,
                fin: false,
                dpp: 11_100_000,
                lines: vec![l("pph23", "PPh Pasal 23 2%", 11_100_000, 200, 222_000)],
                withheld: 222_000,
                net: 10_878_000,
            },
            Case {
                kind: Services,
                pkp: false,
                npwp: true,
                fin: true,
                dpp: 11_100_000,
                lines: vec![l(
                    "pph_final",
                    "PPh Final UMKM 0,5%",
                    11_100_000,
                    50,
                    55_500,
                )],
                withheld: 55_500,
                net: 11_044_500,
            },
            Case {
                kind: Services,
                pkp: false,
                npwp: false,
                fin: false,
                dpp: 11_100_000,
                lines: vec![l(
                    "pph23",
                    "PPh Pasal 23 4% (tanpa NPWP)",
                    11_100_000,
                    400,
                    444_000,
                )],
                withheld: 444_000,
                net: 10_656_000,
            },
            Case {
                kind: Services,
                pkp: false,
                npwp: false,
                fin: true,
                dpp: 11_100_000,
                lines: vec![l(
                    "pph_final",
                    "PPh Final UMKM 0,5%",
                    11_100_000,
                    50,
                    55_500,
                )],
                withheld: 55_500,
                net: 11_044_500,
            },
        ]
    }

    #[test]
    fn every_tax_not_taken_says_why() {
        let rules = TaxRules::default();
        let notes = |kind, s, gross| compute(&rules, kind, s, gross).notes;
        // PPN under the threshold for a PKP seller, at the threshold and one rupiah above.
        let ppn = "PPN tidak dipungut bendahara karena pembayaran tidak lebih dari Rp2.000.000 \
                   (PMK 59/2022); penyedia PKP menyetorkan PPN-nya sendiri.";
        assert!(
            notes(TaxKind::Services, seller(true, true, false), 2_000_000)
                .contains(&ppn.to_owned())
        );
        assert!(
            !notes(TaxKind::Services, seller(true, true, false), 2_000_001)
                .contains(&ppn.to_owned())
        );
        // A non-PKP seller's price carries no PPN.
        assert!(
            notes(TaxKind::Services, seller(false, true, false), 5_000_000)[0]
                .starts_with("PPN tidak dipungut: penyedia bukan Pengusaha Kena Pajak")
        );
        // PP 55 holder, small goods: nothing withheld, and why.
        let small = compute(&rules, TaxKind::Goods, seller(false, true, true), 1_500_000);
        assert_eq!(small.withheld, 0);
        assert_eq!(
            small.notes[1],
            "Tidak ada PPh yang dipotong: PPh Final UMKM pemegang Surat Keterangan PP 55/2022 \
             hanya dipotong bila transaksinya terkena PPh Pasal 22/23, dan pembelian barang \
             sampai Rp2.000.000 tidak dipungut PPh Pasal 22 (PMK 59/2022)."
        );
        // PP 55 holder, services: the final rate instead of PPh 23, and why.
        let services = compute(
            &rules,
            TaxKind::Services,
            seller(false, true, true),
            3_000_000,
        );
        assert_eq!(services.withheld, 15_000);
        assert_eq!(
            services.notes[1],
            "PPh Pasal 23 tidak dipotong karena penyedia memiliki Surat Keterangan PP 55/2022; \
             sebagai gantinya dipotong PPh Final UMKM 0,5% (PP 55/2022)."
        );
        // Small goods without the certificate.
        assert_eq!(
            notes(TaxKind::Goods, seller(false, true, false), 2_000_000)[1],
            "PPh Pasal 22 tidak dipungut karena nilai pembelian tanpa PPN tidak lebih dari \
             Rp2.000.000 (PMK 59/2022)."
        );
        // Every tax taken: only the non-PKP note.
        assert_eq!(
            notes(TaxKind::Goods, seller(false, true, false), 2_000_001).len(),
            1
        );
        // A PKP seller above every threshold without the certificate: nothing to explain.
        assert!(notes(TaxKind::Goods, seller(true, true, false), 11_100_000).is_empty());
    }

    #[test]
    fn every_combination_above_thresholds() {
        let rules = TaxRules::default();
        let cases = every_combination();
        // 2 kinds × PKP × NPWP × certificate, each exactly once.
        assert_eq!(cases.len(), 16);
        let mut seen: Vec<(TaxKind, bool, bool, bool)> = cases
            .iter()
            .map(|c| (c.kind, c.pkp, c.npwp, c.fin))
            .collect();
        seen.sort_by_key(|s| (s.0.as_str(), s.1, s.2, s.3));
        seen.dedup();
        assert_eq!(seen.len(), 16);

        for c in cases {
            let what = format!("{:?} pkp={} npwp={} final={}", c.kind, c.pkp, c.npwp, c.fin);
            let b = compute(&rules, c.kind, seller(c.pkp, c.npwp, c.fin), GROSS);
            assert_eq!(b.gross, GROSS, "{what}");
            assert_eq!(b.dpp, c.dpp, "{what}");
            assert_eq!(summary(&b), c.lines, "{what}");
            assert_eq!(b.withheld, c.withheld, "{what}");
            assert_eq!(b.net, c.net, "{what}");
        }
    }

    #[test]
    fn legal_basis_on_every_line() {
        let rules = TaxRules::default();
        let b = compute(&rules, TaxKind::Goods, seller(true, true, false), GROSS);
        assert_eq!(b.lines[0].basis, BASIS_PPN);
        assert_eq!(b.lines[1].basis, BASIS_PPH22);
        let b = compute(&rules, TaxKind::Services, seller(false, true, false), GROSS);
        assert_eq!(b.lines[0].basis, BASIS_PPH23);
        let b = compute(&rules, TaxKind::Services, seller(false, true, true), GROSS);
        assert_eq!(b.lines[0].basis, BASIS_PPH_FINAL);
    }

    #[test]
    fn below_thresholds() {
        let rules = TaxRules::default();
        // 1.500.000 from a PKP: DPP = floor(1.500.000 × 10000/11100) = 1.351.351.
        // Goods: no PPN (gross ≤ 2.000.000, the seller pays it itself), no PPh 22.
        let b = compute(&rules, TaxKind::Goods, seller(true, true, false), 1_500_000);
        assert_eq!(b.dpp, 1_351_351);
        assert!(b.lines.is_empty());
        assert_eq!((b.withheld, b.net), (0, 1_500_000));
        // With the certificate: still nothing, since PPh 22 itself would not be collected.
        let b = compute(
            &rules,
            TaxKind::Goods,
            seller(false, false, true),
            1_500_000,
        );
        assert!(b.lines.is_empty());
        assert_eq!((b.dpp, b.withheld, b.net), (1_500_000, 0, 1_500_000));
        // Services: PPh 23 has no threshold; 2% of 1.351.351 = 27.027,02 → 27.027.
        let b = compute(
            &rules,
            TaxKind::Services,
            seller(true, true, false),
            1_500_000,
        );
        assert_eq!(
            summary(&b),
            vec![l("pph23", "PPh Pasal 23 2%", 1_351_351, 200, 27_027)]
        );
        assert_eq!((b.withheld, b.net), (27_027, 1_472_973));
        // Services with the certificate: 0,5% of 1.351.351 = 6.756,755 → 6.756.
        let b = compute(
            &rules,
            TaxKind::Services,
            seller(true, true, true),
            1_500_000,
        );
        assert_eq!(
            summary(&b),
            vec![l("pph_final", "PPh Final UMKM 0,5%", 1_351_351, 50, 6_756)]
        );
        assert_eq!(b.net, 1_493_244);
    }

    #[test]
    fn threshold_boundaries() {
        let rules = TaxRules::default();
        let goods = |pkp, gross| compute(&rules, TaxKind::Goods, seller(pkp, true, false), gross);
        // Non-PKP goods: exactly 2.000.000 is not above the PPh 22 threshold; one more is.
        assert!(goods(false, 2_000_000).lines.is_empty());
        // 1,5% of 2.000.001 = 30.000,015 → 30.000.
        assert_eq!(
            summary(&goods(false, 2_000_001)),
            vec![l("pph22", "PPh Pasal 22 1,5%", 2_000_001, 150, 30_000)]
        );
        // PKP goods: PPN from a gross above 2.000.000, PPh 22 only once the DPP is above it.
        assert!(goods(true, 2_000_000).lines.is_empty());
        // DPP = floor(2.000.001 × 10000/11100) = 1.801.802; PPN = floor(198.198,22) = 198.198.
        assert_eq!(
            summary(&goods(true, 2_000_001)),
            vec![l("ppn", "PPN 11%", 1_801_802, 1100, 198_198)]
        );
        // Gross 2.220.000 → DPP exactly 2.000.000: still no PPh 22.
        let b = goods(true, 2_220_000);
        assert_eq!(b.dpp, 2_000_000);
        assert_eq!(
            summary(&b),
            vec![l("ppn", "PPN 11%", 2_000_000, 1100, 220_000)]
        );
        // Gross 2.220.012 → DPP floor(2.000.010,8) = 2.000.010: PPh 22 = floor(30.000,15).
        let b = goods(true, 2_220_012);
        assert_eq!(b.dpp, 2_000_010);
        assert_eq!(
            summary(&b),
            vec![
                l("ppn", "PPN 11%", 2_000_010, 1100, 220_001),
                l("pph22", "PPh Pasal 22 1,5%", 2_000_010, 150, 30_000),
            ]
        );
        assert_eq!((b.withheld, b.net), (250_001, 1_970_011));
    }

    #[test]
    fn rounding_is_down_on_each_amount() {
        let rules = TaxRules::default();
        // 5.000.000 from a PKP, goods: DPP = floor(4.504.504,50) = 4.504.504;
        // PPN = floor(495.495,44) = 495.495; PPh 22 = floor(67.567,56) = 67.567.
        let b = compute(&rules, TaxKind::Goods, seller(true, true, false), 5_000_000);
        assert_eq!(b.dpp, 4_504_504);
        assert_eq!(
            summary(&b),
            vec![
                l("ppn", "PPN 11%", 4_504_504, 1100, 495_495),
                l("pph22", "PPh Pasal 22 1,5%", 4_504_504, 150, 67_567),
            ]
        );
        assert_eq!((b.withheld, b.net), (563_062, 4_436_938));
        // DPP + PPN falls a rupiah short of the gross here; it stays with the seller.
        assert_eq!(b.gross - b.dpp - b.lines[0].amount, 1);
    }

    #[test]
    fn zero_and_negative_gross_have_no_taxes() {
        let rules = TaxRules::default();
        for gross in [0, -5_000_000] {
            let b = compute(&rules, TaxKind::Services, seller(true, false, false), gross);
            assert!(b.lines.is_empty());
            assert_eq!((b.dpp, b.withheld, b.net), (gross, 0, gross));
        }
    }

    #[test]
    fn rules_are_data() {
        let s = seller(true, true, false);
        // PPN 12% on the whole value: 11.200.000 → DPP 10.000.000, PPN 1.200.000.
        let rules = TaxRules {
            ppn_rate_bp: 1200,
            ..TaxRules::default()
        };
        let b = compute(&rules, TaxKind::Goods, s, 11_200_000);
        assert_eq!(b.dpp, 10_000_000);
        assert_eq!(b.lines[0].label, "PPN 12%");
        assert_eq!(b.lines[0].amount, 1_200_000);
        assert_eq!(b.withheld, 1_350_000);

        // A higher PPN threshold: the treasurer no longer collects PPN on 11.100.000.
        let rules = TaxRules {
            ppn_threshold: 20_000_000,
            ..TaxRules::default()
        };
        let b = compute(&rules, TaxKind::Goods, s, GROSS);
        assert_eq!(
            summary(&b),
            vec![l("pph22", "PPh Pasal 22 1,5%", 10_000_000, 150, 150_000)]
        );

        // PPh 22 threshold raised above the DPP: only PPN remains.
        let rules = TaxRules {
            pph22_threshold: 10_000_000,
            ..TaxRules::default()
        };
        let b = compute(&rules, TaxKind::Goods, s, GROSS);
        assert_eq!(
            summary(&b),
            vec![l("ppn", "PPN 11%", 10_000_000, 1100, 1_100_000)]
        );

        // Rates and surcharges.
        let rules = TaxRules {
            pph23_rate_bp: 250,
            pph23_no_npwp_surcharge_pct: 50,
            pph22_rate_bp: 125,
            pph_final_rate_bp: 30,
            ..TaxRules::default()
        };
        let b = compute(
            &rules,
            TaxKind::Services,
            seller(false, false, false),
            1_000_000,
        );
        // 2,5% × 150% = 3,75% of 1.000.000.
        assert_eq!(
            summary(&b),
            vec![l(
                "pph23",
                "PPh Pasal 23 3,75% (tanpa NPWP)",
                1_000_000,
                375,
                37_500
            )]
        );
        let b = compute(
            &rules,
            TaxKind::Goods,
            seller(false, true, false),
            4_000_000,
        );
        assert_eq!(
            summary(&b),
            vec![l("pph22", "PPh Pasal 22 1,25%", 4_000_000, 125, 50_000)]
        );
        let b = compute(&rules, TaxKind::Goods, seller(false, true, true), 4_000_000);
        assert_eq!(
            summary(&b),
            vec![l("pph_final", "PPh Final UMKM 0,3%", 4_000_000, 30, 12_000)]
        );

        // Which tax applies to which kind is a setting too.
        let rules = TaxRules {
            services_income_tax: IncomeTax::NotWithheld,
            goods_income_tax: IncomeTax::Pph23,
            ..TaxRules::default()
        };
        let b = compute(&rules, TaxKind::Services, seller(false, true, false), GROSS);
        assert!(b.lines.is_empty());
        let b = compute(
            &rules,
            TaxKind::Goods,
            seller(false, true, false),
            1_000_000,
        );
        assert_eq!(
            summary(&b),
            vec![l("pph23", "PPh Pasal 23 2%", 1_000_000, 200, 20_000)]
        );
        // A zero rate prints no line.
        let rules = TaxRules {
            ppn_rate_bp: 0,
            pph22_rate_bp: 0,
            ..TaxRules::default()
        };
        let b = compute(&rules, TaxKind::Goods, s, GROSS);
        assert_eq!(b.dpp, GROSS);
        assert!(b.lines.is_empty());
    }

    #[test]
    fn defaults_and_pairs_round_trip() {
        let d = TaxRules::default();
        assert_eq!(d.ppn_rate_bp, 1100);
        assert_eq!(d.ppn_threshold, 2_000_000);
        assert_eq!(d.pph22_rate_bp, 150);
        assert_eq!(d.pph22_threshold, 2_000_000);
        assert_eq!(d.pph23_rate_bp, 200);
        assert_eq!(d.pph_final_rate_bp, 50);

        let keys: Vec<&str> = TaxRules::FIELDS.iter().map(|f| f.key).collect();
        let pair_keys: Vec<&str> = d.to_pairs().iter().map(|p| p.0).collect();
        assert_eq!(keys, pair_keys);
        for f in TaxRules::FIELDS {
            assert!(f.key.starts_with("tax."), "{}", f.key);
            assert!(!f.label.is_empty() && !f.help.is_empty(), "{}", f.key);
        }

        let custom = TaxRules {
            ppn_rate_bp: 1200,
            ppn_threshold: 5_000_000,
            pph22_rate_bp: 100,
            pph22_threshold: 1_000_000,
            pph22_no_npwp_surcharge_pct: 50,
            pph23_rate_bp: 300,
            pph23_no_npwp_surcharge_pct: 0,
            pph_final_rate_bp: 0,
            goods_income_tax: IncomeTax::NotWithheld,
            services_income_tax: IncomeTax::Pph22,
        };
        let pairs: BTreeMap<String, String> = custom
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(TaxRules::from_pairs(&pairs), Ok(custom));
        assert_eq!(TaxRules::from_pairs(&BTreeMap::new()), Ok(d));
    }

    #[test]
    fn from_pairs_accepts_written_amounts_and_ignores_other_keys() {
        let pairs: BTreeMap<String, String> = [
            ("tax.ppn_threshold", " Rp 2.500.000 "),
            ("tax.pph23_rate_bp", "250"),
            ("docs.receipt_max", "not mine"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let r = TaxRules::from_pairs(&pairs).unwrap();
        assert_eq!(r.ppn_threshold, 2_500_000);
        assert_eq!(r.pph23_rate_bp, 250);
        assert_eq!(r.pph22_rate_bp, 150);
    }

    #[test]
    fn from_pairs_errors() {
        let pairs: BTreeMap<String, String> = [
            ("tax.ppn_rate_bp", "11%"),
            ("tax.pph22_rate_bp", "10001"),
            ("tax.pph23_rate_bp", "-5"),
            ("tax.ppn_threshold", "2.000.000,50"),
            ("tax.pph22_threshold", ""),
            ("tax.pph22_no_npwp_surcharge_pct", "1001"),
            ("tax.goods_income_tax", "PPh22"),
            ("tax.pph_final_rate_bp", "50"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let errors = TaxRules::from_pairs(&pairs).unwrap_err();
        let want: Vec<(String, String)> = [
            ("tax.ppn_rate_bp", MSG_RATE),
            (
                "tax.ppn_threshold",
                "Tulis jumlah dalam rupiah utuh tanpa sen, misalnya 1.250.000.",
            ),
            ("tax.pph22_rate_bp", MSG_RATE),
            ("tax.pph22_threshold", "Jumlah wajib diisi."),
            ("tax.pph22_no_npwp_surcharge_pct", MSG_SURCHARGE),
            ("tax.pph23_rate_bp", MSG_RATE),
            ("tax.goods_income_tax", MSG_INCOME_TAX),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(errors, want);
        assert_eq!(
            MSG_RATE,
            "Isi tarif dalam basis poin: bilangan bulat 0 sampai 10000 (1100 = 11%)."
        );
        assert_eq!(MSG_INCOME_TAX, "Pilih salah satu: pph22, pph23, atau none.");
    }

    #[test]
    fn kinds_and_labels() {
        assert_eq!(TaxKind::parse("goods"), Some(TaxKind::Goods));
        assert_eq!(TaxKind::parse("services"), Some(TaxKind::Services));
        assert_eq!(TaxKind::parse("Barang"), None);
        for k in TaxKind::ALL {
            assert_eq!(TaxKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(TaxKind::Goods.label(), "Barang");
        assert_eq!(TaxKind::Services.label(), "Jasa");
        for t in IncomeTax::ALL {
            assert_eq!(IncomeTax::parse(t.as_str()), Some(t));
        }
        assert_eq!(percent_label(1100), "11%");
        assert_eq!(percent_label(150), "1,5%");
        assert_eq!(percent_label(50), "0,5%");
        assert_eq!(percent_label(375), "3,75%");
        assert_eq!(percent_label(5), "0,05%");
        assert_eq!(percent_label(0), "0%");
    }
}

#[cfg(test)]
mod percent_tests {
    use super::*;

    #[test]
    fn rates_are_typed_and_shown_in_percent() {
        for (bp, shown) in [
            ("1100", "11"),
            ("150", "1,5"),
            ("50", "0,5"),
            ("0", "0"),
            ("1234", "12,34"),
        ] {
            assert_eq!(rate_in_form("tax.ppn_rate_bp", bp), shown);
            assert_eq!(rate_from_form("tax.ppn_rate_bp", shown).as_deref(), Ok(bp));
        }
        assert_eq!(
            rate_from_form("tax.pph22_rate_bp", "1.5 %").as_deref(),
            Ok("150")
        );
        for bad in ["sebelas", "101", "1,555", "", "-1"] {
            assert!(rate_from_form("tax.pph22_rate_bp", bad).is_err(), "{bad}");
        }
        assert_eq!(rate_in_form("tax.ppn_threshold", "2000000"), "2000000");
        assert_eq!(
            rate_from_form("docs.late_payment_days", "21").as_deref(),
            Ok("21")
        );
    }
}
