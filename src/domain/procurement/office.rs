//! A government office (OPD): its record and the officers who sign its procurement letters.

/// An office as the agency keeps it. NIPs are stored as digits.
#[derive(Debug, Clone, Default)]
pub struct Office {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
    pub head_name: String,
    pub head_nip: String,
    pub ppk_name: String,
    pub ppk_nip: String,
    pub treasurer_name: String,
    pub treasurer_nip: String,
}
