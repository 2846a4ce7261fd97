//! Kemendagri administrative regions.

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

#[cfg(test)]
mod tests {
    use super::*;

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
