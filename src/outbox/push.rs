//! Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), through the
//! `web-push-native` crate: it builds the signed, encrypted request; `reqwest` sends it.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

use super::SendError;
use crate::db::notifications::{OutboxRow, Subscription};

/// Seconds a push service keeps a message for a phone that is off.
const TTL_SECS: u64 = 24 * 3600;

/// Sends push rows, signed with the instance's VAPID key.
pub struct PushSender {
    key_pair: ES256KeyPair,
    contact: String,
    client: reqwest::Client,
}

impl PushSender {
    /// `private_key`: the VAPID P-256 scalar (`secrets::vapid_private_key`); `contact`: the
    /// `sub` claim push services may use to reach the operator (`mailto:` or `https:`).
    pub fn new(private_key: &[u8; 32], contact: &str) -> Result<PushSender, String> {
        let key_pair = ES256KeyPair::from_bytes(private_key)
            .map_err(|e| format!("kunci VAPID tidak valid: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("klien HTTP tidak dapat dibuat: {e}"))?;
        Ok(PushSender {
            key_pair,
            contact: contact.to_owned(),
            client,
        })
    }

    /// The public key pages hand to `pushManager.subscribe` (uncompressed point, base64url).
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(
            self.key_pair
                .public_key()
                .public_key()
                .to_bytes_uncompressed(),
        )
    }

    /// The notification as the service worker reads it: title, body and the link it opens.
    pub fn payload(row: &OutboxRow) -> Vec<u8> {
        // The body of a fan-out row ends with its link, for email and WhatsApp; a notification
        // on the phone opens the link instead of showing it.
        let body = row
            .body
            .strip_suffix(row.link.as_str())
            .unwrap_or(&row.body)
            .trim_end();
        serde_json::json!({ "title": row.subject, "body": body, "url": row.link })
            .to_string()
            .into_bytes()
    }

    pub async fn send(&self, row: &OutboxRow, to: &Subscription) -> Result<(), SendError> {
        let bad = |what: &str| SendError::permanent(format!("langganan tidak valid: {what}"));
        let endpoint = to.endpoint.parse().map_err(|_| bad("alamat"))?;
        let p256dh = URL_SAFE_NO_PAD
            .decode(to.p256dh.trim_end_matches('='))
            .ok()
            .and_then(|b| PublicKey::from_sec1_bytes(&b).ok())
            .ok_or_else(|| bad("kunci p256dh"))?;
        let auth = URL_SAFE_NO_PAD
            .decode(to.auth.trim_end_matches('='))
            .ok()
            .filter(|b| b.len() == 16)
            .ok_or_else(|| bad("auth"))?;
        let request = WebPushBuilder::new(endpoint, p256dh, Auth::clone_from_slice(&auth))
            .with_valid_duration(Duration::from_secs(TTL_SECS))
            .with_vapid(&self.key_pair, &self.contact)
            .build(Self::payload(row))
            .map_err(|e| SendError::permanent(format!("pesan tidak dapat disusun: {e}")))?;
        let (parts, body) = request.into_parts();
        let mut outgoing = self
            .client
            .post(parts.uri.to_string())
            .header("Urgency", "normal")
            .body(body);
        for (name, value) in &parts.headers {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
        let response = outgoing
            .send()
            .await
            .map_err(|e| SendError::transient(format!("layanan push tidak terjangkau: {e}")))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => Ok(()),
            404 | 410 => Err(SendError {
                message: format!("perangkat tidak lagi berlangganan (HTTP {status})"),
                permanent: true,
                gone: true,
            }),
            408 | 429 | 500..=599 => Err(SendError::transient(format!(
                "layanan push sibuk atau gagal (HTTP {status})"
            ))),
            _ => Err(SendError::permanent(format!(
                "layanan push menolak pesan (HTTP {status})"
            ))),
        }
    }
}
