//! Orders from the public: the one place that decides how an order changes state, who may
//! change it, and what an order form must contain.
//!
//! The state machine:
//!
//! ```text
//! requested ──quote──▶ quoted ──accept quote──▶ accepted ──start──▶ in_progress ──deliver──▶ delivered
//!     │  ▲               │                          │                                      │   │
//!     │  └──reject quote─┘                          │                        confirm / auto│   │dispute
//!     ├──accept (total known)──────────────────────▶│                                      ▼   ▼
//!     └──cancel (requested, quoted, accepted)──▶ cancelled ◀──resolve── disputed ◀──dispute── completed ──review──▶ reviewed
//!                                                                        └──resolve──▶ completed
//! ```
//!
//! `decide` is the table; `check` adds what depends on the order itself (a known total before
//! acceptance, one dispute per order). `allowed` is the one answer to "what may this party do
//! on this order now": the changes of state, recording and confirming the payment, replying to
//! the review and writing in the thread. The order page draws its buttons from that answer and
//! the use cases in `app::orders` refuse a step with its typed [`Refusal`]. The migration's `order_transitions` table is this table
//! written out (a test compares them), and its trigger refuses any other change of state.
//!
//! "Mulai dari" prices: such a price is indicative. An order with a "mulai dari" or a "sesuai
//! penawaran" item has no total when it is placed; the seller sends a quote (the final price) and
//! the buyer accepts it before work starts. An order of fixed-price items only has its total at
//! once and the seller may accept it directly (or propose another total by a quote).

use std::collections::BTreeSet;
use std::fmt;

use time::Date;

use crate::domain::phone::Phone;
use crate::domain::rupiah::Rupiah;
use crate::domain::storefront::PriceKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Requested,
    Quoted,
    Accepted,
    InProgress,
    Delivered,
    Completed,
    Reviewed,
    Cancelled,
    Disputed,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Requested,
        State::Quoted,
        State::Accepted,
        State::InProgress,
        State::Delivered,
        State::Completed,
        State::Reviewed,
        State::Cancelled,
        State::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Requested => "requested",
            State::Quoted => "quoted",
            State::Accepted => "accepted",
            State::InProgress => "in_progress",
            State::Delivered => "delivered",
            State::Completed => "completed",
            State::Reviewed => "reviewed",
            State::Cancelled => "cancelled",
            State::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The name buyers and sellers see.
    pub fn label(self) -> &'static str {
        match self {
            State::Requested => "Menunggu tanggapan penjual",
            State::Quoted => "Penawaran harga dikirim",
            State::Accepted => "Diterima penjual",
            State::InProgress => "Sedang dikerjakan",
            State::Delivered => "Sudah dikirim/selesai dikerjakan",
            State::Completed => "Selesai",
            State::Reviewed => "Selesai dan diulas",
            State::Cancelled => "Dibatalkan",
            State::Disputed => "Dalam sengketa",
        }
    }

    /// No further step is possible for buyer or seller.
    pub fn is_final(self) -> bool {
        matches!(self, State::Reviewed | State::Cancelled)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    Buyer,
    Seller,
    Agency,
    System,
}

impl Party {
    pub const ALL: [Party; 4] = [Party::Buyer, Party::Seller, Party::Agency, Party::System];

    /// As stored in `order_events.actor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Buyer => "buyer",
            Party::Seller => "seller",
            Party::Agency => "agency",
            Party::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        Party::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::Buyer => "Pembeli",
            Party::Seller => "Penjual",
            Party::Agency => "Disnakertrans",
            Party::System => "Sistem",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The seller proposes a total.
    Quote,
    AcceptQuote,
    RejectQuote,
    /// The seller accepts a request whose total is known.
    Accept,
    Start,
    Deliver,
    /// The buyer confirms receipt.
    Confirm,
    /// The system completes a delivered order nobody confirmed in time.
    AutoComplete,
    Review,
    Cancel,
    Dispute,
    /// The agency decides a dispute in the seller's favour (or by agreement): completed.
    ResolveComplete,
    /// The agency decides a dispute by cancelling the order.
    ResolveCancel,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Quote,
        Action::AcceptQuote,
        Action::RejectQuote,
        Action::Accept,
        Action::Start,
        Action::Deliver,
        Action::Confirm,
        Action::AutoComplete,
        Action::Review,
        Action::Cancel,
        Action::Dispute,
        Action::ResolveComplete,
        Action::ResolveCancel,
    ];

    /// The path segment of `POST /pesanan/{id}/{slug}` and the code in the timeline.
    pub fn slug(self) -> &'static str {
        match self {
            Action::Quote => "tawar",
            Action::AcceptQuote => "terima-penawaran",
            Action::RejectQuote => "tolak-penawaran",
            Action::Accept => "terima",
            Action::Start => "mulai",
            Action::Deliver => "kirim",
            Action::Confirm => "konfirmasi",
            Action::AutoComplete => "otomatis-selesai",
            Action::Review => "ulasan",
            Action::Cancel => "batal",
            Action::Dispute => "sengketa",
            Action::ResolveComplete => "putuskan-selesai",
            Action::ResolveCancel => "putuskan-batal",
        }
    }

    pub fn from_slug(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.slug() == s)
    }

    /// The button.
    pub fn label(self) -> &'static str {
        match self {
            Action::Quote => "Kirim penawaran harga",
            Action::AcceptQuote => "Setujui penawaran",
            Action::RejectQuote => "Tolak penawaran",
            Action::Accept => "Terima pesanan",
            Action::Start => "Mulai kerjakan",
            Action::Deliver => "Tandai sudah dikirim/selesai dikerjakan",
            Action::Confirm => "Konfirmasi pesanan sudah diterima",
            Action::AutoComplete => "Selesaikan otomatis",
            Action::Review => "Kirim ulasan",
            Action::Cancel => "Batalkan pesanan",
            Action::Dispute => "Ajukan sengketa",
            Action::ResolveComplete => "Putuskan: pesanan selesai",
            Action::ResolveCancel => "Putuskan: pesanan dibatalkan",
        }
    }

    /// What happened, for the timeline ("Penjual menerima pesanan").
    pub fn done(self) -> &'static str {
        match self {
            Action::Quote => "mengirim penawaran harga",
            Action::AcceptQuote => "menyetujui penawaran harga",
            Action::RejectQuote => "menolak penawaran harga",
            Action::Accept => "menerima pesanan",
            Action::Start => "mulai mengerjakan pesanan",
            Action::Deliver => "menandai pesanan sudah dikirim/selesai dikerjakan",
            Action::Confirm => "mengonfirmasi pesanan sudah diterima",
            Action::AutoComplete => "menyelesaikan pesanan otomatis karena tidak dikonfirmasi",
            Action::Review => "memberi ulasan",
            Action::Cancel => "membatalkan pesanan",
            Action::Dispute => "mengajukan sengketa",
            Action::ResolveComplete => "memutuskan sengketa: pesanan selesai",
            Action::ResolveCancel => "memutuskan sengketa: pesanan dibatalkan",
        }
    }

    /// Actions that need a written reason (kept in the timeline).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Cancel | Action::Dispute | Action::ResolveComplete | Action::ResolveCancel
        )
    }

    /// Who may take this action, from which states, and where it leads.
    fn rule(self) -> (&'static [Party], &'static [State], State) {
        use Party::*;
        use State::*;
        match self {
            Action::Quote => (&[Seller], &[Requested], Quoted),
            Action::AcceptQuote => (&[Buyer], &[Quoted], Accepted),
            Action::RejectQuote => (&[Buyer], &[Quoted], Requested),
            Action::Accept => (&[Seller], &[Requested], Accepted),
            Action::Start => (&[Seller], &[Accepted], InProgress),
            Action::Deliver => (&[Seller], &[InProgress], Delivered),
            Action::Confirm => (&[Buyer], &[Delivered], Completed),
            Action::AutoComplete => (&[System], &[Delivered], Completed),
            Action::Review => (&[Buyer], &[Completed], Reviewed),
            Action::Cancel => (&[Buyer, Seller], &[Requested, Quoted, Accepted], Cancelled),
            Action::Dispute => (&[Buyer, Seller], &[Delivered, Completed], Disputed),
            Action::ResolveComplete => (&[Agency], &[Disputed], Completed),
            Action::ResolveCancel => (&[Agency], &[Disputed], Cancelled),
        }
    }

    fn who(self) -> &'static str {
        match self.rule().0 {
            [Party::Buyer] => "pembeli",
            [Party::Seller] => "penjual",
            [Party::Agency] => "Disnakertrans",
            [Party::System] => "sistem",
            _ => "pembeli atau penjual",
        }
    }

    fn when(self) -> &'static str {
        match self {
            Action::Quote | Action::Accept => "pesanan yang menunggu tanggapan",
            Action::AcceptQuote | Action::RejectQuote => "pesanan yang sedang ditawar",
            Action::Start => "pesanan yang sudah diterima",
            Action::Deliver => "pesanan yang sedang dikerjakan",
            Action::Confirm | Action::AutoComplete => "pesanan yang sudah dikirim",
            Action::Review => "pesanan yang sudah selesai dan belum diulas",
            Action::Cancel => "pesanan yang belum mulai dikerjakan",
            Action::Dispute => "pesanan yang sudah dikirim atau selesai",
            Action::ResolveComplete | Action::ResolveCancel => "pesanan dalam sengketa",
        }
    }
}

/// Why the domain refuses an action. Every case has an Indonesian message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This party never takes this action.
    NotYours { action: Action, party: Party },
    /// This party may take it, but not in this state.
    WrongState { action: Action, state: State },
    /// A request cannot be accepted before its total is known.
    NeedsTotal,
    /// An order's dispute was decided already; it cannot be disputed again.
    DisputedBefore,
    /// Only the seller records a payment.
    PaymentBySeller,
    /// A payment is recorded only once the order is agreed and while it is not cancelled.
    PaymentNotNow { state: State },
    /// The buyer confirmed the payment; it no longer changes.
    PaymentConfirmed,
    /// Only the buyer confirms a payment.
    ConfirmByBuyer,
    /// There is no recorded payment waiting for the buyer's confirmation.
    NothingToConfirm,
    /// Only the seller replies to a review.
    ReplyBySeller,
    /// There is no review, or it has its one reply already.
    NoReviewToReply,
    /// Only the buyer, the seller and the agency write in an order's thread.
    MessageNotYours { party: Party },
}

impl Refusal {
    /// Whether the party was simply the wrong one (forbidden) rather than too early or late.
    pub fn is_not_yours(self) -> bool {
        matches!(
            self,
            Refusal::NotYours { .. }
                | Refusal::PaymentBySeller
                | Refusal::ConfirmByBuyer
                | Refusal::ReplyBySeller
                | Refusal::MessageNotYours { .. }
        )
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
                party.label().to_lowercase()
            ),
            Refusal::WrongState { action, state } => write!(
                f,
                "“{}” tidak dapat dilakukan karena pesanan berstatus “{}”; tindakan ini hanya untuk {}.",
                action.label(),
                state.label(),
                action.when()
            ),
            Refusal::NeedsTotal => f.write_str(
                "Pesanan ini belum punya total harga. Kirim penawaran harga dulu; pesanan diterima setelah pembeli menyetujuinya.",
            ),
            Refusal::DisputedBefore => f.write_str(
                "Sengketa pesanan ini sudah diputuskan Disnakertrans dan tidak dapat diajukan lagi.",
            ),
            Refusal::PaymentBySeller => {
                f.write_str("Pembayaran dicatat oleh penjual; pembeli mengonfirmasinya.")
            }
            Refusal::PaymentNotNow { state } => write!(
                f,
                "Pembayaran belum/tidak dapat dicatat untuk pesanan berstatus “{}”.",
                state.label()
            ),
            Refusal::PaymentConfirmed => {
                f.write_str("Pembayaran ini sudah dikonfirmasi pembeli dan tidak dapat diubah.")
            }
            Refusal::ConfirmByBuyer => f.write_str("Hanya pembeli yang mengonfirmasi pembayaran."),
            Refusal::NothingToConfirm => {
                f.write_str("Tidak ada pembayaran yang menunggu konfirmasi.")
            }
            Refusal::ReplyBySeller => f.write_str("Hanya penjual yang dapat membalas ulasan."),
            Refusal::NoReviewToReply => f.write_str(
                "Ulasan ini sudah dibalas (balasan hanya sekali) atau belum ada ulasan.",
            ),
            Refusal::MessageNotYours { party } => write!(
                f,
                "Pesan pada pesanan ini hanya ditulis oleh pembeli, penjual, atau Disnakertrans, bukan oleh {}.",
                party.label().to_lowercase()
            ),
        }
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

/// Where an order's payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaymentStatus {
    /// Nothing recorded yet.
    #[default]
    None,
    /// Recorded by the seller, waiting for the buyer's confirmation.
    Recorded,
    /// Confirmed by the buyer: final.
    Confirmed,
}

/// Where an order's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReviewStatus {
    /// Not reviewed.
    #[default]
    None,
    /// Reviewed, without the seller's reply.
    Unreplied,
    /// Reviewed and replied to (one reply only).
    Replied,
}

/// What the rules need to know about one order besides its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: State,
    /// The order has a total (all items priced, or an accepted quote).
    pub total_known: bool,
    /// A dispute on this order was decided already.
    pub disputed_before: bool,
    pub payment: PaymentStatus,
    pub review: ReviewStatus,
}

/// `decide` plus the order's own conditions. Handlers and the auto-complete job call this.
pub fn check(facts: &Facts, party: Party, action: Action) -> Result<State, Refusal> {
    let to = decide(facts.state, party, action)?;
    match action {
        Action::Accept if !facts.total_known => Err(Refusal::NeedsTotal),
        Action::Dispute if facts.disputed_before => Err(Refusal::DisputedBefore),
        _ => Ok(to),
    }
}

/// The actions to offer `party` on an order in `state` (buttons come from here).
pub fn available_actions(state: State, party: Party) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| decide(state, party, *a).is_ok())
        .collect()
}

/// A step a party may take on an order: a change of state, or one that keeps the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Act(Action),
    /// The seller records (or corrects, until it is confirmed) the payment.
    RecordPayment,
    /// The buyer confirms the recorded payment.
    ConfirmPayment,
    /// The seller's one reply to the buyer's review.
    Reply,
    /// A message in the order's thread.
    Message,
}

impl Step {
    /// Every step, the changes of state first.
    pub fn all() -> impl Iterator<Item = Step> {
        Action::ALL.into_iter().map(Step::Act).chain([
            Step::RecordPayment,
            Step::ConfirmPayment,
            Step::Reply,
            Step::Message,
        ])
    }
}

/// The domain's answer for one party on one order: each step allowed, or refused with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    verdicts: Vec<(Step, Result<(), Refusal>)>,
}

impl Allowed {
    /// Whether this step may be taken, or the refusal that says why not.
    pub fn check(&self, step: Step) -> Result<(), Refusal> {
        self.verdicts
            .iter()
            .find(|(s, _)| *s == step)
            .map(|(_, v)| *v)
            .unwrap_or(Ok(()))
    }

    pub fn permits(&self, step: Step) -> bool {
        self.check(step).is_ok()
    }

    /// The changes of state to offer as buttons, in `Action::ALL` order.
    pub fn actions(&self) -> Vec<Action> {
        self.verdicts
            .iter()
            .filter_map(|(s, v)| match (s, v) {
                (Step::Act(a), Ok(())) => Some(*a),
                _ => None,
            })
            .collect()
    }
}

/// What `party` may do on this order now: the one answer the page's buttons and the use cases'
/// checks both come from.
pub fn allowed(facts: &Facts, party: Party) -> Allowed {
    Allowed {
        verdicts: Step::all()
            .map(|step| (step, verdict(facts, party, step)))
            .collect(),
    }
}

fn verdict(facts: &Facts, party: Party, step: Step) -> Result<(), Refusal> {
    match step {
        Step::Act(action) => check(facts, party, action).map(|_| ()),
        Step::RecordPayment if party != Party::Seller => Err(Refusal::PaymentBySeller),
        Step::RecordPayment if !payment_allowed(facts.state) => {
            Err(Refusal::PaymentNotNow { state: facts.state })
        }
        Step::RecordPayment if facts.payment == PaymentStatus::Confirmed => {
            Err(Refusal::PaymentConfirmed)
        }
        Step::RecordPayment => Ok(()),
        Step::ConfirmPayment if party != Party::Buyer => Err(Refusal::ConfirmByBuyer),
        Step::ConfirmPayment if facts.payment != PaymentStatus::Recorded => {
            Err(Refusal::NothingToConfirm)
        }
        Step::ConfirmPayment => Ok(()),
        Step::Reply if party != Party::Seller => Err(Refusal::ReplyBySeller),
        Step::Reply if facts.review != ReviewStatus::Unreplied => Err(Refusal::NoReviewToReply),
        Step::Reply => Ok(()),
        Step::Message if party == Party::System => Err(Refusal::MessageNotYours { party }),
        Step::Message => Ok(()),
    }
}

/// Every (from, to) change of state the machine allows: the `order_transitions` table.
pub fn transitions() -> BTreeSet<(State, State)> {
    let mut all = BTreeSet::new();
    for state in State::ALL {
        for party in Party::ALL {
            for action in Action::ALL {
                if let Ok(to) = decide(state, party, action) {
                    all.insert((state, to));
                }
            }
        }
    }
    all
}

// ---- the order form ----

/// How the buyer gets what they ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fulfilment {
    Delivery,
    Pickup,
    Service,
}

impl Fulfilment {
    pub const ALL: [Fulfilment; 3] = [
        Fulfilment::Delivery,
        Fulfilment::Pickup,
        Fulfilment::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fulfilment::Delivery => "delivery",
            Fulfilment::Pickup => "pickup",
            Fulfilment::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Fulfilment> {
        Fulfilment::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Fulfilment::Delivery => "Diantar ke alamat",
            Fulfilment::Pickup => "Diambil sendiri",
            Fulfilment::Service => "Dikerjakan di lokasi (jasa)",
        }
    }

    pub fn needs_address(self) -> bool {
        !matches!(self, Fulfilment::Pickup)
    }

    /// An order brought to the buyer has a delivery fee (ongkir) line, which the seller sets
    /// when accepting or quoting (0 for free delivery).
    pub fn has_delivery_fee(self) -> bool {
        matches!(self, Fulfilment::Delivery)
    }
}

/// A listing as the order form needs it.
#[derive(Debug, Clone)]
pub struct Offer {
    pub listing_id: i64,
    pub title: String,
    pub unit: String,
    pub price_kind: PriceKind,
    pub price: Option<i64>,
    pub min_order: i64,
    pub lead_days: i64,
}

/// One ordered line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub listing_id: i64,
    pub title: String,
    pub unit: String,
    pub quantity: i64,
    pub price_kind: PriceKind,
    pub unit_price: Option<i64>,
}

/// What the buyer typed, as text.
#[derive(Debug, Clone, Default)]
pub struct OrderInput {
    /// (listing id, typed quantity) for each listing on the form.
    pub quantities: Vec<(i64, String)>,
    pub needed_on: String,
    pub fulfilment: String,
    pub address: String,
    pub note: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// A valid order, ready to store.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub lines: Vec<Line>,
    pub needed_on: Date,
    pub fulfilment: Fulfilment,
    pub address: String,
    pub note: String,
    pub name: String,
    pub phone: Phone,
    pub email: String,
    /// Known when every line has a fixed price; otherwise the seller quotes.
    pub total: Option<Rupiah>,
}

impl NewOrder {
    /// The sum of the priced lines ("mulai dari" prices count at their lowest), for display.
    pub fn estimate(&self) -> i64 {
        self.lines
            .iter()
            .filter_map(|l| l.unit_price.map(|p| p.saturating_mul(l.quantity)))
            .sum()
    }
}

/// Messages for the order form: by field name, and by listing id for quantities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderErrors {
    pub fields: Vec<(&'static str, String)>,
    pub items: Vec<(i64, String)>,
}

impl OrderErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.fields.len() + self.items.len()
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.clone())
    }

    pub fn item(&self, listing_id: i64) -> Option<String> {
        self.items
            .iter()
            .find(|(id, _)| *id == listing_id)
            .map(|(_, m)| m.clone())
    }
}

const MAX_QUANTITY: i64 = 100_000;
const MAX_TEXT: usize = 1000;

/// The earliest date an order with these lines may ask for: today (WIB) plus the longest lead
/// time of the ordered listings.
pub fn earliest_date(today: Date, lead_days: i64) -> Date {
    today
        .checked_add(time::Duration::days(lead_days.clamp(0, 3650)))
        .unwrap_or(today)
}

pub(crate) fn parse_date(raw: &str) -> Option<Date> {
    let s = raw.trim();
    crate::domain::dates::parse_iso(s).or_else(|| {
        // `28/11/2026` or `28-11-2026`, as people type without a date picker.
        let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
        if parts.len() != 3 {
            return None;
        }
        let day: u8 = parts[0].trim().parse().ok()?;
        let month: u8 = parts[1].trim().parse().ok()?;
        let year: i32 = parts[2].trim().parse().ok()?;
        Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
    })
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && s.len() <= 200
}

impl NewOrder {
    /// Validates the form against the listings it was built from. `today` is the WIB date.
    pub fn parse(
        input: &OrderInput,
        offers: &[Offer],
        today: Date,
    ) -> Result<NewOrder, OrderErrors> {
        let mut errors = OrderErrors::default();
        let mut lines = Vec::new();
        for offer in offers {
            let typed = input
                .quantities
                .iter()
                .find(|(id, _)| *id == offer.listing_id)
                .map(|(_, q)| q.trim())
                .unwrap_or("");
            if typed.is_empty() || typed == "0" {
                continue;
            }
            let quantity = match typed.replace('.', "").parse::<i64>() {
                Ok(q) if q > 0 && q <= MAX_QUANTITY => q,
                Ok(q) if q > MAX_QUANTITY => {
                    errors.items.push((
                        offer.listing_id,
                        "Jumlah terlalu besar; hubungi penjual untuk pesanan sebanyak ini.".into(),
                    ));
                    continue;
                }
                _ => {
                    errors.items.push((
                        offer.listing_id,
                        "Isi jumlah dengan angka bulat, misalnya 2.".into(),
                    ));
                    continue;
                }
            };
            if quantity < offer.min_order {
                errors.items.push((
                    offer.listing_id,
                    format!("Minimal pesan {} {}.", offer.min_order, offer.unit),
                ));
                continue;
            }
            lines.push(Line {
                listing_id: offer.listing_id,
                title: offer.title.clone(),
                unit: offer.unit.clone(),
                quantity,
                price_kind: offer.price_kind,
                unit_price: offer.price,
            });
        }
        if lines.is_empty() && errors.items.is_empty() {
            errors.fields.push((
                "items",
                "Isi jumlah untuk sedikitnya satu produk atau jasa.".into(),
            ));
        }

        let lead = lines
            .iter()
            .filter_map(|l| offers.iter().find(|o| o.listing_id == l.listing_id))
            .map(|o| o.lead_days)
            .max()
            .unwrap_or(0);
        let earliest = earliest_date(today, lead);
        let needed_on = match parse_date(&input.needed_on) {
            None if input.needed_on.trim().is_empty() => {
                errors
                    .fields
                    .push(("needed_on", "Tanggal dibutuhkan wajib diisi.".into()));
                None
            }
            None => {
                errors.fields.push((
                    "needed_on",
                    "Tanggal tidak dikenali. Pilih dari kalender atau tulis seperti 28/11/2026."
                        .into(),
                ));
                None
            }
            Some(d) if d < earliest => {
                let message = if lead > 0 {
                    format!(
                        "Penjual perlu waktu {lead} hari. Pilih tanggal {} atau sesudahnya.",
                        crate::domain::dates::format_date(earliest)
                    )
                } else {
                    "Tanggal dibutuhkan tidak boleh sebelum hari ini.".into()
                };
                errors.fields.push(("needed_on", message));
                None
            }
            Some(d) if d > today.checked_add(time::Duration::days(366)).unwrap_or(d) => {
                errors.fields.push((
                    "needed_on",
                    "Tanggal terlalu jauh; pesan paling lama setahun sebelumnya.".into(),
                ));
                None
            }
            Some(d) => Some(d),
        };

        let fulfilment = match Fulfilment::parse(input.fulfilment.trim()) {
            Some(f) => Some(f),
            None => {
                errors
                    .fields
                    .push(("fulfilment", "Pilih cara pesanan diterima.".into()));
                None
            }
        };
        let address = input.address.trim().to_owned();
        if fulfilment.is_some_and(Fulfilment::needs_address) && address.chars().count() < 10 {
            errors.fields.push((
                "address",
                "Tulis alamat lengkap (jalan/RT, desa, kecamatan) untuk pengantaran atau jasa."
                    .into(),
            ));
        } else if address.chars().count() > 300 {
            errors
                .fields
                .push(("address", "Alamat paling panjang 300 karakter.".into()));
        }
        let note = input.note.trim().to_owned();
        if note.chars().count() > MAX_TEXT {
            errors
                .fields
                .push(("note", "Catatan paling panjang 1.000 karakter.".into()));
        }
        let name = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().count() < 2 {
            errors.fields.push(("name", "Nama wajib diisi.".into()));
        } else if name.chars().count() > 80 {
            errors
                .fields
                .push(("name", "Nama paling panjang 80 karakter.".into()));
        }
        let phone = match Phone::parse(&input.phone) {
            Ok(p) => Some(p),
            Err(m) => {
                errors.fields.push(("phone", m.into()));
                None
            }
        };
        let email = input.email.trim().to_lowercase();
        if !email.is_empty() && !looks_like_email(&email) {
            errors.fields.push((
                "email",
                "Alamat email tidak valid (contoh: nama@contoh.id). Kosongkan jika tidak ada."
                    .into(),
            ));
        }

        let total = if lines.iter().all(|l| l.price_kind == PriceKind::Fixed) {
            let mut sum = Rupiah::default();
            for l in &lines {
                let line = l
                    .unit_price
                    .and_then(|p| p.checked_mul(l.quantity))
                    .and_then(|v| Rupiah::new(v).ok());
                match line.and_then(|v| sum.checked_add(v)) {
                    Some(s) => sum = s,
                    None => {
                        errors
                            .fields
                            .push(("items", "Total pesanan terlalu besar.".into()));
                        break;
                    }
                }
            }
            Some(sum)
        } else {
            None
        };

        match (errors.is_empty(), needed_on, fulfilment, phone) {
            (true, Some(needed_on), Some(fulfilment), Some(phone)) => Ok(NewOrder {
                lines,
                needed_on,
                fulfilment,
                address: if fulfilment.needs_address() {
                    address
                } else {
                    String::new()
                },
                note,
                name,
                phone,
                email,
                total,
            }),
            _ => Err(errors),
        }
    }
}

/// A reason for cancelling, disputing or deciding: required, kept in the timeline.
pub fn parse_reason(raw: &str) -> Result<String, &'static str> {
    let reason = raw.trim();
    if reason.chars().count() < 5 {
        Err("Tulis alasannya (paling sedikit 5 karakter); alasan dicatat di riwayat pesanan.")
    } else if reason.chars().count() > MAX_TEXT {
        Err("Alasan paling panjang 1.000 karakter.")
    } else {
        Ok(reason.to_owned())
    }
}

/// A message in the order's thread.
pub fn parse_message(raw: &str) -> Result<String, &'static str> {
    let body = raw.trim();
    if body.is_empty() {
        Err("Pesan masih kosong.")
    } else if body.chars().count() > 2000 {
        Err("Pesan paling panjang 2.000 karakter.")
    } else {
        Ok(body.to_owned())
    }
}

/// A quoted total.
pub fn parse_quote(raw: &str) -> Result<Rupiah, &'static str> {
    let amount = Rupiah::parse(raw)?;
    if amount.amount() == 0 {
        Err("Harga penawaran harus lebih dari Rp0.")
    } else {
        Ok(amount)
    }
}

/// The delivery fee (ongkir) a seller sets: whole Rupiah, empty for free delivery.
pub fn parse_fee(raw: &str) -> Result<Rupiah, &'static str> {
    if raw.trim().is_empty() {
        return Ok(Rupiah::default());
    }
    let fee = Rupiah::parse(raw)?;
    if fee.amount() > MAX_FEE {
        Err("Ongkos kirim paling banyak Rp10.000.000.")
    } else {
        Ok(fee)
    }
}

const MAX_FEE: i64 = 10_000_000;

/// One line of an order's bill besides its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub label: &'static str,
    pub amount: i64,
}

/// The lines between an order's items and its total, so that the total always equals the sum
/// of the lines shown: the agreed price where it differs from the items' fixed prices (a
/// quote), and the delivery fee. `total` is the agreed total (fee included), `fee` its
/// delivery fee; `with_fee` says whether the order has a fee line at all.
pub fn bill_lines(lines: &[Line], total: i64, fee: i64, with_fee: bool) -> Vec<BillLine> {
    let goods = total - fee;
    let fixed: Option<i64> = lines
        .iter()
        .map(|l| match (l.price_kind, l.unit_price) {
            (PriceKind::Fixed, Some(p)) => p.checked_mul(l.quantity),
            _ => None,
        })
        .try_fold(0i64, |sum, v| v.and_then(|v| sum.checked_add(v)));
    let mut bill = Vec::new();
    match fixed {
        Some(sum) if sum == goods => {}
        Some(sum) => bill.push(BillLine {
            label: if goods < sum {
                "Potongan sesuai penawaran"
            } else {
                "Penyesuaian sesuai penawaran"
            },
            amount: goods - sum,
        }),
        None => bill.push(BillLine {
            label: "Harga sesuai penawaran",
            amount: goods,
        }),
    }
    if with_fee || fee > 0 {
        bill.push(BillLine {
            label: "Ongkos kirim",
            amount: fee,
        });
    }
    bill
}

// ---- payment ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayMethod {
    Cash,
    Transfer,
    Qris,
}

impl PayMethod {
    pub const ALL: [PayMethod; 3] = [PayMethod::Cash, PayMethod::Transfer, PayMethod::Qris];

    pub fn as_str(self) -> &'static str {
        match self {
            PayMethod::Cash => "cash",
            PayMethod::Transfer => "transfer",
            PayMethod::Qris => "qris",
        }
    }

    pub fn parse(s: &str) -> Option<PayMethod> {
        PayMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PayMethod::Cash => "Tunai",
            PayMethod::Transfer => "Transfer bank",
            PayMethod::Qris => "QRIS",
        }
    }
}

/// A payment the seller records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub method: PayMethod,
    pub paid_on: Date,
    pub amount: Rupiah,
}

/// States in which a payment may be recorded: the order was agreed and not cancelled.
pub fn payment_allowed(state: State) -> bool {
    matches!(
        state,
        State::Accepted
            | State::InProgress
            | State::Delivered
            | State::Completed
            | State::Reviewed
            | State::Disputed
    )
}

impl Payment {
    pub fn parse(
        method: &str,
        paid_on: &str,
        amount: &str,
        today: Date,
    ) -> Result<Payment, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let method = PayMethod::parse(method.trim());
        if method.is_none() {
            errors.push(("method", "Pilih cara pembayaran.".to_owned()));
        }
        let paid_on = parse_date(paid_on);
        match paid_on {
            None => errors.push(("paid_on", "Tanggal pembayaran wajib diisi.".to_owned())),
            Some(d) if d > today => errors.push((
                "paid_on",
                "Tanggal pembayaran tidak boleh sesudah hari ini.".to_owned(),
            )),
            _ => {}
        }
        let amount = match Rupiah::parse(amount) {
            Ok(a) if a.amount() > 0 => Some(a),
            Ok(_) => {
                errors.push(("amount", "Jumlah harus lebih dari Rp0.".to_owned()));
                None
            }
            Err(m) => {
                errors.push(("amount", m.to_owned()));
                None
            }
        };
        match (method, paid_on, amount) {
            (Some(method), Some(paid_on), Some(amount)) if errors.is_empty() => Ok(Payment {
                method,
                paid_on,
                amount,
            }),
            _ => Err(errors),
        }
    }
}

// ---- reviews ----

/// A buyer's review: 1–5 stars and an optional text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewForm {
    pub rating: i64,
    pub body: String,
}

impl ReviewForm {
    pub fn parse(rating: &str, body: &str) -> Result<ReviewForm, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let rating = match rating.trim().parse::<i64>() {
            Ok(r) if (1..=5).contains(&r) => r,
            _ => {
                errors.push(("rating", "Pilih 1 sampai 5 bintang.".to_owned()));
                0
            }
        };
        let body = body.trim().to_owned();
        if body.chars().count() > MAX_TEXT {
            errors.push(("body", "Ulasan paling panjang 1.000 karakter.".to_owned()));
        }
        if errors.is_empty() {
            Ok(ReviewForm { rating, body })
        } else {
            Err(errors)
        }
    }
}

/// The seller's one reply to a review.
pub fn parse_reply(raw: &str) -> Result<String, &'static str> {
    let reply = raw.trim();
    if reply.is_empty() {
        Err("Balasan masih kosong.")
    } else if reply.chars().count() > MAX_TEXT {
        Err("Balasan paling panjang 1.000 karakter.")
    } else {
        Ok(reply.to_owned())
    }
}

/// "★★★★☆"
/// What a buyer has to do on an order in `state`, for his to-do list: the step the machine
/// offers him other than cancelling, disputing or turning a quote down.
pub fn buyer_task(state: State) -> Option<Action> {
    available_actions(state, Party::Buyer)
        .into_iter()
        .find(|a| !matches!(a, Action::Cancel | Action::Dispute | Action::RejectQuote))
}

/// The to-do item for a buyer's step on order `id`: "Konfirmasi pesanan #19 sudah diterima".
pub fn buyer_task_text(action: Action, id: i64) -> String {
    match action {
        Action::AcceptQuote => format!("Tanggapi penawaran harga pesanan #{id}"),
        Action::Confirm => format!("Konfirmasi pesanan #{id} sudah diterima"),
        Action::Review => format!("Beri ulasan pesanan #{id}"),
        other => format!("{} (pesanan #{id})", other.label()),
    }
}

pub fn stars(rating: i64) -> String {
    let r = rating.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
}

#[cfg(test)]
mod tests;
