//! The WhatsApp Business Cloud API: message templates sent to
//! `POST {api_url}/{phone_number_id}/messages` with the access token, and the delivery statuses
//! its webhook reports (`app::notifications::whatsapp_statuses`).

use std::time::Duration;

use super::SendError;
use crate::db::notifications::OutboxRow;

/// The instance's Cloud API account and its approved template.
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// `https://graph.facebook.com/v21.0` (a test's fake server otherwise).
    pub api_url: String,
    pub phone_number_id: String,
    pub token: String,
    /// An approved template with two body parameters: {{1}} the title, {{2}} the message.
    pub template: String,
    /// The template's language code, e.g. `id`.
    pub language: String,
}

pub struct WhatsAppCloud {
    config: CloudConfig,
    client: reqwest::Client,
}

/// The longest a template parameter may be (the API refuses longer ones).
const PARAMETER_CHARS: usize = 1000;

/// A template parameter as the API accepts it: no newlines or tabs, no runs of spaces.
pub fn parameter(text: &str) -> String {
    let flat = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    flat.chars().take(PARAMETER_CHARS).collect()
}

impl WhatsAppCloud {
    pub fn new(config: CloudConfig) -> Result<WhatsAppCloud, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("klien HTTP tidak dapat dibuat: {e}"))?;
        Ok(WhatsAppCloud { config, client })
    }

    /// The request body for one row.
    pub fn body(&self, row: &OutboxRow) -> serde_json::Value {
        let to = row.recipient.trim_start_matches('+');
        serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "template",
            "template": {
                "name": self.config.template,
                "language": { "code": self.config.language },
                "components": [{
                    "type": "body",
                    "parameters": [
                        { "type": "text", "text": parameter(&row.subject) },
                        { "type": "text", "text": parameter(&row.body) },
                    ],
                }],
            },
        })
    }

    /// Sends the row's template; `Ok` with the message's id (wamid) once the API accepted it.
    pub async fn send(&self, row: &OutboxRow) -> Result<String, SendError> {
        let url = format!(
            "{}/{}/messages",
            self.config.api_url.trim_end_matches('/'),
            self.config.phone_number_id
        );
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.config.token)
            .json(&self.body(row))
            .send()
            .await
            .map_err(|e| {
                SendError::transient(format!("WhatsApp Cloud API tidak terjangkau: {e}"))
            })?;
        let status = response.status().as_u16();
        let reply: serde_json::Value = response.json().await.unwrap_or_default();
        if (200..300).contains(&status) {
            return reply["messages"][0]["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| SendError::transient("jawaban WhatsApp tanpa id pesan"));
        }
        let reason = reply["error"]["message"]
            .as_str()
            .unwrap_or("tanpa keterangan");
        let message = format!("WhatsApp menolak (HTTP {status}): {reason}");
        // A refused number or template stays refused; the token, limits and outages pass.
        if matches!(status, 400 | 403 | 404) {
            Err(SendError::permanent(message))
        } else {
            Err(SendError::transient(message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parameter;

    #[test]
    fn parameters_are_one_line() {
        assert_eq!(
            parameter("Pesanan baru\n  dari   Andi\n\nhttps://x/pesanan/1"),
            "Pesanan baru · dari Andi · https://x/pesanan/1"
        );
        assert_eq!(parameter(&"a".repeat(2000)).len(), 1000);
    }
}
