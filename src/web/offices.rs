//! Office records, with the object-level rule: office users open only their own office. The
//! page shows the office's fiscal-year summary (the numbers of the agency head's view).

use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::{AppState, Ctx, WebError, gov_admin, render};
use crate::db::{directory, stats};
use crate::domain::nip;
use crate::domain::policy::{self, Role};
use crate::views::gov_admin::{Fact, OfficeHomePage};

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    tahun: String,
}

pub async fn office(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, WebError> {
    let user = ctx.user()?;
    if !policy::may_view_office(&user.actor(), id) {
        return Err(WebError::Forbidden);
    }
    let office = directory::office(&state.db, id).await?;
    let (users, nearby_businesses) = stats::office_numbers(&state.db, id).await?;
    let year = gov_admin::year_of(&q.tahun);
    let (stats, late, late_days) = gov_admin::office_year(&state, id, year).await?;
    let with_data = directory::office_years(&state.db, id).await?;
    let officer = |name: &str, nip_digits: &str| {
        if nip_digits.is_empty() {
            name.to_owned()
        } else {
            format!("{name} (NIP {})", nip::grouped(nip_digits))
        }
    };
    let officers = vec![
        Fact {
            label: "Kepala".into(),
            value: officer(&office.head_name, &office.head_nip),
        },
        Fact {
            label: "Pejabat pengadaan".into(),
            value: officer(&office.ppk_name, &office.ppk_nip),
        },
        Fact {
            label: "Bendahara".into(),
            value: officer(&office.treasurer_name, &office.treasurer_nip),
        },
    ];
    render(&OfficeHomePage {
        layout: ctx.layout(office.name.clone()),
        is_admin: user.role == Role::Admin,
        office,
        officers,
        users,
        nearby_businesses,
        year,
        years: gov_admin::year_choices(year, &with_data),
        stats,
        late_days,
        late,
    })
}
