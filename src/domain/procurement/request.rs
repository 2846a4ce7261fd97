//! Office service requests: the one place that decides how a request changes state, who may
//! change it, and what a request and a quote must contain.
//!
//! ```text
//! open ──offer (office picks / Karya assigns)──▶ offered ──quote (provider)──▶ quoted ──order (office: SP)──▶ ordered
//!  ▲                                              │  ▲                          │                              │
//!  │reopen                decline / no answer     │  │  reject quote (office)   │                 mark done    │
//!  │                      (next in rotation) ─────┘  └──────────────────────────┘                  (provider)  ▼
//! unserved ◀── nobody left to ask                                                                            done
//!                                                                                                             │
//!  completed ◀──confirm receipt (provider)── paid ◀──record payment (treasurer)── accepted ◀──sign BAST───────┤
//!                                             └──void payment──▶ accepted                                     │dispute
//!                                               ordered ◀──redo (agency)── disputed ◀────────────────────────┘
//! cancel (office): open, offered, quoted, ordered, unserved; (agency): disputed
//! ```
//!
//! Declining, letting the offer expire and rejecting a quote all *pass the request on*: to the
//! next provider in rotation (`offered`) or, when nobody eligible is left, to `unserved`. The
//! migration's `office_request_transitions` is this machine written out (a test compares them)
//! and its trigger refuses any other change of state.

use std::collections::BTreeSet;
use std::fmt;

use time::Date;

use crate::domain::form::clean;
use crate::domain::order::parse_date;
use crate::domain::procurement::documents::{DocumentKind, TooLarge};
use crate::domain::rupiah::Rupiah;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Open,
    Offered,
    Quoted,
    Ordered,
    Done,
    Accepted,
    Paid,
    Completed,
    Disputed,
    Cancelled,
    Unserved,
}

impl State {
    pub const ALL: [State; 11] = [
        State::Open,
        State::Offered,
        State::Quoted,
        State::Ordered,
        State::Done,
        State::Accepted,
        State::Paid,
        State::Completed,
        State::Disputed,
        State::Cancelled,
        State::Unserved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Offered => "offered",
            State::Quoted => "quoted",
            State::Ordered => "ordered",
            State::Done => "done",
            State::Accepted => "accepted",
            State::Paid => "paid",
            State::Completed => "completed",
            State::Disputed => "disputed",
            State::Cancelled => "cancelled",
            State::Unserved => "unserved",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Open => "Menunggu pilihan penyedia",
            State::Offered => "Menunggu jawaban penyedia",
            State::Quoted => "Penawaran harga masuk",
            State::Ordered => "Surat pesanan terbit, sedang dikerjakan",
            State::Done => "Pekerjaan selesai, menunggu BAST",
            State::Accepted => "BAST ditandatangani, menunggu pembayaran",
            State::Paid => "Dibayar, menunggu konfirmasi penyedia",
            State::Completed => "Selesai",
            State::Disputed => "Dalam sengketa",
            State::Cancelled => "Dibatalkan",
            State::Unserved => "Tidak ada penyedia yang bersedia",
        }
    }

    /// The provider has committed to the request (quoted, working, or awaiting a dispute's
    /// decision): it counts against the provider's declared capacity for office work.
    pub fn occupies_provider(self) -> bool {
        matches!(
            self,
            State::Quoted | State::Ordered | State::Done | State::Disputed
        )
    }

    /// Finished purchases, published as open data.
    pub fn is_purchase_done(self) -> bool {
        matches!(self, State::Paid | State::Completed)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// The office's staff (role `opd`).
    Office,
    /// The office's treasurer (role `bendahara`).
    Treasurer,
    /// The alumnus whose business is asked or chosen.
    Provider,
    Agency,
    System,
}

impl Party {
    pub const ALL: [Party; 5] = [
        Party::Office,
        Party::Treasurer,
        Party::Provider,
        Party::Agency,
        Party::System,
    ];

    /// As stored in `office_request_events.actor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Office => "office",
            Party::Treasurer => "treasurer",
            Party::Provider => "provider",
            Party::Agency => "agency",
            Party::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        Party::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::Office => "OPD",
            Party::Treasurer => "Bendahara",
            Party::Provider => "Penyedia",
            Party::Agency => "Disnakertrans",
            Party::System => "Sistem",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The office picks a proposal, or lets Karya assign the first.
    Offer,
    /// The provider accepts with a quote.
    Quote,
    Decline,
    /// Nobody answered before the deadline.
    Expire,
    RejectQuote,
    /// The office accepts the quote; the Surat Pesanan is issued.
    Order,
    MarkDone,
    SignBast,
    Dispute,
    ResolveRedo,
    ResolveCancel,
    RecordPayment,
    VoidPayment,
    ConfirmReceipt,
    Cancel,
    Reopen,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::Offer,
        Action::Quote,
        Action::Decline,
        Action::Expire,
        Action::RejectQuote,
        Action::Order,
        Action::MarkDone,
        Action::SignBast,
        Action::Dispute,
        Action::ResolveRedo,
        Action::ResolveCancel,
        Action::RecordPayment,
        Action::VoidPayment,
        Action::ConfirmReceipt,
        Action::Cancel,
        Action::Reopen,
    ];

    /// The path segment of `POST /pengadaan/{id}/{slug}` and the code in the timeline.
    pub fn slug(self) -> &'static str {
        match self {
            Action::Offer => "pilih",
            Action::Quote => "tawar",
            Action::Decline => "tolak",
            Action::Expire => "kedaluwarsa",
            Action::RejectQuote => "tolak-penawaran",
            Action::Order => "pesan",
            Action::MarkDone => "selesai",
            Action::SignBast => "bast",
            Action::Dispute => "sengketa",
            Action::ResolveRedo => "putuskan-ulang",
            Action::ResolveCancel => "putuskan-batal",
            Action::RecordPayment => "bayar",
            Action::VoidPayment => "batal-bayar",
            Action::ConfirmReceipt => "terima-bayar",
            Action::Cancel => "batal",
            Action::Reopen => "buka-lagi",
        }
    }

    pub fn from_slug(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.slug() == s)
    }

    /// The button.
    pub fn label(self) -> &'static str {
        match self {
            Action::Offer => "Pilih penyedia",
            Action::Quote => "Terima dan kirim penawaran",
            Action::Decline => "Tolak permintaan",
            Action::Expire => "Lewati penyedia yang tidak menjawab",
            Action::RejectQuote => "Tolak penawaran",
            Action::Order => "Setujui penawaran dan terbitkan Surat Pesanan",
            Action::MarkDone => "Tandai pekerjaan selesai",
            Action::SignBast => "Tandatangani BAST",
            Action::Dispute => "Ajukan keberatan",
            Action::ResolveRedo => "Putuskan: pekerjaan diulang/dilengkapi",
            Action::ResolveCancel => "Putuskan: pengadaan dibatalkan",
            Action::RecordPayment => "Catat pembayaran",
            Action::VoidPayment => "Batalkan catatan pembayaran",
            Action::ConfirmReceipt => "Konfirmasi pembayaran diterima",
            Action::Cancel => "Batalkan permintaan",
            Action::Reopen => "Buka lagi permintaan",
        }
    }

    /// What happened, for the timeline ("OPD menandatangani BAST").
    pub fn done(self) -> &'static str {
        match self {
            Action::Offer => "meminta penyedia",
            Action::Quote => "menerima permintaan dan mengirim penawaran",
            Action::Decline => "menolak permintaan",
            Action::Expire => "melewati penyedia yang tidak menjawab sampai batas waktu",
            Action::RejectQuote => "menolak penawaran",
            Action::Order => "menyetujui penawaran dan menerbitkan Surat Pesanan",
            Action::MarkDone => "menandai pekerjaan selesai",
            Action::SignBast => "menandatangani BAST",
            Action::Dispute => "mengajukan keberatan atas hasil pekerjaan",
            Action::ResolveRedo => "memutuskan pekerjaan diulang/dilengkapi",
            Action::ResolveCancel => "memutuskan pengadaan dibatalkan",
            Action::RecordPayment => "mencatat pembayaran",
            Action::VoidPayment => "membatalkan catatan pembayaran",
            Action::ConfirmReceipt => "mengonfirmasi pembayaran diterima",
            Action::Cancel => "membatalkan permintaan",
            Action::Reopen => "membuka lagi permintaan",
        }
    }

    /// Actions that need a written reason (kept in the timeline).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Decline
                | Action::RejectQuote
                | Action::Dispute
                | Action::ResolveRedo
                | Action::ResolveCancel
                | Action::VoidPayment
                | Action::Cancel
        )
    }

    /// Whether the action hands the request to the next provider in rotation.
    pub fn passes_on(self) -> bool {
        matches!(self, Action::Decline | Action::Expire | Action::RejectQuote)
    }

    /// Who may take this action, from which states, and where it leads (for actions that pass
    /// the request on: `Offered`, or `Unserved` when nobody is left; see [`passed_on`]).
    fn rule(self) -> (&'static [Party], &'static [State], State) {
        use Party::*;
        use State::*;
        match self {
            Action::Offer => (&[Office], &[Open], Offered),
            Action::Quote => (&[Provider], &[Offered], Quoted),
            Action::Decline => (&[Provider], &[Offered], Offered),
            Action::Expire => (&[System], &[Offered], Offered),
            Action::RejectQuote => (&[Office], &[Quoted], Offered),
            Action::Order => (&[Office], &[Quoted], Ordered),
            Action::MarkDone => (&[Provider], &[Ordered], Done),
            Action::SignBast => (&[Office], &[Done], Accepted),
            Action::Dispute => (&[Office], &[Done], Disputed),
            Action::ResolveRedo => (&[Agency], &[Disputed], Ordered),
            Action::ResolveCancel => (&[Agency], &[Disputed], Cancelled),
            Action::RecordPayment => (&[Treasurer], &[Accepted], Paid),
            Action::VoidPayment => (&[Treasurer], &[Paid], Accepted),
            Action::ConfirmReceipt => (&[Provider], &[Paid], Completed),
            Action::Cancel => (
                &[Office],
                &[Open, Offered, Quoted, Ordered, Unserved],
                Cancelled,
            ),
            Action::Reopen => (&[Office], &[Unserved], Open),
        }
    }

    fn who(self) -> &'static str {
        match self.rule().0 {
            [Party::Office] => "OPD pemesan",
            [Party::Treasurer] => "bendahara OPD",
            [Party::Provider] => "penyedia yang diminta",
            [Party::Agency] => "Disnakertrans",
            _ => "sistem",
        }
    }
}

/// Where an action that passes the request on leads.
pub fn passed_on(someone_left: bool) -> State {
    if someone_left {
        State::Offered
    } else {
        State::Unserved
    }
}

/// Why the domain refuses an action. Every case has an Indonesian message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotYours {
        action: Action,
        party: Party,
    },
    WrongState {
        action: Action,
        state: State,
    },
    /// The rotation has nobody to propose.
    NobodyEligible,
    /// The office picked a business that is not among the proposals shown.
    NotProposed,
    /// The office passed over the first proposal without saying why.
    OverrideWithoutReason,
    /// Ordering needs a quote.
    NoQuote,
    /// Tax and payment need the agreed value.
    NoAgreedValue,
    /// Documents need the provider.
    NoProvider,
    /// The hand-over's rating is 1 to 5.
    BadRating,
    /// The value is above the SPK limit.
    AboveSpkLimit(TooLarge),
    /// Only the party that issued a document replaces it.
    NotIssuer,
    /// A cancelled purchase's documents stay as they are.
    RequestCancelled,
    /// The document was voided already.
    DocumentVoided,
}

impl Refusal {
    /// The party may not do this at all (403), as opposed to not now (409).
    pub fn is_not_yours(self) -> bool {
        matches!(self, Refusal::NotYours { .. } | Refusal::NotIssuer)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refusal::NotYours { action, party } => write!(
                f,
                "“{}” hanya dapat dilakukan oleh {}, bukan oleh {}.",
                action.label(),
                action.who(),
                party.label()
            ),
            Refusal::WrongState { action, state } => write!(
                f,
                "“{}” tidak dapat dilakukan karena permintaan ini berstatus “{}”.",
                action.label(),
                state.label()
            ),
            Refusal::NobodyEligible => {
                f.write_str("Belum ada usaha alumni yang memenuhi syarat untuk permintaan ini.")
            }
            Refusal::NotProposed => {
                f.write_str("Usaha itu tidak ada di daftar usulan; muat ulang halaman.")
            }
            Refusal::OverrideWithoutReason => f.write_str(
                "Anda memilih selain usulan pertama: tulis alasannya singkat (paling sedikit 5 huruf).",
            ),
            Refusal::NoQuote => f.write_str("Belum ada penawaran harga."),
            Refusal::NoAgreedValue => f.write_str("Belum ada nilai yang disepakati."),
            Refusal::NoProvider => f.write_str("Belum ada penyedia."),
            Refusal::BadRating => f.write_str("Beri nilai hasil pekerjaan 1 sampai 5 bintang."),
            Refusal::AboveSpkLimit(e) => e.fmt(f),
            Refusal::NotIssuer => {
                f.write_str("Dokumen ini hanya dapat diganti oleh pihak yang menerbitkannya.")
            }
            Refusal::RequestCancelled => f.write_str("Pengadaan ini sudah dibatalkan."),
            Refusal::DocumentVoided => f.write_str("Dokumen ini sudah dibatalkan."),
        }
    }
}

/// What `party` may do now on a request in `state`, on its payment and on its documents: the
/// one answer that draws the page's buttons and checks every step a party posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub state: State,
    pub party: Party,
}

impl Allowed {
    pub fn new(state: State, party: Party) -> Allowed {
        Allowed { state, party }
    }

    /// Whether the party may take `action` now, and where it leads; or the typed refusal.
    pub fn may(self, action: Action) -> Result<State, Refusal> {
        decide(self.state, self.party, action)
    }

    /// [`Allowed::may`] as a yes or no, for a button.
    pub fn can(self, action: Action) -> bool {
        self.may(action).is_ok()
    }

    /// Every action the party may take now (the buttons).
    pub fn actions(self) -> Vec<Action> {
        available_actions(self.state, self.party)
    }

    /// Whether the party may void a document of `kind` and issue its replacement: only its
    /// issuer (the office for its letters, the provider for the invoice; a receipt is replaced
    /// by voiding the payment), never on a cancelled purchase, never a voided document.
    pub fn may_reissue(self, kind: DocumentKind, voided: bool) -> Result<(), Refusal> {
        let issuer_is_office = !matches!(
            kind,
            DocumentKind::Invoice | DocumentKind::Kuitansi | DocumentKind::BuktiPembelian
        );
        let issuer = match self.party {
            Party::Office => issuer_is_office,
            Party::Provider => kind == DocumentKind::Invoice,
            _ => false,
        };
        if !issuer {
            return Err(Refusal::NotIssuer);
        }
        if self.state == State::Cancelled {
            return Err(Refusal::RequestCancelled);
        }
        if voided {
            return Err(Refusal::DocumentVoided);
        }
        Ok(())
    }
}

/// The state machine: where `action` by `party` leads from `state`, or why it may not.
pub fn decide(state: State, party: Party, action: Action) -> Result<State, Refusal> {
    let (parties, from, to) = action.rule();
    if !parties.contains(&party) {
        return Err(Refusal::NotYours { action, party });
    }
    if !from.contains(&state) {
        return Err(Refusal::WrongState { action, state });
    }
    Ok(to)
}

/// The actions to offer `party` on a request in `state` (buttons come from here).
pub fn available_actions(state: State, party: Party) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| decide(state, party, *a).is_ok())
        .collect()
}

/// Every (from, to) change of state the machine allows: `office_request_transitions`.
pub fn transitions() -> BTreeSet<(State, State)> {
    let mut all = BTreeSet::new();
    for state in State::ALL {
        for party in Party::ALL {
            for action in Action::ALL {
                if let Ok(to) = decide(state, party, action) {
                    let targets = if action.passes_on() {
                        vec![passed_on(true), passed_on(false)]
                    } else {
                        vec![to]
                    };
                    for t in targets {
                        if t != state {
                            all.insert((state, t));
                        }
                    }
                }
            }
        }
    }
    all
}

// ---- the request form ----

/// One kind of office work as the form offers it.
#[derive(Debug, Clone)]
pub struct CategoryChoice {
    pub id: i64,
    pub name: String,
    pub unit: String,
}

/// What the office typed, as text. Items are parallel lists of the form's item rows.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub category_id: String,
    pub title: String,
    pub item_description: Vec<String>,
    pub item_quantity: Vec<String>,
    pub item_unit: Vec<String>,
    pub place: String,
    pub kecamatan: String,
    pub date_from: String,
    pub date_until: String,
    pub time_window: String,
    pub hps: String,
    pub budget_line_id: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
}

/// A valid request, ready to store.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub category_id: i64,
    pub title: String,
    pub items: Vec<Item>,
    pub place: String,
    pub kecamatan_code: String,
    pub date_from: Date,
    pub date_until: Date,
    pub time_window: String,
    pub hps: Option<i64>,
    pub budget_line_id: Option<i64>,
    pub notes: String,
}

/// Messages by field name; item rows as `item-<index>`.
pub type FieldErrors = Vec<(String, String)>;

pub const MAX_ITEMS: usize = 20;
const MAX_QUANTITY: i64 = 1_000_000;
const MAX_TEXT: usize = 1000;

impl NewRequest {
    /// Validates the form. `kecamatan` are the district's kecamatan codes, `budget_lines` the
    /// office's lines for the year, `today` the WIB date.
    pub fn parse(
        input: &RequestInput,
        categories: &[CategoryChoice],
        kecamatan: &[String],
        budget_lines: &[i64],
        today: Date,
    ) -> Result<NewRequest, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        let mut err = |f: &str, m: &str| errors.push((f.to_owned(), m.to_owned()));

        let category = input
            .category_id
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| categories.iter().find(|c| c.id == id));
        if category.is_none() {
            err("category_id", "Pilih jenis pekerjaan.");
        }
        let title = clean(&input.title);
        if title.chars().count() < 5 {
            err(
                "title",
                "Tulis judul pekerjaan, misalnya “Servis AC ruang rapat lantai 2”.",
            );
        } else if title.chars().count() > 200 {
            err("title", "Judul paling panjang 200 huruf.");
        }

        let mut items = Vec::new();
        let rows = input
            .item_description
            .len()
            .max(input.item_quantity.len())
            .max(input.item_unit.len());
        for i in 0..rows {
            let get = |v: &Vec<String>| v.get(i).map(|s| clean(s)).unwrap_or_default();
            let (description, quantity, unit) = (
                get(&input.item_description),
                get(&input.item_quantity),
                get(&input.item_unit),
            );
            if description.is_empty() && quantity.is_empty() {
                continue;
            }
            let field = format!("item-{i}");
            if description.is_empty() {
                errors.push((field, "Tulis uraian barang/pekerjaan.".into()));
                continue;
            }
            let Ok(q) = quantity.replace('.', "").parse::<i64>() else {
                errors.push((field, "Jumlah harus angka bulat, misalnya 12.".into()));
                continue;
            };
            if !(1..=MAX_QUANTITY).contains(&q) {
                errors.push((field, "Jumlah antara 1 dan 1.000.000.".into()));
                continue;
            }
            let unit = if unit.is_empty() {
                category.map(|c| c.unit.clone()).unwrap_or_default()
            } else {
                unit
            };
            if unit.is_empty() {
                errors.push((field, "Tulis satuannya, misalnya unit atau kotak.".into()));
                continue;
            }
            items.push(Item {
                description,
                quantity: q,
                unit,
            });
        }
        let item_errors = errors.iter().any(|(f, _)| f.starts_with("item-"));
        let mut err = |f: &str, m: &str| errors.push((f.to_owned(), m.to_owned()));
        if items.is_empty() && !item_errors {
            err(
                "items",
                "Isi paling sedikit satu baris barang/pekerjaan dengan jumlahnya.",
            );
        }
        if items.len() > MAX_ITEMS {
            err("items", "Paling banyak 20 baris dalam satu permintaan.");
        }

        let place = clean(&input.place);
        if place.is_empty() {
            err("place", "Tulis tempat pekerjaan.");
        }
        let kecamatan_code = input.kecamatan.trim().to_owned();
        if !kecamatan.contains(&kecamatan_code) {
            err("kecamatan", "Pilih kecamatan tempat pekerjaan.");
        }
        let date_from = parse_date(&input.date_from);
        let date_until = if input.date_until.trim().is_empty() {
            date_from
        } else {
            parse_date(&input.date_until)
        };
        match date_from {
            None => err("date_from", "Tulis tanggal mulai, misalnya 15/12/2026."),
            Some(d) if d < today => err("date_from", "Tanggal mulai tidak boleh sebelum hari ini."),
            _ => {}
        }
        match (date_from, date_until) {
            (_, None) => err("date_until", "Tulis tanggal selesai, misalnya 16/12/2026."),
            (Some(a), Some(b)) if b < a => err(
                "date_until",
                "Tanggal selesai tidak boleh sebelum tanggal mulai.",
            ),
            _ => {}
        }
        let time_window = clean(&input.time_window);
        if time_window.chars().count() > 100 {
            err("time_window", "Jam kerja paling panjang 100 huruf.");
        }
        let hps = if input.hps.trim().is_empty() {
            None
        } else {
            match Rupiah::parse(&input.hps) {
                Ok(r) if r.amount() > 0 => Some(r.amount()),
                Ok(_) => {
                    err("hps", "HPS harus lebih dari nol, atau kosongkan.");
                    None
                }
                Err(m) => {
                    err("hps", m);
                    None
                }
            }
        };
        let budget_line_id = match input.budget_line_id.trim() {
            "" => None,
            raw => match raw
                .parse::<i64>()
                .ok()
                .filter(|id| budget_lines.contains(id))
            {
                Some(id) => Some(id),
                None => {
                    err("budget_line_id", "Pilih mata anggaran dari daftar.");
                    None
                }
            },
        };
        let notes = clean(&input.notes);
        if notes.chars().count() > MAX_TEXT {
            err("notes", "Catatan paling panjang 1.000 huruf.");
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewRequest {
            category_id: category.map(|c| c.id).unwrap_or_default(),
            title,
            items,
            place,
            kecamatan_code,
            date_from: date_from.unwrap_or(today),
            date_until: date_until.unwrap_or(today),
            time_window,
            hps,
            budget_line_id,
            notes,
        })
    }
}

/// The provider's quote: a unit price for every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub unit_prices: Vec<i64>,
    pub total: i64,
    pub note: String,
}

impl Quote {
    /// `prices` are the typed unit prices in item order; `quantities` the items' quantities.
    pub fn parse(
        prices: &[String],
        quantities: &[i64],
        note: &str,
        hps: Option<i64>,
    ) -> Result<Quote, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        let mut unit_prices = Vec::new();
        for i in 0..quantities.len() {
            let raw = prices.get(i).map(String::as_str).unwrap_or("");
            match Rupiah::parse(raw) {
                Ok(r) if r.amount() > 0 => unit_prices.push(r.amount()),
                Ok(_) => errors.push((format!("price-{i}"), "Harga harus lebih dari nol.".into())),
                Err(m) => errors.push((format!("price-{i}"), m.into())),
            }
        }
        let total = unit_prices
            .iter()
            .zip(quantities)
            .try_fold(0i64, |acc, (p, q)| acc.checked_add(p.checked_mul(*q)?));
        let note = clean(note);
        if note.chars().count() > MAX_TEXT {
            errors.push(("note".into(), "Catatan paling panjang 1.000 huruf.".into()));
        }
        match total {
            None => errors.push(("total".into(), "Total terlalu besar.".into())),
            Some(t) if errors.is_empty() => {
                if let Some(h) = hps.filter(|h| t > *h) {
                    errors.push((
                        "total".into(),
                        format!(
                            "Total penawaran {} melebihi HPS {} yang ditetapkan OPD.",
                            crate::domain::rupiah::format_rupiah(t),
                            crate::domain::rupiah::format_rupiah(h)
                        ),
                    ));
                }
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Quote {
            unit_prices,
            total: total.unwrap_or_default(),
            note,
        })
    }
}

/// A written reason for actions that need one.
pub fn reason(raw: &str) -> Result<String, &'static str> {
    let r = clean(raw);
    if r.chars().count() < 5 {
        Err("Tulis alasannya (paling sedikit 5 huruf).")
    } else if r.chars().count() > MAX_TEXT {
        Err("Alasan paling panjang 1.000 huruf.")
    } else {
        Ok(r)
    }
}

#[cfg(test)]
mod tests;
