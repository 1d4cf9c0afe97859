//! What the PDF says, in the document's language (FR, NL, EN), and how it writes amounts,
//! dates and numbers. Server-only: the app's own translations live elsewhere; these are the
//! words of the legal document.

use crate::domain::document::{CreditSettlement, VatCategory};
use crate::i18n::Lang;
use chrono::NaiveDate;

/// Fixed words. Sentences with values are the functions below.
pub(super) struct Labels {
    pub invoice: &'static str,
    pub credit_note: &'static str,
    pub number: &'static str,
    pub invoice_date: &'static str,
    pub credit_note_date: &'static str,
    pub supply_date: &'static str,
    pub due_date: &'static str,
    pub your_reference: &'static str,
    pub structured_communication: &'static str,
    pub seller: &'static str,
    pub bill_to: &'static str,
    pub enterprise_number: &'static str,
    pub vat_number: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub vat: &'static str,
    pub amount_excl_vat: &'static str,
    pub vat_summary: &'static str,
    pub vat_rate: &'static str,
    pub taxable_base: &'static str,
    pub total_excl_vat: &'static str,
    pub total_vat: &'static str,
    pub total_incl_vat: &'static str,
    pub prepaid: &'static str,
    pub amount_to_pay: &'static str,
    pub credit_total: &'static str,
    pub payment: &'static str,
    pub settlement: &'static str,
    pub iban: &'static str,
    pub bic: &'static str,
    pub scan_to_pay: &'static str,
    pub nothing_to_pay: &'static str,
    pub continued: &'static str,
    pub page: &'static str,
    pub exempt: &'static str,
    pub reverse_charge: &'static str,
    pub small_business: &'static str,
    pub legal_mentions: &'static str,
}

const FR: Labels = Labels {
    invoice: "Facture",
    credit_note: "Note de crédit",
    number: "N°",
    invoice_date: "Date de facture",
    credit_note_date: "Date de la note",
    supply_date: "Date de livraison",
    due_date: "Échéance",
    your_reference: "Votre référence",
    structured_communication: "Communication structurée",
    seller: "Émetteur",
    bill_to: "Facturé à",
    enterprise_number: "N° d'entreprise",
    vat_number: "N° TVA",
    description: "Description",
    quantity: "Quantité",
    unit_price: "Prix unitaire",
    vat: "TVA",
    amount_excl_vat: "Montant HTVA",
    vat_summary: "Récapitulatif TVA",
    vat_rate: "Taux",
    taxable_base: "Base imposable",
    total_excl_vat: "Total HTVA",
    total_vat: "TVA",
    total_incl_vat: "Total TVAC",
    prepaid: "Déjà payé",
    amount_to_pay: "Montant à payer",
    credit_total: "Montant crédité",
    payment: "Paiement",
    settlement: "Règlement",
    iban: "IBAN",
    bic: "BIC",
    scan_to_pay: "Scannez avec votre app bancaire",
    nothing_to_pay: "Cette facture est déjà entièrement payée.",
    continued: "suite",
    page: "Page",
    exempt: "Exonéré",
    reverse_charge: "Autoliquidation",
    small_business: "Franchise",
    legal_mentions: "Mentions légales",
};

const NL: Labels = Labels {
    invoice: "Factuur",
    credit_note: "Creditnota",
    number: "Nr.",
    invoice_date: "Factuurdatum",
    credit_note_date: "Datum creditnota",
    supply_date: "Leveringsdatum",
    due_date: "Vervaldatum",
    your_reference: "Uw referentie",
    structured_communication: "Gestructureerde mededeling",
    seller: "Verkoper",
    bill_to: "Factuur aan",
    enterprise_number: "Ondernemingsnr.",
    vat_number: "Btw-nr.",
    description: "Omschrijving",
    quantity: "Aantal",
    unit_price: "Eenheidsprijs",
    vat: "Btw",
    amount_excl_vat: "Bedrag excl. btw",
    vat_summary: "Btw-overzicht",
    vat_rate: "Tarief",
    taxable_base: "Maatstaf van heffing",
    total_excl_vat: "Totaal excl. btw",
    total_vat: "Btw",
    total_incl_vat: "Totaal incl. btw",
    prepaid: "Reeds betaald",
    amount_to_pay: "Te betalen",
    credit_total: "Gecrediteerd bedrag",
    payment: "Betaling",
    settlement: "Verrekening",
    iban: "IBAN",
    bic: "BIC",
    scan_to_pay: "Scan met je bankapp",
    nothing_to_pay: "Deze factuur is al volledig betaald.",
    continued: "vervolg",
    page: "Pagina",
    exempt: "Vrijgesteld",
    reverse_charge: "Verlegd",
    small_business: "Vrijstelling",
    legal_mentions: "Wettelijke vermeldingen",
};

const EN: Labels = Labels {
    invoice: "Invoice",
    credit_note: "Credit note",
    number: "No.",
    invoice_date: "Invoice date",
    credit_note_date: "Credit note date",
    supply_date: "Date of supply",
    due_date: "Due date",
    your_reference: "Your reference",
    structured_communication: "Structured communication",
    seller: "From",
    bill_to: "Bill to",
    enterprise_number: "Enterprise no.",
    vat_number: "VAT no.",
    description: "Description",
    quantity: "Qty",
    unit_price: "Unit price",
    vat: "VAT",
    amount_excl_vat: "Amount excl. VAT",
    vat_summary: "VAT summary",
    vat_rate: "Rate",
    taxable_base: "Taxable amount",
    total_excl_vat: "Total excl. VAT",
    total_vat: "VAT",
    total_incl_vat: "Total incl. VAT",
    prepaid: "Already paid",
    amount_to_pay: "Amount due",
    credit_total: "Amount credited",
    payment: "Payment",
    settlement: "Settlement",
    iban: "IBAN",
    bic: "BIC",
    scan_to_pay: "Scan with your banking app",
    nothing_to_pay: "This invoice has already been paid in full.",
    continued: "continued",
    page: "Page",
    exempt: "Exempt",
    reverse_charge: "Reverse charge",
    small_business: "Exempt (SME)",
    legal_mentions: "Legal notices",
};

pub(super) fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Fr => &FR,
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// "This invoice will be collected by SEPA direct debit from the account ending …NNNN under
/// mandate REF around DATE."
pub(super) fn direct_debit_sentence(lang: Lang, last4: &str, mandate: &str, around: Option<&str>) -> String {
    match (lang, around) {
        (Lang::Fr, Some(d)) => format!("Cette facture sera prélevée par domiciliation SEPA sur le compte se terminant par …{last4}, sous le mandat {mandate}, aux alentours du {d}."),
        (Lang::Fr, None) => format!("Cette facture sera prélevée par domiciliation SEPA sur le compte se terminant par …{last4}, sous le mandat {mandate}."),
        (Lang::Nl, Some(d)) => format!("Deze factuur wordt via SEPA-domiciliëring geïnd van de rekening eindigend op …{last4}, onder mandaat {mandate}, rond {d}."),
        (Lang::Nl, None) => format!("Deze factuur wordt via SEPA-domiciliëring geïnd van de rekening eindigend op …{last4}, onder mandaat {mandate}."),
        (Lang::En, Some(d)) => format!("This invoice will be collected by SEPA direct debit from the account ending …{last4} under mandate {mandate} around {d}."),
        (Lang::En, None) => format!("This invoice will be collected by SEPA direct debit from the account ending …{last4} under mandate {mandate}."),
    }
}

/// "You need not do anything": said under the direct-debit sentence, so the customer does not
/// also pay by transfer.
pub(super) fn direct_debit_no_action(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Vous ne devez effectuer aucun virement.",
        Lang::Nl => "U hoeft zelf niets over te schrijven.",
        Lang::En => "Please do not pay by transfer.",
    }
}

/// Which invoice a credit note corrects.
pub(super) fn credits_invoice(lang: Lang, number: &str, date: &str) -> String {
    match lang {
        Lang::Fr => format!("Cette note de crédit se rapporte à la facture {number} du {date}."),
        Lang::Nl => format!("Deze creditnota heeft betrekking op factuur {number} van {date}."),
        Lang::En => format!("This credit note relates to invoice {number} of {date}."),
    }
}

/// What happens to money already paid or collected for the credited invoice.
pub(super) fn settlement_sentence(lang: Lang, settlement: &CreditSettlement, invoice_number: &str) -> String {
    match (lang, settlement) {
        (Lang::Fr, CreditSettlement::LowersAmountDue) => {
            format!("Ce montant est déduit de ce qui reste à payer sur la facture {invoice_number}.")
        }
        (Lang::Fr, CreditSettlement::RefundedByTwikey) => {
            "Le montant déjà prélevé vous est remboursé via Twikey sur le compte d'où il a été prélevé.".into()
        }
        (Lang::Fr, CreditSettlement::RefundedByHand) => "Le montant déjà payé vous est remboursé par virement bancaire.".into(),
        (Lang::Nl, CreditSettlement::LowersAmountDue) => {
            format!("Dit bedrag wordt afgetrokken van wat nog te betalen is op factuur {invoice_number}.")
        }
        (Lang::Nl, CreditSettlement::RefundedByTwikey) => {
            "Het reeds geïnde bedrag wordt via Twikey teruggestort op de rekening waarvan het werd geïnd.".into()
        }
        (Lang::Nl, CreditSettlement::RefundedByHand) => "Het reeds betaalde bedrag wordt u per overschrijving terugbetaald.".into(),
        (Lang::En, CreditSettlement::LowersAmountDue) => {
            format!("This amount is deducted from what remains to be paid on invoice {invoice_number}.")
        }
        (Lang::En, CreditSettlement::RefundedByTwikey) => {
            "The amount already collected is refunded through Twikey to the account it was collected from.".into()
        }
        (Lang::En, CreditSettlement::RefundedByHand) => "The amount already paid is refunded to you by bank transfer.".into(),
    }
}

/// The legal reason of an exempt line (`Exempt { reason }`).
pub(super) fn exemption_sentence(lang: Lang, reason: &str) -> String {
    match lang {
        Lang::Fr => format!("Exonération de TVA : {reason}"),
        Lang::Nl => format!("Vrijstelling van btw: {reason}"),
        Lang::En => format!("VAT exemption: {reason}"),
    }
}

/// The VAT column of a line or of the VAT summary: `21 %` for a rate, a word otherwise.
pub(super) fn vat_label(lang: Lang, category: &VatCategory, rate: u8) -> String {
    let l = labels(lang);
    match category {
        VatCategory::Standard | VatCategory::Zero => format!("{rate}\u{a0}%"),
        VatCategory::Exempt { .. } => l.exempt.into(),
        VatCategory::SmallBusiness => l.small_business.into(),
        VatCategory::ReverseCharge => l.reverse_charge.into(),
    }
}

fn group(digits: u64, sep: char) -> String {
    let s = digits.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `123456` cents → `1.234,56 €` (FR, NL: Belgian style) or `€1,234.56` (EN).
pub(super) fn money(lang: Lang, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    match lang {
        Lang::Fr | Lang::Nl => format!("{sign}{},{:02}\u{a0}€", group(abs / 100, '.'), abs % 100),
        Lang::En => format!("{sign}€{}.{:02}", group(abs / 100, ','), abs % 100),
    }
}

/// Thousandths of a unit → `12`, `2,5` (FR, NL) or `2.5` (EN).
pub(super) fn quantity(lang: Lang, milli: i64) -> String {
    let (thousands, decimal) = match lang {
        Lang::Fr | Lang::Nl => ('.', ','),
        Lang::En => (',', '.'),
    };
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let int = group(abs / 1000, thousands);
    match abs % 1000 {
        0 => format!("{sign}{int}"),
        frac => format!("{sign}{int}{decimal}{}", format!("{frac:03}").trim_end_matches('0')),
    }
}

/// `31/12/2026`: the Belgian way, in all three languages.
pub(super) fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `0123456749` → `0123.456.749`; anything else as given.
pub(super) fn enterprise_number(n: &str) -> String {
    let digits: String = n.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() == 10 && n.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ' ') {
        format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..])
    } else {
        n.to_string()
    }
}

/// `BE0123456749` → `BE 0123.456.749`; other countries' numbers as given.
pub(super) fn vat_number(n: &str) -> String {
    let compact: String = n.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    match compact.strip_prefix("BE") {
        Some(rest) if rest.len() == 10 && rest.chars().all(|c| c.is_ascii_digit()) => format!("BE {}", enterprise_number(rest)),
        _ => n.to_string(),
    }
}

/// `BE68539007547034` → `BE68 5390 0754 7034`.
pub(super) fn iban(iban: &str) -> String {
    let compact: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    compact.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The country line of an address: nothing for Belgium (the seller's country), a name for the
/// usual neighbours, the code otherwise.
pub(super) fn country(lang: Lang, code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    let name = match (code.as_str(), lang) {
        ("" | "BE", _) => return None,
        ("NL", Lang::Fr) => "Pays-Bas",
        ("NL", Lang::Nl) => "Nederland",
        ("NL", Lang::En) => "Netherlands",
        ("FR", Lang::Fr) => "France",
        ("FR", Lang::Nl) => "Frankrijk",
        ("FR", Lang::En) => "France",
        ("LU", Lang::Fr) => "Luxembourg",
        ("LU", Lang::Nl) => "Luxemburg",
        ("LU", Lang::En) => "Luxembourg",
        ("DE", Lang::Fr) => "Allemagne",
        ("DE", Lang::Nl) => "Duitsland",
        ("DE", Lang::En) => "Germany",
        _ => return Some(code),
    };
    Some(name.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_the_belgian_way() {
        assert_eq!(money(Lang::Fr, 123_456), "1.234,56\u{a0}€");
        assert_eq!(money(Lang::Nl, 5), "0,05\u{a0}€");
        assert_eq!(money(Lang::Nl, -123_456_789), "-1.234.567,89\u{a0}€");
        assert_eq!(money(Lang::En, 123_456), "€1,234.56");
        assert_eq!(quantity(Lang::Fr, 2_500), "2,5");
        assert_eq!(quantity(Lang::En, 2_250), "2.25");
        assert_eq!(quantity(Lang::Nl, 12_000), "12");
        assert_eq!(quantity(Lang::Nl, 1_234_500), "1.234,5");
    }

    #[test]
    fn identifiers() {
        assert_eq!(enterprise_number("0123456749"), "0123.456.749");
        assert_eq!(vat_number("BE0123456749"), "BE 0123.456.749");
        assert_eq!(vat_number("NL123456789B01"), "NL123456789B01");
        assert_eq!(iban("BE68539007547034"), "BE68 5390 0754 7034");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()), "05/01/2026");
        assert_eq!(country(Lang::Fr, "BE"), None);
        assert_eq!(country(Lang::Nl, "fr").as_deref(), Some("Frankrijk"));
        assert_eq!(country(Lang::En, "IT").as_deref(), Some("IT"));
    }
}
