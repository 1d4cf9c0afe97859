//! Money and quantities as integers, never floats.
//!
//! * Amounts are `i64` cents.
//! * Quantities are `i64` thousandths (`1,5` → 1500), so "1.5 hours" or "0.25 kg" are exact.
//!
//! Parsing accepts what Belgian users type: `1234,56`, `1 234,56`, `1.234,56`, `1234.56`.

/// Parses a decimal number into an integer scaled by 10^`decimals`. `None` when it has more
/// decimals than that, is empty or is not a number.
pub fn parse_scaled(input: &str, decimals: u32) -> Option<i64> {
    let s: String = input.trim().chars().filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{a0}').collect();
    if s.is_empty() {
        return None;
    }
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s),
    };
    // The last ',' or '.' is the decimal separator when followed by at most `decimals` digits
    // and (for '.') when there is no ',' after thousands separators; other separators group thousands.
    let sep = s.rfind([',', '.']);
    let (int_part, frac_part) = match sep {
        Some(i) => {
            let frac = &s[i + 1..];
            let is_thousands = s.as_bytes()[i] == b'.' && frac.len() == 3 && decimals < 3 && s[..i].contains(['.']) ;
            if is_thousands { (s.replace('.', ""), String::new()) } else { (s[..i].replace(['.', ','], ""), frac.to_string()) }
        }
        None => (s.clone(), String::new()),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac_part.len() > decimals as usize || int_part.len() > 12 {
        return None;
    }
    let scale = 10i64.pow(decimals);
    let int: i64 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
    let mut frac: i64 = if frac_part.is_empty() { 0 } else { frac_part.parse().ok()? };
    frac *= 10i64.pow(decimals - frac_part.len() as u32);
    let value = int.checked_mul(scale)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

/// `12,50` → 1250 cents.
pub fn parse_cents(input: &str) -> Option<i64> {
    parse_scaled(input, 2)
}

/// `1,5` → 1500 thousandths.
pub fn parse_quantity(input: &str) -> Option<i64> {
    parse_scaled(input, 3)
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// `123456` → `1 234,56 €` (Belgian style: narrow space groups, comma decimals).
pub fn format_eur(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02}\u{a0}€", group_thousands(abs / 100), abs % 100)
}

/// Cents as typed in a form field: `1234,56`.
pub fn cents_input(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

/// Thousandths as typed in a form field: `1,5`, `2`.
pub fn quantity_input(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let frac = abs % 1000;
    if frac == 0 {
        format!("{sign}{}", abs / 1000)
    } else {
        format!("{sign}{},{}", abs / 1000, format!("{frac:03}").trim_end_matches('0'))
    }
}

/// `numerator / denominator` rounded to the nearest integer, halves away from zero.
pub fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    assert!(denominator > 0);
    let q = numerator / denominator;
    let r = numerator % denominator;
    if 2 * r.abs() >= denominator {
        q + numerator.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_cents("12,50"), Some(1250));
        assert_eq!(parse_cents("12.5"), Some(1250));
        assert_eq!(parse_cents("1 234,56"), Some(123456));
        assert_eq!(parse_cents("1.234,56"), Some(123456));
        assert_eq!(parse_cents("1.234.567"), Some(123456700));
        assert_eq!(parse_cents("100"), Some(10000));
        assert_eq!(parse_cents("€ 3,2"), Some(320));
        assert_eq!(parse_cents("-5"), Some(-500));
        assert_eq!(parse_cents("1,234"), None, "three decimals is not a price");
        for bad in ["", "abc", "1,2,3x", ",", "--1"] {
            assert_eq!(parse_cents(bad), None, "{bad}");
        }
        assert_eq!(parse_quantity("1,5"), Some(1500));
        assert_eq!(parse_quantity("0.125"), Some(125));
        assert_eq!(parse_quantity("3"), Some(3000));
        assert_eq!(parse_quantity("0,0001"), None);
    }

    #[test]
    fn formats() {
        assert_eq!(format_eur(123456), "1\u{202f}234,56\u{a0}€");
        assert_eq!(format_eur(5), "0,05\u{a0}€");
        assert_eq!(format_eur(-1999), "-19,99\u{a0}€");
        assert_eq!(cents_input(1250), "12,50");
        assert_eq!(quantity_input(1500), "1,5");
        assert_eq!(quantity_input(2000), "2");
        assert_eq!(quantity_input(125), "0,125");
    }

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 10), 1);
        assert_eq!(div_round_half_away(4, 10), 0);
        assert_eq!(div_round_half_away(-5, 10), -1);
        assert_eq!(div_round_half_away(-4, 10), 0);
        assert_eq!(div_round_half_away(15, 10), 2);
        assert_eq!(div_round_half_away(1049, 100), 10);
    }
}
