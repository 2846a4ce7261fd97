//! WhatsApp click-to-chat hand-offs: a `wa.me` link that opens a chat with a prefilled message.

use crate::domain::phone::Phone;

/// `https://wa.me/<digits>?text=<message>`; without a phone, WhatsApp asks whom to send it to.
pub fn chat_link(to: Option<&Phone>, message: &str) -> String {
    let mut link = String::from("https://wa.me/");
    if let Some(phone) = to {
        link.push_str(phone.wa_digits());
    }
    link.push_str("?text=");
    link.push_str(&percent_encode(message));
    link
}

/// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8 bytes for the rest).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_number_and_the_encoded_message() {
        let phone = Phone::parse("0812-3456-7890").unwrap();
        assert_eq!(
            chat_link(
                Some(&phone),
                "Halo, saya mau pesan \"Kue ulang tahun\" & bolu?"
            ),
            "https://wa.me/6281234567890?text=Halo%2C%20saya%20mau%20pesan%20%22Kue%20ulang%20tahun%22%20%26%20bolu%3F"
        );
        assert_eq!(chat_link(None, "é"), "https://wa.me/?text=%C3%A9");
    }
}
