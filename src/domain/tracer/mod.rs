//! The tracer study: the questionnaire as versioned data, answers parsed against the version
//! they were given under, the one place the indicators are decided (`classify`), the settings
//! (waves, the link's window, reminders, the UMK per year) and the prefill from platform
//! evidence. Pure rules; `app::tracer` runs them.

pub mod answers;
pub mod prefill;
pub mod questionnaire;
pub mod settings;

use crate::domain::rupiah::format_rupiah;

/// The answer to the standard `status` question. The keys are the migration's CHECK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    FullTime,
    PartTime,
    SelfEmployed,
    EmployedAndSelfEmployed,
    Studying,
    Looking,
    NotLooking,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::FullTime,
        Status::PartTime,
        Status::SelfEmployed,
        Status::EmployedAndSelfEmployed,
        Status::Studying,
        Status::Looking,
        Status::NotLooking,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::FullTime => "penuh_waktu",
            Status::PartTime => "paruh_waktu",
            Status::SelfEmployed => "wirausaha",
            Status::EmployedAndSelfEmployed => "bekerja_wirausaha",
            Status::Studying => "studi",
            Status::Looking => "mencari",
            Status::NotLooking => "tidak_mencari",
        }
    }

    /// The default wording of the option (the agency may reword it).
    pub fn label(self) -> &'static str {
        match self {
            Status::FullTime => "Bekerja penuh waktu",
            Status::PartTime => "Bekerja paruh waktu",
            Status::SelfEmployed => "Berwirausaha / membuka usaha sendiri",
            Status::EmployedAndSelfEmployed => "Bekerja dan juga berwirausaha",
            Status::Studying => "Melanjutkan pelatihan atau sekolah",
            Status::Looking => "Belum bekerja, sedang mencari kerja",
            Status::NotLooking => "Belum bekerja, tidak sedang mencari kerja",
        }
    }

    pub fn parse(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == key)
    }

    /// Employed, self-employed, or both: the statuses the related and income questions ask about.
    pub fn working(self) -> bool {
        matches!(
            self,
            Status::FullTime
                | Status::PartTime
                | Status::SelfEmployed
                | Status::EmployedAndSelfEmployed
        )
    }
}

/// Monthly income against the year's UMK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    /// Below 50% of the UMK.
    BelowHalf,
    /// 50% up to below 100%.
    Half,
    /// 100% up to below 150%.
    Umk,
    /// 150% and above.
    Above,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::BelowHalf, Band::Half, Band::Umk, Band::Above];

    pub fn as_str(self) -> &'static str {
        match self {
            Band::BelowHalf => "kurang_setengah",
            Band::Half => "setengah_umk",
            Band::Umk => "umk",
            Band::Above => "di_atas",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::BelowHalf => "Kurang dari setengah UMK",
            Band::Half => "Setengah UMK sampai di bawah UMK",
            Band::Umk => "Setara UMK sampai di bawah 1½ UMK",
            Band::Above => "1½ UMK atau lebih",
        }
    }

    pub fn parse(key: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.as_str() == key)
    }

    /// At or above 100% of the UMK.
    pub fn at_least_umk(self) -> bool {
        matches!(self, Band::Umk | Band::Above)
    }

    /// The band of a monthly income (whole Rupiah) against a UMK.
    pub fn of(income: i64, umk: i64) -> Band {
        let (twice, umk) = (income.saturating_mul(2), umk.max(1));
        if twice < umk {
            Band::BelowHalf
        } else if income < umk {
            Band::Half
        } else if twice < umk.saturating_mul(3) {
            Band::Umk
        } else {
            Band::Above
        }
    }

    /// The band's Rupiah range for a UMK, as shown beside the option.
    pub fn range(self, umk: i64) -> String {
        let half = (umk + 1) / 2;
        let one_half = (umk.saturating_mul(3) + 1) / 2;
        match self {
            Band::BelowHalf => format!("di bawah {}", format_rupiah(half)),
            Band::Half => format!("{} – {}", format_rupiah(half), format_rupiah(umk - 1)),
            Band::Umk => format!("{} – {}", format_rupiah(umk), format_rupiah(one_half - 1)),
            Band::Above => format!("{} atau lebih", format_rupiah(one_half)),
        }
    }
}

/// The indicators of one answer: `(works_in_trade, earns_umk)`. Works in the trade: employed,
/// self-employed or both, in work that relates to the trade (the national standard
/// indicator). Earns the UMK: working, with income at or above 100% of the year's UMK. This is
/// the only place they are decided; the stored flags carry the result.
pub fn classify(status: Status, related: Option<bool>, income: Option<Band>) -> (bool, bool) {
    let working = status.working();
    (
        working && related == Some(true),
        working && income.is_some_and(Band::at_least_umk),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_at_each_status() {
        for status in Status::ALL {
            let (in_trade, umk) = classify(status, Some(true), Some(Band::Umk));
            assert_eq!(in_trade, status.working(), "{status:?}");
            assert_eq!(umk, status.working(), "{status:?}");
            assert_eq!(
                classify(status, Some(false), Some(Band::Half)),
                (false, false),
                "{status:?}"
            );
            assert_eq!(classify(status, None, None), (false, false), "{status:?}");
        }
        assert_eq!(
            classify(Status::SelfEmployed, Some(false), Some(Band::Above)),
            (false, true)
        );
        assert_eq!(
            classify(Status::PartTime, Some(true), Some(Band::BelowHalf)),
            (true, false)
        );
        assert_eq!(
            classify(Status::Looking, Some(true), Some(Band::Above)),
            (false, false)
        );
        assert_eq!(
            classify(Status::Studying, Some(true), Some(Band::Umk)),
            (false, false)
        );
    }

    #[test]
    fn bands_meet_at_their_edges() {
        let umk = 3_486_521;
        assert_eq!(Band::of(1_743_260, umk), Band::BelowHalf);
        assert_eq!(Band::of(1_743_261, umk), Band::Half);
        assert_eq!(Band::of(umk - 1, umk), Band::Half);
        assert_eq!(Band::of(umk, umk), Band::Umk);
        assert_eq!(Band::of(5_229_781, umk), Band::Umk);
        assert_eq!(Band::of(5_229_782, umk), Band::Above);
        assert_eq!(Band::BelowHalf.range(umk), "di bawah Rp1.743.261");
        assert_eq!(Band::Umk.range(umk), "Rp3.486.521 – Rp5.229.781");
        assert_eq!(Band::Above.range(umk), "Rp5.229.782 atau lebih");
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
