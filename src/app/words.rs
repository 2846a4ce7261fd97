//! The words of messages: what each event that leaves someone waiting says to them, in one
//! place per capability. The use cases put these words in notifications and the outbox; the
//! pages put the same words in their click-to-chat (`wa.me`) buttons. Every message says what
//! happened, the amount, the date it is due and the recipient's own link.

use crate::domain::dates::{format_date, format_instant, parse_iso};
use crate::domain::order::{Action, Party, PayMethod, State};
use crate::domain::rupiah::format_rupiah as rupiah;

/// A message: its title (the notification's, the email's subject) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub title: String,
    pub body: String,
}

impl Words {
    /// The text of a WhatsApp message or an email: title, body and the recipient's link.
    pub fn with_link(&self, link: &str) -> String {
        if self.body.is_empty() {
            format!("{}\n{link}", self.title)
        } else {
            format!("{}\n{}\n{link}", self.title, self.body)
        }
    }
}

// ---- orders ----

/// What an order's messages say about it, as it is after the event.
#[derive(Debug, Clone)]
pub struct OrderAbout<'a> {
    pub id: i64,
    pub business: &'a str,
    pub buyer: &'a str,
    /// "Nasi kotak × 50 kotak, Es teh × 50 gelas"
    pub lines: &'a str,
    /// The agreed total, delivery fee included.
    pub total: Option<i64>,
    pub fee: i64,
    /// A quote waiting for the buyer: its total (fee included) and its fee.
    pub quoted: Option<(i64, i64)>,
    /// ISO date the buyer needs it.
    pub needed_on: &'a str,
    /// Brought to the buyer: the order has a delivery-fee line.
    pub delivery: bool,
}

impl OrderAbout<'_> {
    fn needed(&self) -> String {
        parse_iso(self.needed_on)
            .map(format_date)
            .unwrap_or_else(|| self.needed_on.to_owned())
    }

    /// "Rp115.000 (termasuk ongkir Rp15.000)"
    fn amount(total: i64, fee: i64, delivery: bool) -> String {
        if delivery && fee > 0 {
            format!("{} (termasuk ongkir {})", rupiah(total), rupiah(fee))
        } else if delivery {
            format!("{} (gratis ongkir)", rupiah(total))
        } else {
            rupiah(total)
        }
    }

    fn total_text(&self) -> Option<String> {
        self.total
            .map(|t| OrderAbout::amount(t, self.fee, self.delivery))
    }
}

/// An event of an order that the other side hears about.
#[derive(Debug, Clone)]
pub enum OrderEvent<'a> {
    /// The buyer placed the order (to the seller).
    Placed,
    /// A change of state by `by`, with the note written with it.
    Changed {
        action: Action,
        by: Party,
        to: State,
        note: &'a str,
    },
    /// The seller recorded the buyer's payment.
    PaymentRecorded {
        method: PayMethod,
        amount: i64,
        paid_on: &'a str,
    },
    PaymentConfirmed,
    Message {
        by: Party,
        preview: &'a str,
    },
    Reply {
        reply: &'a str,
    },
}

/// What an order's event says to the other side.
pub fn order(event: &OrderEvent<'_>, o: &OrderAbout<'_>) -> Words {
    let id = o.id;
    let needed = o.needed();
    match event {
        OrderEvent::Placed => Words {
            title: format!("Pesanan baru #{id} dari {}", o.buyer),
            body: match o.total_text() {
                Some(_) if o.delivery => format!(
                    "{}. Total barang {}; ongkos kirim Anda tentukan saat menerima pesanan. \
                     Dibutuhkan {needed}. Mohon terima atau tanggapi pesanan ini.",
                    o.lines,
                    rupiah(o.total.unwrap_or_default())
                ),
                Some(total) => format!(
                    "{}. Total {total}. Dibutuhkan {needed}. Mohon terima atau tanggapi \
                     pesanan ini.",
                    o.lines
                ),
                None => format!(
                    "{}. Dibutuhkan {needed}. Pesanan ini menunggu penawaran harga dari Anda.",
                    o.lines
                ),
            },
        },
        OrderEvent::Changed {
            action,
            by,
            to,
            note,
        } => changed(*action, *by, *to, note, o, &needed),
        OrderEvent::PaymentRecorded {
            method,
            amount,
            paid_on,
        } => Words {
            title: format!("Pesanan #{id}: pembayaran {} dicatat", rupiah(*amount)),
            body: format!(
                "{} mencatat pembayaran {} sebesar {} pada {}. Mohon konfirmasi di halaman \
                 pesanan bila sesuai.",
                o.business,
                method.label(),
                rupiah(*amount),
                parse_iso(paid_on)
                    .map(format_date)
                    .unwrap_or_else(|| (*paid_on).to_owned()),
            ),
        },
        OrderEvent::PaymentConfirmed => Words {
            title: format!("Pesanan #{id}: pembeli mengonfirmasi pembayaran"),
            body: o
                .total
                .map(|t| format!("Pembayaran {} sudah diterima pembeli.", rupiah(t)))
                .unwrap_or_default(),
        },
        OrderEvent::Message { by, preview } => Words {
            title: format!(
                "Pesanan #{id}: pesan baru dari {}",
                by.label().to_lowercase()
            ),
            body: (*preview).to_owned(),
        },
        OrderEvent::Reply { reply } => Words {
            title: format!("Pesanan #{id}: penjual membalas ulasan Anda"),
            body: (*reply).to_owned(),
        },
    }
}

fn changed(
    action: Action,
    by: Party,
    to: State,
    note: &str,
    o: &OrderAbout<'_>,
    needed: &str,
) -> Words {
    let id = o.id;
    let with_note = |text: String| {
        if note.is_empty() {
            text
        } else {
            format!("{text} Catatan: {note}")
        }
    };
    match action {
        Action::Quote => {
            let (total, fee) = o.quoted.unwrap_or((0, 0));
            Words {
                title: format!("Pesanan #{id}: penawaran harga {}", rupiah(total)),
                body: with_note(format!(
                    "{} menawarkan total {} untuk {}. Dibutuhkan {needed}. Setujui atau tolak \
                     penawaran ini di halaman pesanan.",
                    o.business,
                    OrderAbout::amount(total, fee, o.delivery),
                    o.lines
                )),
            }
        }
        Action::Accept => Words {
            title: format!("Pesanan #{id} diterima {}", o.business),
            body: format!(
                "Total {}. Dibutuhkan {needed}. Cara bayar (QRIS atau transfer) ada di halaman \
                 pesanan.",
                o.total_text().unwrap_or_default()
            ),
        },
        Action::AcceptQuote => Words {
            title: format!("Pesanan #{id}: pembeli menyetujui penawaran"),
            body: format!(
                "Total disepakati {}. Dibutuhkan {needed}. Silakan mulai kerjakan.",
                o.total_text().unwrap_or_default()
            ),
        },
        Action::Deliver => Words {
            title: format!("Pesanan #{id} sudah dikirim/selesai dikerjakan"),
            body: format!(
                "{} menandai pesanan {} sudah dikirim/selesai dikerjakan. Mohon konfirmasi di \
                 halaman pesanan bila sudah Anda terima.",
                o.business,
                o.total.map(rupiah).unwrap_or_default()
            ),
        },
        _ => Words {
            title: format!("Pesanan #{id}: {} {}", by.label(), action.done()),
            body: if note.is_empty() {
                format!("Status sekarang: {}.", to.label())
            } else {
                format!("Status sekarang: {}. {note}", to.label())
            },
        },
    }
}

// ---- the government channel ----

/// What a request's click-to-chat messages say about it.
#[derive(Debug, Clone)]
pub struct RequestAbout<'a> {
    pub id: i64,
    pub title: &'a str,
    pub office: &'a str,
    pub category: &'a str,
    pub provider: Option<&'a str>,
    pub hps: Option<i64>,
    pub total: Option<i64>,
    /// The offer's deadline (unix seconds), while a provider is asked.
    pub deadline: Option<i64>,
    pub date_from: &'a str,
    /// The recipient's link.
    pub link: &'a str,
}

/// A step of the government channel after which someone waits on someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestEvent {
    /// The office asks the provider (who must answer by the deadline).
    Offered,
    /// The provider quoted (the office decides).
    Quoted,
    /// The office issued the order (SP): the provider works.
    Ordered,
    /// The provider marked the work done: the office signs the BAST.
    Done,
    /// The office signed the BAST: the treasurer pays.
    BastSigned,
    /// The treasurer recorded the payment: the provider is told.
    Paid,
}

/// The WhatsApp text of a government-channel step, to the one who waits or must act.
pub fn request(event: RequestEvent, r: &RequestAbout<'_>) -> String {
    let amount = r.total.map(rupiah).unwrap_or_default();
    let date = parse_iso(r.date_from)
        .map(format_date)
        .unwrap_or_else(|| r.date_from.to_owned());
    let head = format!("Pengadaan #{} \"{}\" ({})", r.id, r.title, r.office);
    let text = match event {
        RequestEvent::Offered => format!(
            "{head}: {} meminta {} lewat Karya untuk {date}{}. Mohon dijawab (terima dengan harga \
             atau tolak) sebelum {}.",
            r.office,
            r.category,
            r.hps
                .map(|h| format!(", HPS {}", rupiah(h)))
                .unwrap_or_default(),
            r.deadline.map(format_instant).unwrap_or_default()
        ),
        RequestEvent::Quoted => format!(
            "{head}: {} mengirim penawaran {amount}{}. Mohon diputuskan (terbitkan SP atau tolak).",
            r.provider.unwrap_or("penyedia"),
            r.hps
                .map(|h| format!(" (HPS {})", rupiah(h)))
                .unwrap_or_default()
        ),
        RequestEvent::Ordered => format!(
            "{head}: Surat Pesanan sudah terbit senilai {amount}. Mohon dikerjakan mulai {date}; \
             tandai selesai di Karya bila sudah."
        ),
        RequestEvent::Done => format!(
            "{head}: {} menandai pekerjaan senilai {amount} selesai. Mohon diperiksa dan BAST \
             ditandatangani.",
            r.provider.unwrap_or("penyedia")
        ),
        RequestEvent::BastSigned => format!(
            "{head}: BAST sudah ditandatangani. Mohon dibayar {amount} kepada {}.",
            r.provider.unwrap_or("penyedia")
        ),
        RequestEvent::Paid => format!(
            "{head}: pembayaran {amount} sudah dicatat bendahara. Mohon dicek dan dikonfirmasi \
             bila sudah diterima."
        ),
    };
    format!("{text}\n{}", r.link)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about() -> OrderAbout<'static> {
        OrderAbout {
            id: 7,
            business: "Dapur Siti",
            buyer: "Andi",
            lines: "Bolu pandan × 2 loyang",
            total: Some(115_000),
            fee: 15_000,
            quoted: None,
            needed_on: "2026-12-10",
            delivery: true,
        }
    }

    #[test]
    fn an_acceptance_says_the_amount_the_fee_and_the_date() {
        let w = order(
            &OrderEvent::Changed {
                action: Action::Accept,
                by: Party::Seller,
                to: State::Accepted,
                note: "",
            },
            &about(),
        );
        assert!(
            w.body.contains("Rp115.000 (termasuk ongkir Rp15.000)"),
            "{w:?}"
        );
        assert!(w.body.contains("10 Desember 2026"), "{w:?}");
        assert!(w.with_link("https://x/pesanan/7?t=abc").ends_with("?t=abc"));
    }

    #[test]
    fn a_quote_says_its_total() {
        let mut o = about();
        o.total = None;
        o.quoted = Some((250_000, 0));
        let w = order(
            &OrderEvent::Changed {
                action: Action::Quote,
                by: Party::Seller,
                to: State::Quoted,
                note: "bahan premium",
            },
            &o,
        );
        assert!(w.title.contains("Rp250.000"));
        assert!(w.body.contains("gratis ongkir"));
        assert!(w.body.contains("bahan premium"));
    }

    #[test]
    fn an_offer_says_its_deadline_and_hps() {
        let r = RequestAbout {
            id: 3,
            title: "Servis AC",
            office: "Dinas Kesehatan",
            category: "Servis AC",
            provider: None,
            hps: Some(1_500_000),
            total: None,
            deadline: Some(1_796_000_000),
            date_from: "2026-12-10",
            link: "https://x/pengadaan/3",
        };
        let text = request(RequestEvent::Offered, &r);
        assert!(text.contains("HPS Rp1.500.000"), "{text}");
        assert!(text.contains("sebelum "), "{text}");
        assert!(text.ends_with("https://x/pengadaan/3"));
    }
}
