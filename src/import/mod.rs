//! Reading the agency's spreadsheets and writing the import report.
//!
//! This layer knows about file formats only: it turns the bytes of an uploaded `.xlsx`, `.xls`,
//! `.ods` or CSV file into sheets of rows of [`Cell`]s ([`read::read_workbook`]) and turns
//! annotated rows back into an `.xlsx` report ([`report::write_report`]). Which row is the header
//! and what a cell means is decided later by the field parsers in `crate::domain::import`.
//!
//! Both functions are synchronous and CPU-bound: call them from `spawn_blocking` in a handler.

mod guard;
pub mod plan;
pub mod read;
pub mod report;
mod sniff;
mod text;

#[cfg(test)]
mod hostile;
#[cfg(test)]
mod measure;
#[cfg(test)]
mod mutate;
#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests;

pub use crate::domain::import::cell::Cell;
pub use read::{Format, MAX_BYTES, MAX_CELLS, ReadError, Row, Sheet, Workbook, read_workbook};
pub use report::{
    NikShown, ReportError, ReportRow, ReportSheet, Reports, masked_copy, plan_report, plan_reports,
    write_report,
};
