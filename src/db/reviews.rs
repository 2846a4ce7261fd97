//! Reviews of completed orders, for the order page and the storefront. Reviews are written by
//! `db::orders::insert_review` (in the use case `app::orders::change`, the `Review` transition)
//! and replied to by `db::orders::save_reply` (in `app::orders::reply_to_review`).

use sqlx::Row;

use super::{Db, DbResult};

#[derive(Debug, Clone)]
pub struct Review {
    pub id: i64,
    pub order_id: i64,
    pub business_id: i64,
    pub rating: i64,
    pub body: String,
    /// The buyer's name as given on the order.
    pub reviewer: String,
    pub created_at: i64,
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
}

const COLUMNS: &str =
    "id, order_id, business_id, rating, body, reviewer, created_at, reply, replied_at";

fn from_row(r: &sqlx::any::AnyRow) -> DbResult<Review> {
    Ok(Review {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        business_id: r.try_get("business_id")?,
        rating: r.try_get("rating")?,
        body: r.try_get("body")?,
        reviewer: r.try_get("reviewer")?,
        created_at: r.try_get("created_at")?,
        reply: r.try_get("reply")?,
        replied_at: r.try_get("replied_at")?,
    })
}

/// The review of one order, if written.
pub async fn for_order(db: &Db, order_id: i64) -> DbResult<Option<Review>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM reviews WHERE order_id = $1"
    )))
    .bind(order_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// A business's reviews, newest first.
pub async fn for_business(db: &Db, business_id: i64, limit: i64) -> DbResult<Vec<Review>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM reviews WHERE business_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    )))
    .bind(business_id)
    .bind(limit.clamp(1, 500))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Average rating (None without reviews) and the number of reviews of a business.
pub async fn summary(db: &Db, business_id: i64) -> DbResult<(Option<f64>, i64)> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(rating), 0) AS BIGINT) AS total, COUNT(*) AS n \
         FROM reviews WHERE business_id = $1",
    )
    .bind(business_id)
    .fetch_one(db.pool())
    .await?;
    let total: i64 = row.try_get("total")?;
    let n: i64 = row.try_get("n")?;
    Ok((
        if n > 0 {
            Some(total as f64 / n as f64)
        } else {
            None
        },
        n,
    ))
}

/// A review a signed-in buyer wrote, with the business and the order's first item.
#[derive(Debug, Clone)]
pub struct Written {
    pub review: Review,
    pub business_name: String,
    pub first_item: String,
}

/// The reviews of a signed-in buyer's orders, newest first.
pub async fn by_buyer(db: &Db, user_id: i64) -> DbResult<Vec<Written>> {
    let rows = sqlx::query(
        "SELECT v.id, v.order_id, v.business_id, v.rating, v.body, v.reviewer, v.created_at, \
         v.reply, v.replied_at, b.name AS business_name, \
         COALESCE((SELECT i.title FROM order_items i WHERE i.order_id = v.order_id \
           ORDER BY i.id LIMIT 1), '') AS first_item \
         FROM reviews v JOIN orders o ON o.id = v.order_id \
         JOIN businesses b ON b.id = v.business_id \
         WHERE o.buyer_user_id = $1 ORDER BY v.created_at DESC, v.id DESC LIMIT 500",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Written {
                review: from_row(r)?,
                business_name: r.try_get("business_name")?,
                first_item: r.try_get("first_item")?,
            })
        })
        .collect()
}
