//! Office records, with the object-level rule: office users open only their own office.

use axum::extract::{Path, State};
use axum::response::Html;

use super::{AppState, Ctx, WebError, render};
use crate::db::{directory, stats};
use crate::domain::policy;
use crate::views::OfficePage;

pub async fn office(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let user = ctx.user()?;
    if !policy::may_view_office(&user.actor(), id) {
        return Err(WebError::Forbidden);
    }
    let office = directory::office(&state.db, id).await?;
    let (users, nearby_businesses) = stats::office_numbers(&state.db, id).await?;
    render(&OfficePage {
        layout: ctx.layout(office.name.clone()),
        office,
        users,
        nearby_businesses,
    })
}
