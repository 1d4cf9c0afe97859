//! Input checks with the rules Belgian users expect: e-mail, Belgian VAT number, IBAN.
//! Each returns the normalised value, so what is stored is always in one canonical form.

use iban::IbanLike;

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn normalize_email(input: &str) -> Option<String> {
    let email = input.trim();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = email.split_once('@')?;
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    (!local.is_empty() && local.len() <= 64 && domain_ok).then(|| {
        let (l, d) = (local, domain.to_ascii_lowercase());
        format!("{l}@{d}")
    })
}

/// Belgian enterprise number (KBO/BCE): 10 digits starting with 0 or 1, the last two being
/// 97 − (first eight mod 97). Accepts spaces, dots, a `BE` prefix and the old 9 digits;
/// returns `0123456749`.
pub fn normalize_enterprise_number(input: &str) -> Option<String> {
    normalize_be_vat(input).map(|vat| vat[2..].to_string())
}

/// `0123.456.749`, as the KBO/BCE prints it.
pub fn format_enterprise_number(digits: &str) -> String {
    if digits.len() == 10 {
        format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..])
    } else {
        digits.to_string()
    }
}

/// A BIC (ISO 9362): 4 letters (bank), 2 letters (country), 2 letters or digits (place),
/// optionally 3 more (branch). Returns it upper-case without spaces.
pub fn normalize_bic(input: &str) -> Option<String> {
    let bic: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let b = bic.as_bytes();
    let ok = matches!(b.len(), 8 | 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..].iter().all(u8::is_ascii_alphanumeric);
    ok.then_some(bic)
}

/// Belgian VAT number `BE` + 10 digits whose last two are 97 − (first eight mod 97).
/// Accepts spaces, dots and a missing `BE`; returns `BE0123456749`.
pub fn normalize_be_vat(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let digits = compact.strip_prefix("BE").unwrap_or(&compact);
    // Old 9-digit numbers gain a leading zero.
    let digits = if digits.len() == 9 { format!("0{digits}") } else { digits.to_string() };
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !matches!(digits.as_bytes()[0], b'0' | b'1') {
        return None;
    }
    let base: u64 = digits[..8].parse().ok()?;
    let check: u64 = digits[8..].parse().ok()?;
    (97 - base % 97 == check).then(|| format!("BE{digits}"))
}

/// IBAN checked with the IBAN registry (`iban_validate`): ISO 13616 check digits and, for every
/// country the registry lists, that country's length and account number format. An IBAN of a
/// country the registry does not list yet is checked by its check digits alone. Accepts spaces
/// and lower case; returns it compact.
pub fn normalize_iban(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    match compact.parse::<iban::Iban>() {
        Ok(iban) => Some(iban.electronic_str().to_string()),
        Err(iban::ParseIbanError::UnknownCountry(base)) if (15..=34).contains(&compact.len()) => Some(base.electronic_str().to_string()),
        Err(_) => None,
    }
}

/// An IBAN shown to people who need not see it whole: `BE68 **** **** 0414`.
pub fn mask_iban(iban: &str) -> String {
    if iban.len() < 8 {
        return "****".into();
    }
    format!("{} **** **** {}", &iban[..4], &iban[iban.len() - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(normalize_email(" Anne@Example.BE ").as_deref(), Some("Anne@example.be"));
        assert!(normalize_email("a.b+tag@mail.co.uk").is_some());
        for bad in ["", "plain", "a@b", "a@@b.be", "a b@c.be", "@c.be", "a@.be", "a@b..be", "a@b.be-"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn belgian_vat_numbers() {
        // 0123456749: 97 - 1234567 % 97 = 49
        assert_eq!(normalize_be_vat("BE0123456749").as_deref(), Some("BE0123456749"));
        assert_eq!(normalize_be_vat("be 0123.456.749").as_deref(), Some("BE0123456749"));
        assert_eq!(normalize_be_vat("0403.170.701").as_deref(), Some("BE0403170701"));
        assert_eq!(normalize_be_vat("403170701").as_deref(), Some("BE0403170701"));
        for bad in ["", "BE0123456748", "BE012345674", "BE01234567490", "BE2123456749", "FR0123456749", "BEabcdefghij"] {
            assert_eq!(normalize_be_vat(bad), None, "{bad}");
        }
    }

    #[test]
    fn enterprise_numbers_and_bics() {
        assert_eq!(normalize_enterprise_number("0403.170.701").as_deref(), Some("0403170701"));
        assert_eq!(normalize_enterprise_number("BE 0123 456 749").as_deref(), Some("0123456749"));
        // wrong check digits, wrong length, wrong first digit, a foreign prefix
        for bad in ["0403.170.702", "040317070", "2403170701", "FR0403170701", ""] {
            assert_eq!(normalize_enterprise_number(bad), None, "{bad}");
        }
        assert_eq!(format_enterprise_number("0403170701"), "0403.170.701");
        assert_eq!(normalize_bic("gkcc be bb").as_deref(), Some("GKCCBEBB"));
        assert_eq!(normalize_bic("KREDBEBB100").as_deref(), Some("KREDBEBB100"));
        for bad in ["GKCCBEB", "GKCC1EBB", "GKCCBEBB1", ""] {
            assert_eq!(normalize_bic(bad), None, "{bad}");
        }
    }

    #[test]
    fn ibans() {
        assert_eq!(normalize_iban("BE68 5390 0754 7034").as_deref(), Some("BE68539007547034"));
        assert!(normalize_iban("NL91ABNA0417164300").is_some());
        assert!(normalize_iban("fr14 2004 1010 0505 0001 3m02 606").is_some());
        assert!(normalize_iban("DE89370400440532013000").is_some());
        for bad in ["", "BE68539007547035", "BE6853900754703", "NL91ABNA041716430", "XX", "BE68-5390-0754-7034"] {
            assert_eq!(normalize_iban(bad), None, "{bad}");
        }
        // Each country's account number format (the IBAN registry), not only the check digits:
        // letters in a Belgian or Polish account number are refused although the sum is right.
        for bad in ["BE94 5390 0754 70AB", "PL2610901014000007121981287A"] {
            assert_eq!(normalize_iban(bad), None, "{bad}");
        }
        assert_eq!(normalize_iban("pl61 1090 1014 0000 0712 1981 2874").as_deref(), Some("PL61109010140000071219812874"));
        assert_eq!(normalize_iban("NO93 8601 1117 947").as_deref(), Some("NO9386011117947"));
        // A country the registry does not know yet: its check digits are all there is to check.
        assert_eq!(normalize_iban("ZZ65 1234 5678 9012").as_deref(), Some("ZZ65123456789012"));
    }

    #[test]
    fn masks() {
        assert_eq!(mask_iban("BE68539007547034"), "BE68 **** **** 7034");
    }
}
