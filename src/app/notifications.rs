//! Notifications' agency side: the outbox's "Kirim ulang".
//!
//! The use case opens its transaction, makes the row due through `db::notifications`, writes the
//! audit entry, and commits.

use super::AppResult;
use crate::db::{Db, audit, notifications as store};
use crate::domain::audit::Who;

/// "Kirim ulang": a failed or waiting outbox row becomes due now, audited with the status and
/// attempts it had. `false` when the row is being sent or already delivered.
pub async fn retry(db: &Db, id: i64, who: Who<'_>) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let Some((status, attempts)) = store::retry_now(&mut tx, id).await? else {
        return Ok(false);
    };
    let summary = serde_json::json!({ "status": status, "attempts": attempts });
    audit::append(&mut tx, who.event("outbox.retry", "outbox", id, summary)).await?;
    tx.commit().await?;
    Ok(true)
}

// ---- A person's own channels: preferences and devices ----

use crate::domain::reach::Preferences;

/// Saves the user's channel preferences and quiet hours, audited.
pub async fn save_preferences(
    db: &Db,
    user_id: i64,
    prefs: &Preferences,
    who: Who<'_>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::save_preferences(&mut tx, user_id, prefs).await?;
    let summary = serde_json::json!({
        "push": prefs.push,
        "whatsapp": prefs.whatsapp,
        "email": prefs.email,
        "quiet": prefs.quiet.map(|q| format!("{}–{}", q.from, q.until)),
    });
    audit::append(
        &mut tx,
        who.event("notify.preferences_updated", "user", user_id, summary),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A browser's push subscription, as the page posts it.
pub struct NewSubscription<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub device: &'a str,
}

/// Why a subscription was refused (the page shows the words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionRefused {
    /// The endpoint is not an https URL, or the keys are not base64url of the right length.
    Malformed,
}

fn base64url_len(text: &str) -> Option<usize> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
        .map(|b| b.len())
}

impl NewSubscription<'_> {
    /// An https endpoint on one of `hosts`, the push services (plain http only for a loopback
    /// host listed there, the tests' fake), a 65-byte P-256 point and a 16-byte auth secret.
    pub fn check(&self, hosts: &[String]) -> Result<(), SubscriptionRefused> {
        if self.endpoint.len() <= 2000
            && push_host_allowed(self.endpoint, hosts)
            && base64url_len(self.p256dh) == Some(65)
            && base64url_len(self.auth) == Some(16)
        {
            Ok(())
        } else {
            Err(SubscriptionRefused::Malformed)
        }
    }
}

/// Whether `endpoint` is an https URL on one of `hosts` or their subdomains; a loopback host
/// listed there may also use http.
fn push_host_allowed(endpoint: &str, hosts: &[String]) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else {
        return false;
    };
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    let listed = hosts.iter().any(|h| {
        let h = h.trim().to_ascii_lowercase();
        !h.is_empty() && (host == h || host.ends_with(&format!(".{h}")))
    });
    let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
    listed
        && url.username().is_empty()
        && url.password().is_none()
        && (url.scheme() == "https" || (url.scheme() == "http" && loopback))
}

/// Stores the browser's subscription for the user, audited (without the endpoint's secret path).
pub async fn subscribe(
    db: &Db,
    user_id: i64,
    sub: &NewSubscription<'_>,
    push_hosts: &[String],
    who: Who<'_>,
) -> AppResult<Result<i64, SubscriptionRefused>> {
    if let Err(e) = sub.check(push_hosts) {
        return Ok(Err(e));
    }
    let device: String = sub.device.chars().take(120).collect();
    let mut tx = db.begin().await?;
    let id = store::subscribe(
        &mut tx,
        user_id,
        sub.endpoint,
        sub.p256dh,
        sub.auth,
        &device,
    )
    .await?;
    let summary = serde_json::json!({ "device": device });
    audit::append(
        &mut tx,
        who.event("notify.device_added", "push_subscription", id, summary),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// "Hapus": removes one of the user's devices, audited. Another user's is `NotFound`.
pub async fn unsubscribe(db: &Db, user_id: i64, id: i64, who: Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::unsubscribe(&mut tx, user_id, id).await?;
    audit::append(
        &mut tx,
        who.event(
            "notify.device_removed",
            "push_subscription",
            id,
            serde_json::json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The statuses a verified WhatsApp webhook call reports (`entry[].changes[].value.statuses[]`):
/// each moves its message's row forward. Returns how many rows changed; unknown ids are
/// ignored (messages of another system on the same number).
pub async fn whatsapp_statuses(db: &Db, payload: &serde_json::Value) -> AppResult<usize> {
    use store::Reported;
    let mut changed = 0;
    let entries = payload["entry"].as_array().cloned().unwrap_or_default();
    for change in entries
        .iter()
        .flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default())
    {
        for status in change["value"]["statuses"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let Some(id) = status["id"].as_str() else {
                continue;
            };
            let reported = match status["status"].as_str() {
                Some("sent") => Reported::Sent,
                Some("delivered") => Reported::Delivered,
                Some("read") => Reported::Read,
                Some("failed") => Reported::Failed,
                _ => continue,
            };
            let reason = status["errors"][0]["title"]
                .as_str()
                .or(status["errors"][0]["message"].as_str())
                .unwrap_or("");
            if store::record_reported(db, id, reported, reason).await? {
                changed += 1;
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::push_host_allowed;

    #[test]
    fn push_goes_only_to_the_listed_services_over_https() {
        let hosts: Vec<String> = ["fcm.googleapis.com", "push.services.mozilla.com"]
            .map(String::from)
            .to_vec();
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/abc",
        ] {
            assert!(push_host_allowed(ok, &hosts), "{ok}");
        }
        for bad in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://fcm.googleapis.com.evil.example/x",
            "https://evilfcm.googleapis.com.example/x",
            "https://127.0.0.1:5432/x",
            "http://127.0.0.1:8080/x",
            "https://user:pw@fcm.googleapis.com/x",
            "https://10.0.0.1/x",
            "fcm.googleapis.com/x",
            "",
        ] {
            assert!(!push_host_allowed(bad, &hosts), "{bad}");
        }
        let tests = vec!["127.0.0.1".to_owned()];
        assert!(push_host_allowed("http://127.0.0.1:41234/push/1", &tests));
        assert!(!push_host_allowed("http://10.0.0.1:41234/push/1", &tests));
    }
}
