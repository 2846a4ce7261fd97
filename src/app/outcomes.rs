//! What the training achieves, for the agency and its head: one `Outcomes` built from a filter,
//! which the dashboard, the PDF report and the XLSX workbook all render (so they give the same
//! figures); the people or records behind each number; the training feedback.

use std::collections::BTreeMap;

use crate::app::{AppError, AppResult};
use crate::config::Instance;
use crate::db::Db;
use crate::db::outcomes::{self as store, Behind, Complaint};
use crate::db::{gov_settings, gov_stats};
use crate::domain::dates::today_wib;
use crate::domain::outcomes::{Dimension, Filter, Group, Measure, OfficeSpending, Outcomes, Wave};
use crate::{export, pdf, views};

/// The figures for `filter`, with a breakdown by each of `dimensions`. Office spending is the
/// district's (every office) for the filter's year, or the current year when none is chosen.
pub async fn build(db: &Db, filter: &Filter, dimensions: &[Dimension]) -> AppResult<Outcomes> {
    let configured = store::configured_waves(db).await?;
    // Everyone, per year (the trend), then the breakdowns asked for: one query for the counts
    // and one for the tracer, whatever the number of breakdowns.
    let mut asked: Vec<Option<Dimension>> = vec![None, Some(Dimension::Year)];
    asked.extend(dimensions.iter().map(|d| Some(*d)));
    let counted = store::groups(db, filter, &asked).await?;
    let traced = store::waves(db, filter, &asked).await?;
    let mut lists: Vec<Vec<Group>> = counted
        .into_iter()
        .zip(&traced)
        .map(|(mut groups, waves)| {
            for g in &mut groups {
                g.waves = with_waves(&configured, waves, &g.key);
            }
            groups
        })
        .collect();
    let totals = lists
        .first()
        .and_then(|l| l.first())
        .map(|g| g.counts.clone())
        .unwrap_or_default();
    let waves = with_waves(
        &configured,
        traced.first().map(Vec::as_slice).unwrap_or(&[]),
        "semua",
    );
    let breakdowns: Vec<(Dimension, Vec<Group>)> = dimensions
        .iter()
        .copied()
        .zip(lists.drain(2.min(lists.len())..))
        .collect();
    let by_year = lists.pop().unwrap_or_default();
    let obstacles = store::obstacles(db, filter).await?;

    let fiscal_year = filter.year.unwrap_or_else(|| i64::from(today_wib().year()));
    let late_days = gov_settings::current(db).await?.documents.late_payment_days;
    let report = gov_stats::year_report(db, fiscal_year, None, late_days, today_wib()).await?;
    let office = OfficeSpending {
        fiscal_year,
        budget: report.offices.iter().map(|o| o.budget).sum(),
        contracted: report.offices.iter().map(|o| o.contracted).sum(),
        paid: report.offices.iter().map(|o| o.paid).sum(),
    };
    Ok(Outcomes {
        filter: filter.clone(),
        totals,
        waves,
        obstacles,
        office,
        by_year,
        breakdowns,
    })
}

/// Every configured wave (zeros where nobody was invited) plus any other wave with rows, for
/// the group `key`.
fn with_waves(configured: &[i64], rows: &[(String, Wave)], key: &str) -> Vec<Wave> {
    let mut by_wave: BTreeMap<i64, Wave> = configured
        .iter()
        .map(|&w| {
            (
                w,
                Wave {
                    wave: w,
                    ..Wave::default()
                },
            )
        })
        .collect();
    for (k, w) in rows {
        if k == key {
            by_wave.insert(w.wave, w.clone());
        }
    }
    by_wave.into_values().collect()
}

/// The report's figures for a year: the cohort of batches that ended in `year`, broken down
/// by every dimension.
pub async fn for_year(db: &Db, year: i64) -> AppResult<Outcomes> {
    let filter = Filter {
        year: Some(year),
        ..Filter::default()
    };
    build(db, &filter, &Dimension::ALL).await
}

/// The people or records behind one number, and how many there are in all.
pub async fn people(db: &Db, filter: &Filter, measure: &Measure) -> AppResult<(i64, Vec<Behind>)> {
    Ok(store::behind(db, filter, measure).await?)
}

/// Complaints about alumni's work, grouped under the training of their business's trade.
pub async fn feedback(db: &Db, filter: &Filter) -> AppResult<Vec<Complaint>> {
    Ok(store::complaints(db, filter).await?)
}

/// "Laporan Pemberdayaan Alumni BLK" for `year` as PDF bytes.
pub async fn report_pdf(db: &Db, instance: &Instance, year: i64) -> AppResult<Vec<u8>> {
    let outcomes = for_year(db, year).await?;
    let letterhead = super::procurement::agency_letterhead(instance);
    let report = views::outcomes::report(&outcomes, letterhead, &instance.district_name);
    pdf::render_report(&report).map_err(|e| AppError::Internal(e.to_string()))
}

/// The same report as an XLSX workbook, one sheet per table.
pub async fn report_xlsx(db: &Db, year: i64) -> AppResult<Vec<u8>> {
    let outcomes = for_year(db, year).await?;
    let sheets: Vec<export::Table> = views::outcomes::tables(&outcomes)
        .into_iter()
        .map(|t| t.to_export())
        .collect();
    export::to_workbook(&sheets).map_err(|e| AppError::Internal(e.to_string()))
}
