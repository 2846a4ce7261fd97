//! The government channel's workflow: what happens when an office, a provider, a treasurer or
//! the deadline job acts on a request. Each use case asks the domain once (`request::Allowed`,
//! the rotation, the document and tax rules), renders the documents the step issues, and
//! stores everything in one transaction through `db::procurement`. A refusal comes back typed
//! (`Refusal::Request`), for the page to show.
//!
//! Every function takes `at`, the instant the step happens: now for people, a date in the past
//! for the demo's year of activity, so documents carry the date they were issued.

use crate::app::{AppError, AppResult};
use crate::config::Instance;
use crate::db::audit::Who;
use crate::db::directory::{self, Office};
use crate::db::gov_settings::ProcurementSettings;
use crate::db::procurement::{
    self as store, Ask, BusinessFacts, Change, Deposit, DocumentRow, Effect, Issuer, NewDocument,
    Next, PaymentInput, Request, StoredItem,
};
use crate::db::{Db, DbError};
use crate::domain::Refusal;
use crate::domain::dates::{WIB, date_in_words, format_date_unbroken};
use crate::domain::npwp::Npwp;
use crate::domain::procurement::documents::{
    DocumentKind, DocumentRules, contract_document, signer_for,
};
use crate::domain::procurement::request::{
    Action, Allowed, Party, Quote, Refusal as Why, State, passed_on,
};
use crate::domain::procurement::rotation::{self, Exclusion, Proposal, RequestFacts};
use crate::domain::procurement::tax::{self, SellerTax, TaxBreakdown};
use crate::domain::procurement::words::rupiah_in_words_capitalised;
use crate::pdf;
use crate::secrets::{Key, personal};

fn refused(why: Why) -> AppError {
    AppError::Refused(Refusal::Request(why))
}

/// What the workflow needs besides the request.
pub struct Flow<'a> {
    pub db: &'a Db,
    pub settings: &'a ProcurementSettings,
    pub instance: &'a Instance,
    /// The public address for links in messages, and whether email is configured.
    pub reach: &'a crate::db::orders::Reach,
    /// The data key, to open the provider's sealed NPWP for the documents.
    pub key: &'a Key,
}

/// A proposal with the business's name, for the office's choice.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub proposal: Proposal,
    pub name: String,
    pub kecamatan: String,
    /// The business's catalog price for the request's items (filled for the proposals shown).
    pub catalog: crate::domain::procurement::catalog::CatalogPrice,
}

/// The rotation's answer for a request right now.
#[derive(Debug, Clone, Default)]
pub struct Proposals {
    /// Every eligible business, best first.
    pub all: Vec<Proposed>,
    /// How many the office is shown.
    pub shown: usize,
    /// Businesses of the trade that are not proposed, with why.
    pub excluded: Vec<(String, Exclusion)>,
}

fn year_start(year: i64) -> i64 {
    time::Date::from_ordinal_date(i32::try_from(year).unwrap_or(2026), 1)
        .map(|d| d.midnight().assume_offset(WIB).unix_timestamp())
        .unwrap_or(0)
}

use crate::domain::dates::wib_date;

impl Flow<'_> {
    /// Ranks the businesses of the request's trade for it, leaving out those already asked.
    pub async fn proposals(&self, request: &Request, at: i64) -> AppResult<Proposals> {
        let today = crate::domain::dates::to_iso(wib_date(at));
        let rows =
            store::candidates(self.db, request, &today, year_start(request.fiscal_year)).await?;
        let asked = store::asked(self.db, request.id).await?;
        let facts = RequestFacts {
            kecamatan_code: &request.kecamatan_code,
            kecamatan_name: &request.kecamatan,
            now: at,
            already_asked: &asked,
        };
        let candidates: Vec<_> = rows.iter().map(|r| r.candidate.clone()).collect();
        let ranking = rotation::rank(&candidates, &facts, &self.settings.rotation);
        let name_of = |id: i64| {
            rows.iter()
                .find(|r| r.candidate.business_id == id)
                .map(|r| (r.candidate.name.clone(), r.kecamatan.clone()))
                .unwrap_or_default()
        };
        let shown = ranking.shown(&self.settings.rotation).len();
        let mut all: Vec<Proposed> = ranking
            .proposals
            .into_iter()
            .map(|p| {
                let (name, kecamatan) = name_of(p.business_id);
                Proposed {
                    proposal: p,
                    name,
                    kecamatan,
                    catalog: Default::default(),
                }
            })
            .collect();
        // The catalog price of each provider shown, beside the HPS.
        let items = store::items(self.db, request.id).await?;
        let wanted: Vec<_> = items
            .iter()
            .map(|i| crate::domain::procurement::catalog::Wanted {
                description: &i.item.description,
                quantity: i.item.quantity,
                unit: &i.item.unit,
            })
            .collect();
        for p in all.iter_mut().take(shown) {
            let listings = store::catalog_listings(self.db, p.proposal.business_id).await?;
            p.catalog =
                crate::domain::procurement::catalog::price(&request.title, &wanted, &listings);
        }
        Ok(Proposals {
            all,
            shown,
            excluded: ranking
                .excluded
                .into_iter()
                .map(|(id, e)| (name_of(id).0, e))
                .collect(),
        })
    }

    /// Opens the step's transaction with the change of state applied; the caller adds what the
    /// step issues and commits.
    async fn step(
        &self,
        request: &Request,
        change: Change<'_>,
        who: &Who<'_>,
    ) -> AppResult<crate::db::Tx> {
        let mut tx = self.db.begin().await?;
        store::apply(&mut tx, request, &change, who).await?;
        Ok(tx)
    }

    /// The domain's one answer to "may this party do this now".
    fn check(&self, request: &Request, party: Party, action: Action) -> AppResult<State> {
        Allowed::new(request.state, party)
            .may(action)
            .map_err(refused)
    }

    fn expires(&self, at: i64) -> i64 {
        at + self.settings.documents.offer_hours.max(1) * 3600
    }

    /// The office asks a provider: `choice` is a business from the proposals shown, or `None`
    /// to let Karya assign the first. Passing over the first needs a reason.
    pub async fn choose(
        &self,
        request: &Request,
        party: Party,
        choice: Option<i64>,
        override_reason: &str,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::Offer)?;
        let proposals = self.proposals(request, at).await?;
        let Some(first) = proposals.all.first() else {
            return Err(refused(Why::NobodyEligible));
        };
        let (picked, assigned) = match choice {
            None => (first, true),
            Some(id) => (
                proposals.all[..proposals.shown]
                    .iter()
                    .find(|p| p.proposal.business_id == id)
                    .ok_or_else(|| refused(Why::NotProposed))?,
                false,
            ),
        };
        let rank = picked.proposal.rank as i64;
        let reason = override_reason.trim();
        if rank > 1 && reason.chars().count() < 5 {
            return Err(refused(Why::OverrideWithoutReason));
        }
        let reason = if rank > 1 { reason } else { "" };
        let tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::Offer,
                    party,
                    to,
                    note: "",
                    effect: Effect::Ask(Ask {
                        business_id: picked.proposal.business_id,
                        rank,
                        expires_at: self.expires(at),
                        first_business_id: first.proposal.business_id,
                        override_reason: reason,
                        assigned,
                    }),
                },
                who,
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The provider accepts with a quote.
    pub async fn quote(
        &self,
        request: &Request,
        party: Party,
        quote: &Quote,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::Quote)?;
        contract_document(&self.settings.documents, quote.total)
            .map_err(|e| refused(Why::AboveSpkLimit(e)))?;
        let tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::Quote,
                    party,
                    to,
                    note: "",
                    effect: Effect::Quote(quote),
                },
                who,
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Decline (provider), expire (the deadline job) or reject the quote (office): the request
    /// goes to the next in rotation, or becomes unserved when nobody eligible is left.
    pub async fn pass_on(
        &self,
        request: &Request,
        action: Action,
        party: Party,
        reason: &str,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<State> {
        self.check(request, party, action)?;
        let proposals = self.proposals(request, at).await?;
        let next = proposals.all.first().map(|p| Next {
            business_id: p.proposal.business_id,
            rank: p.proposal.rank as i64,
            expires_at: self.expires(at),
        });
        let to = passed_on(next.is_some());
        let offer_state = match action {
            Action::Decline => "declined",
            Action::Expire => "expired",
            _ => "rejected",
        };
        let tx = self
            .step(
                request,
                Change {
                    at,
                    action,
                    party,
                    to,
                    note: reason,
                    effect: Effect::PassOn { offer_state, next },
                },
                who,
            )
            .await?;
        tx.commit().await?;
        Ok(to)
    }

    /// Steps that change only the state and the timeline: cancel, dispute, resolve, reopen.
    pub async fn plain(
        &self,
        request: &Request,
        action: Action,
        party: Party,
        reason: &str,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<State> {
        let to = self.check(request, party, action)?;
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action,
                    party,
                    to,
                    note: reason,
                    effect: Effect::Plain,
                },
                who,
            )
            .await?;
        if to == State::Cancelled {
            // A cancelled purchase's letters are void; they stay on file with the reason.
            for doc in store::documents_in(&mut tx, request.id).await? {
                if doc.voided_at.is_none() {
                    store::void_document(&mut tx, &doc, reason, who, at).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(to)
    }

    /// The office accepts the quote: the Surat Pesanan is issued, and an SPK when the value
    /// calls for one.
    pub async fn order(
        &self,
        request: &Request,
        party: Party,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::Order)?;
        let total = request.quoted_total.ok_or_else(|| refused(Why::NoQuote))?;
        let contract = contract_document(&self.settings.documents, total)
            .map_err(|e| refused(Why::AboveSpkLimit(e)))?;
        let paper = self.paper(request).await?;
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::Order,
                    party,
                    to,
                    note: "",
                    effect: Effect::Order,
                },
                who,
            )
            .await?;
        let mut kinds = vec![DocumentKind::SuratPesanan];
        if contract == DocumentKind::Spk {
            kinds.push(DocumentKind::Spk);
        }
        for kind in kinds {
            self.issue(&mut tx, &paper, kind, None, None, who, at)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The provider marks the work done and issues the invoice.
    pub async fn mark_done(
        &self,
        request: &Request,
        party: Party,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::MarkDone)?;
        let paper = self.paper(request).await?;
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::MarkDone,
                    party,
                    to,
                    note: "",
                    effect: Effect::MarkDone,
                },
                who,
            )
            .await?;
        let already = store::documents_in(&mut tx, request.id)
            .await?
            .into_iter()
            .any(|d| d.kind == DocumentKind::Invoice && d.voided_at.is_none());
        if !already {
            self.issue(&mut tx, &paper, DocumentKind::Invoice, None, None, who, at)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The office signs the hand-over (BAST) and rates the work.
    pub async fn sign_bast(
        &self,
        request: &Request,
        party: Party,
        rating: i64,
        note: &str,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::SignBast)?;
        if !(1..=5).contains(&rating) {
            return Err(refused(Why::BadRating));
        }
        let paper = self.paper(request).await?;
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::SignBast,
                    party,
                    to,
                    note,
                    effect: Effect::Bast { rating },
                },
                who,
            )
            .await?;
        self.issue(&mut tx, &paper, DocumentKind::Bast, None, None, who, at)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tax lines the treasurer withholds on this request's value.
    pub async fn tax(&self, request: &Request) -> AppResult<TaxBreakdown> {
        let total = request
            .quoted_total
            .ok_or_else(|| refused(Why::NoAgreedValue))?;
        let business = self.business(request).await?;
        Ok(tax::compute(
            &self.settings.tax,
            request.tax_kind,
            SellerTax {
                pkp: business.pkp,
                has_npwp: !business.npwp.trim().is_empty(),
                umkm_final: business.umkm_final,
            },
            total,
        ))
    }

    /// The treasurer records the payment: gross is the agreed value, the taxes follow the rules,
    /// and the provider's receipt (bukti pembelian or kuitansi) is issued with it.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_payment(
        &self,
        request: &Request,
        party: Party,
        paid_on: time::Date,
        method: &str,
        proof_number: &str,
        deposits: &[Deposit],
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::RecordPayment)?;
        let breakdown = self.tax(request).await?;
        let paper = self.paper(request).await?;
        let receipt = match contract_document(&self.settings.documents, breakdown.gross) {
            Ok(DocumentKind::BuktiPembelian) => DocumentKind::BuktiPembelian,
            _ => DocumentKind::Kuitansi,
        };
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::RecordPayment,
                    party,
                    to,
                    note: &format!(
                        "Bruto {}, potongan pajak {}, dibayar {} ({proof_number})",
                        pdf::rupiah(breakdown.gross),
                        pdf::rupiah(breakdown.withheld),
                        pdf::rupiah(breakdown.net)
                    ),
                    effect: Effect::Paid,
                },
                who,
            )
            .await?;
        store::record_payment(
            &mut tx,
            request.id,
            &PaymentInput {
                at,
                paid_on: &crate::domain::dates::to_iso(paid_on),
                method,
                proof_number,
                tax: &breakdown,
                deposits,
            },
            who,
        )
        .await?;
        self.issue(&mut tx, &paper, receipt, Some(&breakdown), None, who, at)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The treasurer writes the billing codes and NTPNs of the live payment's tax deposits,
    /// which often come days after the payment.
    pub async fn record_deposits(
        &self,
        request: &Request,
        party: Party,
        deposits: &[Deposit],
        who: &Who<'_>,
    ) -> AppResult<()> {
        if party != Party::Treasurer {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        store::update_deposits(&mut tx, request.id, deposits, who).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The treasurer voids a wrong payment record (kept, with the reason) and its receipt.
    pub async fn void_payment(
        &self,
        request: &Request,
        party: Party,
        reason: &str,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::VoidPayment)?;
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::VoidPayment,
                    party,
                    to,
                    note: reason,
                    effect: Effect::VoidPayment,
                },
                who,
            )
            .await?;
        store::void_payment(&mut tx, request.id, reason, at).await?;
        for doc in store::documents_in(&mut tx, request.id).await? {
            if matches!(
                doc.kind,
                DocumentKind::Kuitansi | DocumentKind::BuktiPembelian
            ) && doc.voided_at.is_none()
            {
                store::void_document(&mut tx, &doc, reason, who, at).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The provider confirms the money arrived.
    pub async fn confirm_receipt(
        &self,
        request: &Request,
        party: Party,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<()> {
        let to = self.check(request, party, Action::ConfirmReceipt)?;
        let mut tx = self
            .step(
                request,
                Change {
                    at,
                    action: Action::ConfirmReceipt,
                    party,
                    to,
                    note: "",
                    effect: Effect::Confirm,
                },
                who,
            )
            .await?;
        store::confirm_payment(&mut tx, request.id, at).await?;
        tx.commit().await?;
        if let Some(alumnus) = request.provider_alumnus_id {
            crate::app::capital::nudge_after_payment(self.db, self.reach, alumnus).await;
        }
        Ok(())
    }

    /// The issuer voids a document with a reason and issues its replacement (a new number that
    /// names the old one), rendered from the request's current data.
    pub async fn reissue(
        &self,
        request: &Request,
        doc: &DocumentRow,
        party: Party,
        reason: &str,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<DocumentRow> {
        Allowed::new(request.state, party)
            .may_reissue(doc.kind, doc.voided_at.is_some())
            .map_err(refused)?;
        let paper = self.paper(request).await?;
        let breakdown = match doc.kind {
            DocumentKind::Kuitansi | DocumentKind::BuktiPembelian => Some(self.tax(request).await?),
            _ => None,
        };
        let mut tx = self.db.begin().await?;
        store::void_document(&mut tx, doc, reason, who, at).await?;
        let new = self
            .issue(
                &mut tx,
                &paper,
                doc.kind,
                breakdown.as_ref(),
                Some(doc),
                who,
                at,
            )
            .await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Passes on every offer whose deadline ran out. Returns how many were passed on.
    pub async fn expire_due(&self, at: i64) -> AppResult<usize> {
        let mut n = 0;
        for id in store::expired_offers(self.db, at).await? {
            let request = store::get(self.db, id).await?;
            if request.state != State::Offered {
                continue;
            }
            let who = Who {
                id: None,
                label: "sistem",
                ip: "",
            };
            match self
                .pass_on(
                    &request,
                    Action::Expire,
                    Party::System,
                    "Tidak dijawab sampai batas waktu.",
                    &who,
                    at,
                )
                .await
            {
                Ok(_) => n += 1,
                // Answered meanwhile: nothing to do.
                Err(AppError::Stale) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    // ---- documents ----

    async fn business(&self, request: &Request) -> AppResult<BusinessFacts> {
        let id = request
            .business_id
            .ok_or_else(|| refused(Why::NoProvider))?;
        Ok(store::business_facts(self.db, id).await?)
    }

    /// Everything a document of this request prints, read once before the transaction.
    async fn paper(&self, request: &Request) -> AppResult<Paper> {
        let business = self.business(request).await?;
        Ok(Paper {
            request: request.clone(),
            office: directory::office(self.db, request.office_id).await?,
            npwp: npwp_of(self.key, &business)
                .and_then(|n| Npwp::parse(&n).ok())
                .map(|n| n.as_str().to_owned()),
            business,
            items: store::items(self.db, request.id).await?,
            logo: logo(self.instance),
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn issue(
        &self,
        tx: &mut crate::db::Tx,
        paper: &Paper,
        kind: DocumentKind,
        breakdown: Option<&TaxBreakdown>,
        replaces: Option<&DocumentRow>,
        who: &Who<'_>,
        at: i64,
    ) -> AppResult<DocumentRow> {
        let date = wib_date(at);
        let year = i64::from(date.year());
        let issuer = match kind {
            DocumentKind::Invoice | DocumentKind::Kuitansi | DocumentKind::BuktiPembelian => {
                Issuer::Business(paper.business.id)
            }
            _ => Issuer::Office(paper.office.id),
        };
        let code = match issuer {
            Issuer::Office(_) => paper.office.code.clone(),
            Issuer::Business(id) => format!("KRY{id}"),
        };
        let pattern = &self.settings.documents.pattern;
        let number =
            |seq: i64| pattern.format(seq, kind, &code, u8::from(date.month()), date.year());
        let amount = breakdown
            .map(|b| b.gross)
            .or(paper.request.quoted_total)
            .unwrap_or(0);
        let instance = self.instance;
        let rules = &self.settings.documents;
        let render = |number: &str| {
            let doc = paper.document(instance, rules, kind, number, date, breakdown, replaces);
            pdf::render(&doc).map_err(|e| e.to_string())
        };
        Ok(store::issue(
            tx,
            &NewDocument {
                request_id: paper.request.id,
                kind,
                issuer,
                year,
                amount,
                replaces_id: replaces.map(|d| d.id),
                at,
                number: &number,
                render: &render,
            },
            who,
        )
        .await?)
    }
}

/// The district government's line of the letterhead ("PEMERINTAH KABUPATEN …").
fn government_line(instance: &Instance) -> String {
    instance
        .letterhead
        .lines()
        .next()
        .unwrap_or("PEMERINTAH KABUPATEN")
        .to_owned()
}

/// The agency's own letterhead (the government line, the agency, its address and the logo),
/// for documents the agency issues outside a procurement (the alumni track record).
pub(crate) fn agency_letterhead(instance: &Instance) -> pdf::Letterhead {
    pdf::Letterhead {
        government: government_line(instance),
        office: instance
            .letterhead
            .lines()
            .nth(1)
            .map(str::to_owned)
            .unwrap_or_else(|| instance.agency_name.to_uppercase()),
        address: instance.address.clone(),
        contact: String::new(),
        logo_png: logo(instance),
    }
}

/// The district's emblem from `logo_path`, or the built-in placeholder emblem when none is
/// set (or the file cannot be read, which is logged).
fn logo(instance: &Instance) -> Option<Vec<u8>> {
    if !instance.logo_path.is_empty() {
        match std::fs::read(&instance.logo_path) {
            Ok(bytes) => return Some(bytes),
            Err(e) => tracing::warn!(path = %instance.logo_path, error = %e, "logo unreadable"),
        }
    }
    Some(pdf::placeholder_emblem())
}

/// The facts a request's documents print.
struct Paper {
    request: Request,
    office: Office,
    business: BusinessFacts,
    /// The provider's NPWP, opened, as written on tax documents.
    npwp: Option<String>,
    items: Vec<StoredItem>,
    logo: Option<Vec<u8>>,
}

impl Paper {
    /// The heading of a letter the office issues (SP, SPK, BAST): the district's line, the
    /// office, its address and its contact line, with the district's emblem.
    fn office_letterhead(&self, instance: &Instance) -> pdf::Letterhead {
        let o = &self.office;
        let mut address = o.address.trim().to_owned();
        if !o.kecamatan.is_empty() && !address.contains(&o.kecamatan) {
            address = join_nonempty(&[&address, &format!("Kecamatan {}", o.kecamatan)], ", ");
        }
        let postal = (!o.postal_code.is_empty()).then(|| format!("Kode Pos {}", o.postal_code));
        let phone = (!o.phone.is_empty()).then(|| format!("Telepon {}", o.phone));
        let email = (!o.email.is_empty()).then(|| format!("Email {}", o.email));
        let contact: Vec<String> = [phone, email, postal].into_iter().flatten().collect();
        pdf::Letterhead {
            government: government_line(instance),
            office: o.name.to_uppercase(),
            address,
            contact: contact.join(" · "),
            logo_png: self.logo.clone(),
        }
    }

    /// The heading of the provider's own documents (invoice, receipts): the business's name
    /// and address, its bank account and NPWP; never the government's letterhead.
    fn provider_letterhead(&self) -> pdf::Letterhead {
        let b = &self.business;
        let bank = if b.bank_account.is_empty() {
            None
        } else {
            Some(format!(
                "Rekening {} {} a.n. {}",
                b.bank_name, b.bank_account, b.bank_holder
            ))
        };
        let npwp = Some(match &self.npwp {
            Some(n) => format!("NPWP {n}"),
            None => "NPWP: belum ada".to_owned(),
        });
        let phone = b.phone.as_ref().map(|p| format!("WhatsApp {p}"));
        pdf::Letterhead {
            government: String::new(),
            office: b.name.to_uppercase(),
            address: join_nonempty(
                &[
                    b.address.as_str(),
                    &if b.kecamatan.is_empty() {
                        String::new()
                    } else {
                        format!("Kecamatan {}", b.kecamatan)
                    },
                ],
                ", ",
            ),
            contact: [phone, bank, npwp]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            logo_png: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn document(
        &self,
        instance: &Instance,
        rules: &DocumentRules,
        kind: DocumentKind,
        number: &str,
        date: time::Date,
        breakdown: Option<&TaxBreakdown>,
        replaces: Option<&DocumentRow>,
    ) -> pdf::Document {
        let r = &self.request;
        let o = &self.office;
        let b = &self.business;
        let total = r.quoted_total.unwrap_or(0);
        let place = if o.kecamatan.is_empty() {
            "Muara Sabak".to_owned()
        } else {
            o.kecamatan.clone()
        };
        // The date never breaks across lines; the line may break after the comma.
        let place_date = format!("{place}, {}", format_date_unbroken(date));
        let role = signer_for(rules, o.signer, total).label();
        let provider = format!("{} (usaha alumni BLK, Karya #{})", b.name, b.id);
        let officer = |caption: &str, name: &str, nip: &str| pdf::Signature {
            caption: caption.to_owned(),
            name: if name.is_empty() {
                "(belum diisi)".into()
            } else {
                name.to_owned()
            },
            nip: (!nip.is_empty()).then(|| nip.to_owned()),
            place_date: None,
            meterai: None,
        };
        let seller = pdf::Signature {
            caption: format!("Penyedia, {}", b.name),
            name: b.owner_name.clone(),
            nip: None,
            place_date: None,
            meterai: None,
        };
        let ppk = officer(role, &o.ppk_name, &o.ppk_nip);
        let lines = self
            .items
            .iter()
            .map(|i| pdf::Line {
                description: i.item.description.clone(),
                quantity: i.item.quantity,
                unit: i.item.unit.clone(),
                unit_price: i.unit_price,
                total: i.unit_price.map(|p| p.saturating_mul(i.item.quantity)),
            })
            .collect();
        let mut facts = vec![
            ("Pekerjaan".to_owned(), r.title.clone()),
            ("Jenis pekerjaan".to_owned(), r.category.clone()),
            ("Penyedia".to_owned(), provider),
            (
                "Alamat penyedia".to_owned(),
                join_nonempty(&[b.address.as_str(), b.kecamatan.as_str()], ", "),
            ),
            (
                "Tempat pekerjaan".to_owned(),
                format!("{}, Kec. {}", r.place, r.kecamatan),
            ),
            ("Waktu pekerjaan".to_owned(), {
                let from = crate::domain::dates::long_date(&r.date_from);
                let until = crate::domain::dates::long_date(&r.date_until);
                let span = if r.date_until == r.date_from || r.date_until.is_empty() {
                    from
                } else {
                    format!("{from} s.d. {until}")
                };
                format!("{span} {}", r.time_window).trim().to_owned()
            }),
            ("Nomor permintaan Karya".to_owned(), format!("#{}", r.id)),
        ];
        if let Some(line) = &r.budget_line {
            facts.push(("Mata anggaran".to_owned(), line.clone()));
        }
        let mut letterhead = self.office_letterhead(instance);
        let (intro, closing, signatures, tax_lines, net) = match kind {
            DocumentKind::SuratPesanan => (
                vec![format!(
                    "Yang bertanda tangan di bawah ini, {role} pada {}, memesan barang/jasa \
                     berikut kepada penyedia dengan harga sesuai penawaran yang telah disetujui:",
                    o.name
                )],
                vec![
                    "Pekerjaan dilaksanakan sesuai waktu dan tempat di atas. Pembayaran \
                     dilakukan setelah Berita Acara Serah Terima ditandatangani, dipotong \
                     pajak sesuai ketentuan."
                        .to_owned(),
                ],
                vec![ppk, seller],
                vec![],
                None,
            ),
            DocumentKind::Spk => (
                vec![format!(
                    "Pada hari ini {}, {role} pada {} memerintahkan penyedia untuk \
                     melaksanakan pekerjaan berikut:",
                    date_in_words(date),
                    o.name
                )],
                vec![
                    "Penyedia wajib menyelesaikan pekerjaan sesuai spesifikasi, waktu dan \
                     tempat yang ditetapkan. Keterlambatan dan cacat mutu menjadi tanggung \
                     jawab penyedia sesuai Perpres 16/2018 jo. Perpres 12/2021."
                        .to_owned(),
                ],
                vec![seller, ppk],
                vec![],
                None,
            ),
            DocumentKind::Bast => (
                vec![format!(
                    "Pada hari ini {}, kami yang bertanda tangan di bawah ini menyatakan bahwa \
                     penyedia telah menyerahkan hasil pekerjaan berikut kepada {} dalam keadaan \
                     baik dan lengkap:",
                    date_in_words(date),
                    o.name
                )],
                vec![match r.rating {
                    Some(n) => format!("Penilaian hasil pekerjaan oleh OPD: {n} dari 5."),
                    None => String::new(),
                }]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
                vec![seller, ppk],
                vec![],
                None,
            ),
            DocumentKind::Invoice => {
                letterhead = self.provider_letterhead();
                (
                    vec![format!(
                        "Kepada Yth. {role} {}. Dengan hormat, bersama ini kami sampaikan \
                         tagihan atas pekerjaan berikut:",
                        o.name
                    )],
                    vec![if b.bank_account.is_empty() {
                        "Pembayaran mohon ditransfer ke rekening penyedia yang terdaftar."
                            .to_owned()
                    } else {
                        format!(
                            "Pembayaran mohon ditransfer ke {} nomor rekening {} atas nama {}.",
                            b.bank_name, b.bank_account, b.bank_holder
                        )
                    }],
                    vec![seller],
                    vec![],
                    None,
                )
            }
            DocumentKind::Kuitansi | DocumentKind::BuktiPembelian => {
                letterhead = self.provider_letterhead();
                let taxes = breakdown
                    .map(|t| {
                        t.lines
                            .iter()
                            .map(|l| (l.label.clone(), l.amount))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                let notes = breakdown.map(|t| t.notes.clone()).unwrap_or_default();
                // The provider signs for the money received: the stamp duty goes by that
                // signature when the amount calls for it.
                let seller = pdf::Signature {
                    meterai: rules.meterai(total),
                    ..seller
                };
                (
                    vec![format!(
                        "Sudah terima dari Bendahara Pengeluaran {} uang sejumlah {} untuk \
                         pembayaran pekerjaan berikut:",
                        o.name,
                        pdf::rupiah(total)
                    )],
                    notes,
                    vec![
                        officer("Bendahara Pengeluaran", &o.treasurer_name, &o.treasurer_nip),
                        seller,
                        officer(&format!("Mengetahui, {role}"), &o.ppk_name, &o.ppk_nip),
                    ],
                    taxes,
                    breakdown.map(|t| t.net),
                )
            }
        };
        let mut intro = intro;
        if let Some(old) = replaces {
            intro.insert(
                0,
                format!("Dokumen ini menggantikan {} yang dibatalkan.", old.number),
            );
        }
        pdf::Document {
            letterhead,
            title: kind.title().to_owned(),
            number: number.to_owned(),
            place_date,
            intro,
            facts,
            lines,
            total: Some(total),
            amount_in_words: Some(rupiah_in_words_capitalised(total)),
            tax_lines,
            net,
            closing,
            signatures,
            void_notice: None,
        }
    }
}

/// The non-empty parts joined.
fn join_nonempty(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// The settings in force with their stored pairs (for pages that show them).
pub async fn settings(db: &Db) -> Result<ProcurementSettings, DbError> {
    crate::db::gov_settings::current(db).await
}

// ---- a business's tax position ----

/// What the provider states about their taxes and how much office work they take on.
pub struct TaxProfile {
    pub npwp: Option<Npwp>,
    pub pkp: bool,
    pub umkm_final: bool,
    pub capacity: i64,
}

/// Stores a business's tax position with its NPWP sealed; the audit entry names the NPWP
/// masked.
pub async fn update_business_tax(
    db: &Db,
    key: &Key,
    business_id: i64,
    profile: &TaxProfile,
    who: &Who<'_>,
) -> AppResult<()> {
    let sealed = profile
        .npwp
        .as_ref()
        .map(|n| personal::seal(key, n.as_str()))
        .unwrap_or_default();
    let mut tx = db.begin().await?;
    store::update_business_tax(
        &mut tx,
        business_id,
        &sealed,
        profile.pkp,
        profile.umkm_final,
        profile.capacity,
    )
    .await?;
    crate::db::audit::append(
        &mut tx,
        who.event(
            "business.tax",
            "business",
            business_id,
            serde_json::json!({
                "npwp": profile.npwp.as_ref().map(Npwp::masked),
                "pkp": profile.pkp,
                "umkm_final": profile.umkm_final,
                "capacity": profile.capacity,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A business's NPWP as its owner typed it, from the stored sealed value.
pub fn npwp_of(key: &Key, facts: &store::BusinessFacts) -> Option<String> {
    personal::open(key, &facts.npwp)
}

/// Seals NPWPs an older version stored in clear (run at start-up; idempotent). Returns how
/// many were sealed.
pub async fn seal_stored_npwps(db: &Db, key: &Key) -> AppResult<usize> {
    let mut sealed = 0;
    for (id, stored) in store::stored_npwps(db).await? {
        if personal::open(key, &stored).is_some() {
            continue;
        }
        let Ok(npwp) = Npwp::parse(&stored) else {
            // Neither sealed with this key nor an NPWP: leave it and say so.
            tracing::warn!(
                business_id = id,
                "stored NPWP is neither sealed nor an NPWP"
            );
            continue;
        };
        store::replace_npwp(db, id, &stored, &personal::seal(key, npwp.as_str())).await?;
        sealed += 1;
    }
    if sealed > 0 {
        tracing::info!(sealed, "NPWP stored in clear by an older version sealed");
    }
    Ok(sealed)
}

/// Passes on offers whose deadline ran out, every minute for the life of the server. Several
/// instances may run it at once: each step is a conditional update, so one of them wins and the
/// others find the request already moved.
pub async fn expire_periodically(
    db: Db,
    settings: std::sync::Arc<crate::config::Settings>,
    key: Key,
) {
    let reach = crate::db::orders::Reach::from_settings(&settings);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let procurement = match crate::db::gov_settings::current(&db).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "procurement settings unreadable; offers not expired");
                continue;
            }
        };
        let flow = Flow {
            db: &db,
            settings: &procurement,
            instance: &settings.instance,
            reach: &reach,
            key: &key,
        };
        match flow.expire_due(crate::db::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "office offers passed on after their deadline"),
            Err(e) => tracing::warn!(error = %e, "passing on expired office offers failed"),
        }
    }
}

/// Everything the request page shows, read at once: the settings in force, the domain's answer
/// of what the viewer may do, and the request's items, proposals, documents, payments, offers
/// and timeline. The handler only turns it into view lines.
pub struct RequestPage {
    pub settings: ProcurementSettings,
    /// What the viewer may do (`None`: a provider asked before, who may only read).
    pub allowed: Option<Allowed>,
    pub items: Vec<StoredItem>,
    /// The rotation's proposals, when the viewer may choose a provider.
    pub proposals: Option<Proposals>,
    /// Whom the viewer may tell over WhatsApp that the next step is theirs (the provider asked
    /// or ordered, the office to decide or sign, the treasurer to pay), with their phone.
    pub waiting: Option<Waiting>,
    /// The tax the payment would carry, when the viewer may order or pay.
    pub tax: Option<TaxBreakdown>,
    pub documents: Vec<DocumentRow>,
    pub payments: Vec<store::PaymentRow>,
    pub offers: Vec<store::OfferRow>,
    pub timeline: Vec<store::TimelineEvent>,
}

/// Someone who waits on the viewer's last step, reachable over WhatsApp.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub event: crate::app::words::RequestEvent,
    pub phone: crate::domain::phone::Phone,
    /// "penyedia", "OPD", "bendahara".
    pub whom: &'static str,
}

/// After the viewer's step, who must act next and their phone: the office tells the provider
/// of an offer (with its deadline) or an order (SP), and the treasurer of a signed BAST; the
/// provider tells the office of a quote or finished work; the treasurer tells the provider of
/// the payment.
async fn waiting(db: &Db, request: &Request, party: Option<Party>) -> AppResult<Option<Waiting>> {
    use crate::app::words::RequestEvent as E;
    let provider = || async {
        match request.business_id {
            Some(b) => Ok::<_, AppError>(store::business_facts(db, b).await?.phone),
            None => Ok(None),
        }
    };
    let (event, phone, whom) = match (party, request.state) {
        (Some(Party::Office), State::Offered) => (E::Offered, provider().await?, "penyedia"),
        (Some(Party::Office), State::Ordered) => (E::Ordered, provider().await?, "penyedia"),
        (Some(Party::Office), State::Accepted) => (
            E::BastSigned,
            store::office_phone(db, request.office_id, "bendahara").await?,
            "bendahara",
        ),
        (Some(Party::Provider), State::Quoted) => (
            E::Quoted,
            store::office_phone(db, request.office_id, "opd").await?,
            "OPD",
        ),
        (Some(Party::Provider), State::Done) => (
            E::Done,
            store::office_phone(db, request.office_id, "opd").await?,
            "OPD",
        ),
        (Some(Party::Treasurer), State::Paid) => (E::Paid, provider().await?, "penyedia"),
        _ => return Ok(None),
    };
    Ok(phone
        .as_deref()
        .and_then(|p| crate::domain::phone::Phone::parse(p).ok())
        .map(|phone| Waiting { event, phone, whom }))
}

/// The request page for `party` (see [`RequestPage`]).
pub async fn request_page(
    db: &Db,
    instance: &Instance,
    reach: &crate::db::orders::Reach,
    key: &Key,
    request: &Request,
    party: Option<Party>,
    at: i64,
) -> AppResult<RequestPage> {
    let settings = crate::db::gov_settings::current(db).await?;
    let flow = Flow {
        db,
        settings: &settings,
        instance,
        reach,
        key,
    };
    let allowed = party.map(|p| Allowed::new(request.state, p));
    let can = |action: Action| allowed.is_some_and(|a| a.can(action));
    let proposals = if can(Action::Offer) {
        Some(flow.proposals(request, at).await?)
    } else {
        None
    };
    let waiting = waiting(db, request, party).await?;
    let tax = if can(Action::RecordPayment) || (can(Action::Order) && party.is_some()) {
        flow.tax(request).await.ok()
    } else {
        None
    };
    Ok(RequestPage {
        allowed,
        items: store::items(db, request.id).await?,
        proposals,
        waiting,
        tax,
        documents: store::documents(db, request.id).await?,
        payments: store::payments(db, request.id).await?,
        offers: store::offers(db, request.id).await?,
        timeline: store::timeline(db, request.id).await?,
        settings,
    })
}
