//! An issued invoice or credit note as a legal document: everything its PDF and its Peppol
//! e-invoice (UBL) show, resolved and frozen at issue. Built once on the server from the stored
//! invoice, company details and customer; the renderers (`server::invoicing::pdf`, `::ubl`) only
//! lay it out, so both always say the same thing.

use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    /// Corrects an issued invoice (Belgian law: an issued invoice is never edited).
    CreditNote,
}

/// A postal address. `country` is ISO 3166-1 alpha-2 (`BE`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

/// Seller or buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Legal name (a person's full name for an individual).
    pub name: String,
    pub address: Address,
    /// Belgian enterprise number (KBO/BCE), 10 digits, no dots: `0403170701`. Companies only.
    pub enterprise_number: Option<String>,
    /// VAT number, `BE0403170701`; `None` for individuals and VAT-exempt small businesses.
    pub vat_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// A company (B2B) or an individual (B2C).
    pub is_company: bool,
}

/// The VAT treatment of a line (EN 16931 VAT category).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "category")]
pub enum VatCategory {
    /// `S`: 6, 12 or 21 %.
    Standard,
    /// `Z`: zero-rated goods (0 %).
    Zero,
    /// `E`: exempt, with the legal reason printed and sent (e.g. "Art. 44 Code TVA").
    Exempt { reason: String },
    /// `E` for the small-business exemption (art. 56bis of the Belgian VAT code): the seller
    /// charges no VAT and the document carries the legal mention.
    SmallBusiness,
    /// `AE`: the buyer pays the VAT (art. 51 §2 of the VAT code).
    ReverseCharge,
}

impl VatCategory {
    /// The UNCL5305 code Peppol uses.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Standard => "S",
            Self::Zero => "Z",
            Self::Exempt { .. } | Self::SmallBusiness => "E",
            Self::ReverseCharge => "AE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLine {
    pub description: String,
    /// thousandths of a unit (positive, also on a credit note)
    pub quantity_milli: i64,
    pub unit_price_cents: i64,
    /// 0, 6, 12 or 21
    pub vat_rate: u8,
    pub category: VatCategory,
    /// quantity × unit price, rounded to the cent (see `domain::invoice`)
    pub amount_cents: i64,
}

/// One line of the VAT summary: per category and rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatBreakdown {
    pub category: VatCategory,
    pub rate: u8,
    pub base_cents: i64,
    pub vat_cents: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentTotals {
    pub excl_vat_cents: i64,
    pub vat_cents: i64,
    pub incl_vat_cents: i64,
    /// Already paid when the document was made (0 on a fresh invoice).
    pub prepaid_cents: i64,
    /// What remains to pay: `incl_vat_cents - prepaid_cents`.
    pub payable_cents: i64,
}

/// How the document is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "means")]
pub enum Payment {
    /// By SEPA credit transfer to the seller: the PDF carries an EPC QR code; UBL means 30/58.
    Transfer,
    /// Collected by SEPA direct debit through Twikey: UBL means 59 with the mandate.
    DirectDebit {
        mandate_reference: String,
        /// The debtor's IBAN (UBL `PayerFinancialAccount`); the PDF shows only its last 4.
        debtor_iban: String,
        /// Around when the debit happens.
        collection_date: Option<NaiveDate>,
    },
}

/// What a credit note says about money already collected by direct debit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSettlement {
    /// Nothing was paid yet: the credit lowers what is due.
    LowersAmountDue,
    /// Refunded through Twikey to the account it was collected from.
    RefundedByTwikey,
    /// Refunded by the seller by bank transfer.
    RefundedByHand,
}

/// The invoice a credit note corrects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditedInvoice {
    pub number: String,
    pub issue_date: NaiveDate,
    pub settlement: CreditSettlement,
}

/// A logo, as stored (PNG or SVG).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    /// `image/png` or `image/svg+xml`
    pub mime: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    /// `2026-0001` (invoices) or `CN-2026-0001` (credit notes): the company's gapless series.
    pub number: String,
    pub issue_date: NaiveDate,
    /// Date of supply, printed only when it differs from the issue date.
    pub supply_date: Option<NaiveDate>,
    pub due_date: NaiveDate,
    /// The customer's language: FR, NL or EN.
    pub language: Lang,
    pub seller: Party,
    /// Seller's bank account (shown, in the QR code and in the UBL for transfers).
    pub seller_iban: String,
    pub seller_bic: String,
    pub seller_logo: Option<Logo>,
    pub buyer: Party,
    /// The buyer's own reference ("Your reference"), else the invoice number (Peppol needs one).
    pub buyer_reference: Option<String>,
    pub lines: Vec<DocumentLine>,
    /// By category then rate; sums to the totals.
    pub vat_breakdown: Vec<VatBreakdown>,
    pub totals: DocumentTotals,
    /// `+++090/9337/55493+++`
    pub structured_communication: String,
    pub payment: Payment,
    /// Credit notes only.
    pub credited_invoice: Option<CreditedInvoice>,
    /// The company's free footer text.
    pub footer: Option<String>,
}

/// The legal mention of the small-business exemption (art. 56bis), per language.
pub fn small_business_mention(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Petite entreprise soumise au régime particulier de franchise de taxe. TVA non applicable (art. 56bis du Code TVA).",
        Lang::Nl => "Kleine onderneming onderworpen aan de bijzondere vrijstellingsregeling. Btw niet van toepassing (art. 56bis van het Btw-Wetboek).",
        Lang::En => "Small business subject to the special VAT exemption scheme. VAT not applicable (art. 56bis of the Belgian VAT Code).",
    }
}

/// The legal mention of reverse charge (art. 51 §2), per language.
pub fn reverse_charge_mention(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Autoliquidation : TVA due par le cocontractant (art. 51, § 2 du Code TVA).",
        Lang::Nl => "Verlegging van heffing: btw verschuldigd door de medecontractant (art. 51, § 2 van het Btw-Wetboek).",
        Lang::En => "Reverse charge: VAT due by the customer (art. 51 §2 of the Belgian VAT Code).",
    }
}

/// The VAT summary and totals of `lines`, by the rounding rule of `domain::invoice`.
pub fn summarise(lines: &[DocumentLine], prepaid_cents: i64) -> (Vec<VatBreakdown>, DocumentTotals) {
    let mut breakdown: Vec<VatBreakdown> = Vec::new();
    for l in lines {
        match breakdown.iter_mut().find(|b| b.category == l.category && b.rate == l.vat_rate) {
            Some(b) => b.base_cents += l.amount_cents,
            None => breakdown.push(VatBreakdown { category: l.category.clone(), rate: l.vat_rate, base_cents: l.amount_cents, vat_cents: 0 }),
        }
    }
    for b in &mut breakdown {
        b.vat_cents = if b.category == VatCategory::Standard { crate::domain::invoice::vat_of(b.base_cents, b.rate) } else { 0 };
    }
    breakdown.sort_by(|a, b| (a.category.code(), a.rate).cmp(&(b.category.code(), b.rate)));
    let excl: i64 = breakdown.iter().map(|b| b.base_cents).sum();
    let vat: i64 = breakdown.iter().map(|b| b.vat_cents).sum();
    let totals = DocumentTotals { excl_vat_cents: excl, vat_cents: vat, incl_vat_cents: excl + vat, prepaid_cents, payable_cents: excl + vat - prepaid_cents };
    (breakdown, totals)
}

/// Documents for tests and previews: a Belgian seller, a company and an individual buyer.
pub mod examples {
    use super::*;
    pub use super::summarise;

    pub fn seller() -> Party {
        Party {
            name: "Boulangerie Dupont SRL".into(),
            address: Address { street: "Rue de la Loi 16".into(), postcode: "1000".into(), city: "Bruxelles".into(), country: "BE".into() },
            enterprise_number: Some("0123456749".into()),
            vat_number: Some("BE0123456749".into()),
            email: Some("facturation@dupont.be".into()),
            phone: Some("+32 2 123 45 67".into()),
            website: Some("https://dupont.be".into()),
            is_company: true,
        }
    }

    pub fn company_buyer() -> Party {
        Party {
            name: "Brasserie du Parc SA".into(),
            address: Address { street: "Avenue Louise 54".into(), postcode: "1050".into(), city: "Ixelles".into(), country: "BE".into() },
            enterprise_number: Some("0403170701".into()),
            vat_number: Some("BE0403170701".into()),
            email: Some("compta@parc.be".into()),
            phone: None,
            website: None,
            is_company: true,
        }
    }

    pub fn individual_buyer() -> Party {
        Party {
            name: "Anne Peeters".into(),
            address: Address { street: "Kerkstraat 3".into(), postcode: "9000".into(), city: "Gent".into(), country: "BE".into() },
            email: Some("anne.peeters@example.be".into()),
            ..Default::default()
        }
    }

    fn line(description: &str, quantity_milli: i64, unit_price_cents: i64, vat_rate: u8) -> DocumentLine {
        let amount_cents = crate::domain::money::div_round_half_away(quantity_milli as i128 * unit_price_cents as i128, 1000) as i64;
        let category = if vat_rate == 0 { VatCategory::Zero } else { VatCategory::Standard };
        DocumentLine { description: description.into(), quantity_milli, unit_price_cents, vat_rate, category, amount_cents }
    }

    /// A French invoice to a Belgian company, 21 % and 6 % lines, paid by transfer.
    pub fn invoice() -> Document {
        let lines = vec![line("Pain de campagne", 12_000, 450, 6), line("Location du four", 1_000, 15_000, 21), line("Livraison", 2_500, 1_999, 21)];
        let (vat_breakdown, totals) = super::summarise(&lines, 0);
        Document {
            kind: DocumentKind::Invoice,
            number: "2026-0042".into(),
            issue_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            supply_date: Some(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            language: Lang::Fr,
            seller: seller(),
            seller_iban: "BE68539007547034".into(),
            seller_bic: "GKCCBEBB".into(),
            seller_logo: None,
            buyer: company_buyer(),
            buyer_reference: Some("PO-7781".into()),
            lines,
            vat_breakdown,
            totals,
            structured_communication: "+++090/9337/55493+++".into(),
            payment: Payment::Transfer,
            credited_invoice: None,
            footer: Some("Merci pour votre confiance.".into()),
        }
    }

    /// A Dutch invoice to an individual, collected by direct debit through Twikey.
    pub fn direct_debit_invoice() -> Document {
        let mut d = invoice();
        d.language = Lang::Nl;
        d.buyer = individual_buyer();
        d.buyer_reference = None;
        d.payment = Payment::DirectDebit {
            mandate_reference: "SBX00012".into(),
            debtor_iban: "BE71096123456769".into(),
            collection_date: NaiveDate::from_ymd_opt(2026, 12, 6),
        };
        d
    }

    /// A partial credit note of [`invoice`] (the delivery line), money not yet paid.
    pub fn credit_note() -> Document {
        let lines = vec![line("Livraison", 2_500, 1_999, 21)];
        let (vat_breakdown, totals) = super::summarise(&lines, 0);
        Document {
            kind: DocumentKind::CreditNote,
            number: "CN-2026-0003".into(),
            supply_date: None,
            lines,
            vat_breakdown,
            totals,
            credited_invoice: Some(CreditedInvoice {
                number: "2026-0042".into(),
                issue_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                settlement: CreditSettlement::LowersAmountDue,
            }),
            ..invoice()
        }
    }

    /// A small business under the art. 56bis exemption: no VAT, the legal mention instead.
    pub fn small_business_invoice() -> Document {
        let mut d = invoice();
        d.seller.vat_number = None;
        for l in &mut d.lines {
            l.vat_rate = 0;
            l.category = VatCategory::SmallBusiness;
        }
        let (vat_breakdown, totals) = super::summarise(&d.lines, 0);
        d.vat_breakdown = vat_breakdown;
        d.totals = totals;
        d
    }
}
