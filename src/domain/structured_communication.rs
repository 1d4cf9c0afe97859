//! Belgian structured communication (« communication structurée » / « gestructureerde
//! mededeling »): `+++123/4567/89012+++`, ten digits followed by two check digits that are the
//! first ten modulo 97 (97 when that is 0). Banks check it, so a payment can be matched to its
//! invoice without a human reading the transfer.

/// The check digits of a ten-digit base.
pub fn check_digits(base: u64) -> u64 {
    match base % 97 {
        0 => 97,
        r => r,
    }
}

/// The structured communication for a base number (taken modulo 10^10).
pub fn from_base(base: u64) -> String {
    let base = base % 10_000_000_000;
    let digits = format!("{base:010}{:02}", check_digits(base));
    format!("+++{}/{}/{}+++", &digits[..3], &digits[3..7], &digits[7..])
}

/// The communication of an invoice: its (globally unique) id is the base.
pub fn for_invoice(invoice_id: i64) -> String {
    from_base(invoice_id.unsigned_abs())
}

/// Whether a typed communication is valid (`+++`, `***`, spaces and slashes optional).
pub fn is_valid(input: &str) -> bool {
    let digits: String = input.chars().filter(|c| !matches!(c, '+' | '*' | '/' | ' ')).collect();
    if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let base: u64 = digits[..10].parse().unwrap_or(0);
    let check: u64 = digits[10..].parse().unwrap_or(0);
    check_digits(base) == check
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        // 1234567890 mod 97 = 2
        assert_eq!(from_base(1_234_567_890), "+++123/4567/89002+++");
        // a multiple of 97 gets 97, never 00
        assert_eq!(from_base(97), "+++000/0000/09797+++");
        assert_eq!(from_base(0), "+++000/0000/00097+++");
        assert_eq!(for_invoice(42), "+++000/0000/04242+++");
        assert!(is_valid("+++123/4567/89002+++"));
        assert!(is_valid("***123/4567/89002***"));
        assert!(!is_valid("+++123/4567/89003+++"));
        assert!(!is_valid("+++123/4567/8900+++"));
        assert!(!is_valid("+++000/0000/00000+++"));
    }

    proptest! {
        #[test]
        fn every_generated_communication_is_valid_and_detects_one_wrong_digit(base in 0u64..10_000_000_000, pos in 0usize..12, delta in 1u8..10) {
            let c = from_base(base);
            prop_assert!(is_valid(&c));
            prop_assert_eq!(c.len(), 20);
            let mut digits: Vec<u8> = c.bytes().filter(|b| b.is_ascii_digit()).collect();
            digits[pos] = b'0' + (digits[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(digits).unwrap();
            prop_assert!(!is_valid(&changed), "{} accepted", changed);
        }
    }
}
