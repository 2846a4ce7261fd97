//! Kemendagri administrative regions.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The national region list, as shipped in `data/wilayah.csv` (`kode,nama,tingkat`).
pub const WILAYAH_CSV: &str = include_str!("../../data/wilayah.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLevel {
    Provinsi,
    Kabupaten,
    Kota,
    Kecamatan,
    Desa,
    Kelurahan,
}

impl RegionLevel {
    pub fn parse(s: &str) -> Option<RegionLevel> {
        Some(match s {
            "provinsi" => RegionLevel::Provinsi,
            "kabupaten" => RegionLevel::Kabupaten,
            "kota" => RegionLevel::Kota,
            "kecamatan" => RegionLevel::Kecamatan,
            "desa" => RegionLevel::Desa,
            "kelurahan" => RegionLevel::Kelurahan,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Provinsi => "provinsi",
            RegionLevel::Kabupaten => "kabupaten",
            RegionLevel::Kota => "kota",
            RegionLevel::Kecamatan => "kecamatan",
            RegionLevel::Desa => "desa",
            RegionLevel::Kelurahan => "kelurahan",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
}

impl Region {
    /// One line of `wilayah.csv`: `kode,nama,tingkat`; names may be quoted.
    pub fn parse_csv_line(line: &str) -> Option<Region> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = reader.records().next()?.ok()?;
        Some(Region {
            code: record.get(0)?.to_owned(),
            name: record.get(1)?.to_owned(),
            level: RegionLevel::parse(record.get(2)?)?,
        })
    }

    /// The parent's code: the code without its last segment.
    pub fn parent_code(&self) -> Option<&str> {
        self.code.rfind('.').map(|i| &self.code[..i])
    }
}

/// Whether a region code exists, e.g. to check the first six digits of a NIK. Codes are dotted:
/// `15` (province), `15.07` (kabupaten/kota), `15.07.01` (kecamatan).
pub trait RegionLookup {
    fn exists(&self, code: &str) -> bool;
}

/// The codes of every province, kabupaten/kota and kecamatan in the embedded national list
/// (desa and kelurahan are left out: a NIK never names them). Parsed once, on first use.
pub fn national_codes() -> &'static HashSet<&'static str> {
    static CODES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    CODES.get_or_init(|| {
        WILAYAH_CSV
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').next())
            .map(str::trim)
            .filter(|code| !code.is_empty() && code.matches('.').count() <= 2)
            .collect()
    })
}

/// The direct children of a region in the embedded national list: the kecamatan of `15.07`,
/// the desa and kelurahan of `15.07.01`. Scans the list; cache the result when calling often.
pub fn embedded_children(parent: &str) -> Vec<Region> {
    let prefix = format!("{parent}.");
    WILAYAH_CSV
        .lines()
        .skip(1)
        .filter(|line| {
            line.strip_prefix(&prefix)
                .and_then(|rest| rest.split(',').next())
                .is_some_and(|tail| !tail.is_empty() && !tail.contains('.'))
        })
        .filter_map(Region::parse_csv_line)
        .collect()
}

/// The embedded national list of provinces, kabupaten/kota and kecamatan.
#[derive(Debug, Clone, Copy, Default)]
pub struct NationalRegions;

impl RegionLookup for NationalRegions {
    fn exists(&self, code: &str) -> bool {
        national_codes().contains(code)
    }
}

impl RegionLookup for HashSet<String> {
    fn exists(&self, code: &str) -> bool {
        self.contains(code)
    }
}

impl RegionLookup for HashSet<&str> {
    fn exists(&self, code: &str) -> bool {
        self.contains(code)
    }
}

impl RegionLookup for Vec<Region> {
    fn exists(&self, code: &str) -> bool {
        self.iter().any(|r| r.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes_hold_province_kabupaten_and_kecamatan_only() {
        let n = NationalRegions;
        for code in ["15", "15.07", "15.07.01", "15.07.11", "15.71", "11.01.01"] {
            assert!(n.exists(code), "{code}");
        }
        for code in ["15.07.12", "15.07.01.2001", "99", "15.99", "", "kode"] {
            assert!(!n.exists(code), "{code}");
        }
        // 38 provinces, 416 kabupaten, 98 kota, 7285 kecamatan in the shipped list.
        assert_eq!(national_codes().len(), 38 + 416 + 98 + 7285);
    }

    #[test]
    fn children_from_the_embedded_list() {
        let kecamatan = embedded_children("15.07");
        assert_eq!(kecamatan.len(), 11);
        assert_eq!(kecamatan[0].name, "Muara Sabak Timur");
        assert_eq!(kecamatan[10].code, "15.07.11");
        assert!(kecamatan.iter().all(|r| r.level == RegionLevel::Kecamatan));
        let desa = embedded_children("15.07.02");
        assert_eq!(desa.len(), 10);
        assert_eq!(desa[0].name, "Nipah Panjang I");
        assert_eq!(desa[0].level, RegionLevel::Kelurahan);
        assert!(embedded_children("15.07.99").is_empty());
    }

    #[test]
    fn other_lookups() {
        let set: HashSet<String> = ["15".to_owned()].into();
        assert!(set.exists("15") && !set.exists("16"));
        let regions = vec![Region::parse_csv_line("15.07,Tanjabtim,kabupaten").unwrap()];
        assert!(regions.exists("15.07") && !regions.exists("15"));
    }

    #[test]
    fn parses_and_finds_parent() {
        let r = Region::parse_csv_line("15.07.10.2007,Desa Contoh,desa").unwrap();
        assert_eq!(r.parent_code(), Some("15.07.10"));
        assert_eq!(r.level, RegionLevel::Desa);
        let p = Region::parse_csv_line("15,Jambi,provinsi").unwrap();
        assert_eq!(p.parent_code(), None);
        assert!(Region::parse_csv_line("x,y,planet").is_none());
    }
}
