//! Pure parsing for the alumni importer: the cells a spreadsheet reader produces, finding the
//! header row, reading each field's value, and matching typed region names. No I/O here; the
//! reader lives in `crate::import`, the database work in `crate::db`.
//!
//! Messages are Indonesian, for the admin's preview and the import report.

pub mod cell;
pub mod header;
pub mod plan;
pub mod region_match;
pub mod values;

pub use cell::Cell;
pub use header::{Field, HeaderGuess, detect_header};
pub use region_match::{RegionMatch, RegionMatcher, match_region};
pub use values::{Competency, NikOutcome, Placement, TrainingResult};
