//! The text of an EPC QR code ("SEPA credit transfer" QR, EPC069-12 v2.1, a.k.a. GiroCode):
//! what a Belgian banking app reads to pre-fill a transfer from an invoice.
//!
//! Pure text building, no QR dependency: the server's PDF renderer turns [`payload`] into the
//! QR symbol (error correction level M, as the guidelines ask).
//!
//! The payload is one element per line, separated by LF:
//!
//! | # | element | here |
//! |---|---------|------|
//! | 1 | service tag | `BCD` |
//! | 2 | version | `002` (BIC optional inside the EEA; we still send it when we have it) |
//! | 3 | character set | `1` (UTF-8) |
//! | 4 | identification | `SCT` |
//! | 5 | BIC | 8 or 11 characters, or empty |
//! | 6 | beneficiary name | at most 70 characters |
//! | 7 | beneficiary IBAN | at most 34 characters, no spaces |
//! | 8 | amount | `EUR12.34`: `EUR` then 0.01 to 999999999.99, a dot, at most 2 decimals; empty lets the payer type it |
//! | 9 | purpose | 4-letter code, empty here |
//! | 10 | structured remittance (creditor reference) | at most 35 characters |
//! | 11 | unstructured remittance | at most 140 characters; only when 10 is empty |
//! | 12 | beneficiary to originator information | empty here |
//!
//! Trailing empty elements are left out (the last populated element ends the text, with no
//! final LF), and the whole payload is at most 331 bytes.
//!
//! **Belgian structured communication.** `+++090/9337/55493+++` goes, as its 12 digits
//! `090933755493`, in element 10 (structured reference), not in the free text of element 11.
//! EPC069-12 describes element 10 as the SCT's structured remittance information, the
//! "creditor reference", for which an ISO 11649 `RF…` reference *may* be used — it does not
//! require one. In the SEPA credit transfer the Belgian banks carry the structured
//! communication precisely there (creditor reference of type SCOR, issuer `BBA`: Febelfin's
//! 12-digit format), and the Belgian apps fill their "structured communication" field from a
//! 12-digit element 10; put in element 11 it would travel as free text, which the seller's
//! bank then no longer matches automatically (CODA). [`Remittance::Text`] stays available for
//! a reference that is not a Belgian structured communication.

/// Largest amount an EPC QR code can carry, in cents (999 999 999,99 €).
pub const MAX_AMOUNT_CENTS: i64 = 99_999_999_999;
/// Longest beneficiary name (characters).
pub const MAX_NAME_CHARS: usize = 70;
/// Longest structured reference (element 10).
pub const MAX_REFERENCE_CHARS: usize = 35;
/// Longest unstructured remittance text (element 11).
pub const MAX_TEXT_CHARS: usize = 140;
/// Longest payload, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 331;

/// What the transfer says to the beneficiary: a structured reference, a free text, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remittance<'a> {
    /// Element 10: a creditor reference (Belgian structured communication as 12 digits, or an
    /// ISO 11649 `RF…` reference).
    Reference(&'a str),
    /// Element 11: free text.
    Text(&'a str),
    None,
}

/// The remittance for a Belgian structured communication (`+++090/9337/55493+++`, also
/// accepted as `***…***` or bare digits): its 12 digits as a structured reference. Anything
/// that is not 12 digits once the decoration is removed goes as free text instead.
pub fn remittance_for_structured_communication(communication: &str) -> Remittance<'_> {
    let trimmed = communication.trim();
    if trimmed.is_empty() {
        return Remittance::None;
    }
    let digit_count = trimmed.chars().filter(|c| c.is_ascii_digit()).count();
    let only_decoration = trimmed.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '/' | ' '));
    if digit_count == 12 && only_decoration {
        Remittance::Reference(trimmed)
    } else {
        Remittance::Text(trimmed)
    }
}

/// `12345` → `EUR123.45`; `None` outside 0,01 € to [`MAX_AMOUNT_CENTS`] (the element is then
/// left empty and the payer types the amount).
pub fn amount_element(cents: i64) -> Option<String> {
    if !(1..=MAX_AMOUNT_CENTS).contains(&cents) {
        return None;
    }
    Some(format!("EUR{}.{:02}", cents / 100, cents % 100))
}

/// One line of text: line breaks and other control characters become spaces, then trimmed.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Only the characters an IBAN or BIC is made of, upper case (`BE68 5390 0754 7034` →
/// `BE68539007547034`).
fn compact_code(s: &str, max: usize) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).take(max).collect()
}

/// The EPC QR text of a SEPA credit transfer of `amount_cents` to `name`'s `iban` (`bic` may be
/// empty), with `remittance`. Over-long fields are cut to their limits (the name to 70
/// characters, and further if a long UTF-8 name would make the payload exceed 331 bytes); an
/// amount outside 0,01 € to 999 999 999,99 € is left empty for the payer to type.
pub fn payload(bic: &str, name: &str, iban: &str, amount_cents: i64, remittance: Remittance<'_>) -> String {
    let bic = compact_code(bic, 11);
    let iban = compact_code(iban, 34);
    let amount = amount_element(amount_cents).unwrap_or_default();
    let (reference, text) = match remittance {
        Remittance::Reference(r) => {
            let r = one_line(r);
            // A Belgian structured communication: its digits only. An RF reference: no spaces.
            let r = if r.starts_with("+++") || r.starts_with("***") {
                r.chars().filter(|c| c.is_ascii_digit()).collect()
            } else {
                r.chars().filter(|c| !c.is_whitespace()).collect::<String>()
            };
            (truncate_chars(&r, MAX_REFERENCE_CHARS), String::new())
        }
        Remittance::Text(t) => (String::new(), truncate_chars(&one_line(t), MAX_TEXT_CHARS)),
        Remittance::None => (String::new(), String::new()),
    };
    let mut name: String = truncate_chars(&one_line(name), MAX_NAME_CHARS);
    let mut text = text;
    loop {
        let elements = ["BCD", "002", "1", "SCT", &bic, &name, &iban, &amount, "", &reference, &text];
        let last = elements.iter().rposition(|e| !e.is_empty()).unwrap_or(0);
        let out = elements[..=last].join("\n");
        if out.len() <= MAX_PAYLOAD_BYTES {
            return out;
        }
        // Too long only with multi-byte characters: shorten the free text first, then the name
        // (the bank checks the name against the account holder's).
        if text.pop().is_none() && name.pop().is_none() {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belgian_invoice_payload() {
        let p = payload(
            "GKCCBEBB",
            "Boulangerie Dupont SRL",
            "BE68 5390 0754 7034",
            27_574,
            remittance_for_structured_communication("+++090/9337/55493+++"),
        );
        assert_eq!(p, "BCD\n002\n1\nSCT\nGKCCBEBB\nBoulangerie Dupont SRL\nBE68539007547034\nEUR275.74\n\n090933755493");
    }

    #[test]
    fn structured_communication_goes_in_the_reference_element() {
        assert_eq!(remittance_for_structured_communication("+++090/9337/55493+++"), Remittance::Reference("+++090/9337/55493+++"));
        assert_eq!(remittance_for_structured_communication("***090/9337/55493***"), Remittance::Reference("***090/9337/55493***"));
        assert_eq!(remittance_for_structured_communication("Invoice 2026-0042"), Remittance::Text("Invoice 2026-0042"));
        assert_eq!(remittance_for_structured_communication("  "), Remittance::None);
        let p = payload("", "X", "BE68539007547034", 100, Remittance::Reference("***090/9337/55493***"));
        assert!(p.ends_with("\nEUR1.00\n\n090933755493"), "{p}");
    }

    #[test]
    fn free_text_goes_in_element_11_after_an_empty_reference() {
        let p = payload("GKCCBEBB", "X", "BE68539007547034", 100, Remittance::Text("Invoice 2026-0042\nthanks"));
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[9], "");
        assert_eq!(lines[10], "Invoice 2026-0042 thanks");
        let long = "x".repeat(200);
        let p = payload("", "X", "BE68539007547034", 100, Remittance::Text(&long));
        assert_eq!(p.split('\n').nth(10).unwrap().len(), MAX_TEXT_CHARS);
    }

    #[test]
    fn without_remittance_the_amount_ends_the_text() {
        let p = payload("GKCCBEBB", "X", "BE68539007547034", 1234, Remittance::None);
        assert_eq!(p, "BCD\n002\n1\nSCT\nGKCCBEBB\nX\nBE68539007547034\nEUR12.34");
        assert!(!p.ends_with('\n'));
    }

    #[test]
    fn amount_format_and_limits() {
        assert_eq!(amount_element(1234).as_deref(), Some("EUR12.34"));
        assert_eq!(amount_element(1).as_deref(), Some("EUR0.01"));
        assert_eq!(amount_element(100).as_deref(), Some("EUR1.00"));
        assert_eq!(amount_element(123_456_789).as_deref(), Some("EUR1234567.89"));
        assert_eq!(amount_element(MAX_AMOUNT_CENTS).as_deref(), Some("EUR999999999.99"));
        assert_eq!(amount_element(MAX_AMOUNT_CENTS + 1), None);
        assert_eq!(amount_element(0), None);
        assert_eq!(amount_element(-500), None);
        // Out of range: the element stays, empty, so the payer types the amount.
        let p = payload("GKCCBEBB", "X", "BE68539007547034", MAX_AMOUNT_CENTS + 1, Remittance::Reference("090933755493"));
        assert_eq!(p.split('\n').nth(7), Some(""));
        assert!(p.ends_with("\n\n\n090933755493"));
    }

    #[test]
    fn name_is_cut_to_70_characters_on_one_line() {
        let long = "Établissements Ä".to_string() + &"é".repeat(100);
        let p = payload("GKCCBEBB", &long, "BE68539007547034", 100, Remittance::None);
        let name = p.split('\n').nth(5).unwrap();
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.starts_with("Établissements Ä"));
        let p = payload("GKCCBEBB", "Dupont\r\nSRL", "BE68539007547034", 100, Remittance::None);
        assert_eq!(p.split('\n').nth(5), Some("Dupont  SRL"));
    }

    #[test]
    fn payload_never_exceeds_331_bytes() {
        // 70 four-byte characters would be 280 bytes of name alone.
        let name = "𝔄".repeat(80);
        // 140 two-byte characters of text do not fit beside a 70-character name.
        let text = "ü".repeat(200);
        let p = payload("GKCCBEBBXXX", &"é".repeat(70), "BE68539007547034", MAX_AMOUNT_CENTS, Remittance::Text(&text));
        assert!((MAX_PAYLOAD_BYTES - 1..=MAX_PAYLOAD_BYTES).contains(&p.len()), "{}", p.len());
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines[5].chars().count(), MAX_NAME_CHARS, "the name is kept whole");
        assert!(lines[10].chars().count() < MAX_TEXT_CHARS && lines[10].starts_with("üü"));
        // A long name alone can still overflow: then the name is shortened.
        let p = payload("GKCCBEBBXXX", &name, "BE68539007547034", MAX_AMOUNT_CENTS, Remittance::Reference("RF18539007547034"));
        assert!(p.len() <= MAX_PAYLOAD_BYTES);
        assert!(p.len() > MAX_PAYLOAD_BYTES - 4);
        assert!(p.split('\n').nth(5).unwrap().chars().count() < MAX_NAME_CHARS);
    }

    #[test]
    fn iban_and_bic_are_compacted() {
        let p = payload(" gkcc bebb ", "X", "be68 5390 0754 7034", 100, Remittance::None);
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines[4], "GKCCBEBB");
        assert_eq!(lines[6], "BE68539007547034");
        // No BIC: version 002 allows the empty element.
        let p = payload("", "X", "BE68539007547034", 100, Remittance::None);
        assert_eq!(p.split('\n').nth(4), Some(""));
    }

    #[test]
    fn rf_reference_loses_its_spaces() {
        let p = payload("", "X", "BE68539007547034", 100, Remittance::Reference("RF18 5390 0754 7034"));
        assert!(p.ends_with("\nRF18539007547034"));
    }
}
