//! SEPA direct-debit return reasons (ISO 20022 R-transaction codes) in words, in the three
//! languages of the interface, and whether trying again later can help.

use crate::i18n::Lang;

/// `(code, English, French, Dutch, retrying may help)`
const REASONS: &[(&str, &str, &str, &str, bool)] = &[
    ("AC01", "Incorrect account number", "Numéro de compte incorrect", "Onjuist rekeningnummer", false),
    ("AC04", "Account closed", "Compte clôturé", "Rekening afgesloten", false),
    ("AC06", "Account blocked", "Compte bloqué", "Rekening geblokkeerd", false),
    ("AC13", "Debtor account is a consumer account (not allowed for B2B)", "Le compte du débiteur est un compte de consommateur (interdit en B2B)", "Rekening van de debiteur is een consumentenrekening (niet toegestaan voor B2B)", false),
    ("AG01", "Direct debit not allowed on this account", "Domiciliation interdite sur ce compte", "Domiciliëring niet toegestaan op deze rekening", false),
    ("AG02", "Invalid bank operation code", "Code d'opération bancaire invalide", "Ongeldige bankverrichtingscode", false),
    ("AM04", "Insufficient funds", "Provision insuffisante", "Onvoldoende saldo", true),
    ("AM05", "Duplicate collection", "Encaissement en double", "Dubbele inning", false),
    ("BE05", "Creditor not recognised by the bank", "Créancier non reconnu par la banque", "Schuldeiser niet herkend door de bank", false),
    ("CNOR", "Creditor's bank not reachable for direct debits", "Banque du créancier non joignable pour les domiciliations", "Bank van de schuldeiser niet bereikbaar voor domiciliëringen", false),
    ("DNOR", "Debtor's bank not reachable for direct debits", "Banque du débiteur non joignable pour les domiciliations", "Bank van de debiteur niet bereikbaar voor domiciliëringen", false),
    ("ED05", "Settlement failed", "Échec du règlement", "Verrekening mislukt", true),
    ("FF01", "Invalid file format", "Format de fichier invalide", "Ongeldig bestandsformaat", false),
    ("MD01", "No valid mandate", "Pas de mandat valable", "Geen geldig mandaat", false),
    ("MD02", "Mandate data missing or incorrect", "Données du mandat manquantes ou incorrectes", "Mandaatgegevens ontbreken of zijn onjuist", false),
    ("MD06", "Refund requested by the debtor", "Remboursement demandé par le débiteur", "Terugbetaling gevraagd door de debiteur", false),
    ("MD07", "Debtor deceased", "Débiteur décédé", "Debiteur overleden", false),
    ("MS02", "Refused by the debtor", "Refusé par le débiteur", "Geweigerd door de debiteur", false),
    ("MS03", "Reason not specified by the bank", "Motif non précisé par la banque", "Reden niet opgegeven door de bank", true),
    ("PY01", "Unknown creditor bank", "Banque du créancier inconnue", "Onbekende bank van de schuldeiser", false),
    ("RC01", "Incorrect bank identifier (BIC)", "Identifiant bancaire (BIC) incorrect", "Onjuiste bankidentificatie (BIC)", false),
    ("RR01", "Debtor identification missing (regulatory)", "Identification du débiteur manquante (réglementaire)", "Identificatie van de debiteur ontbreekt (regelgeving)", false),
    ("RR02", "Debtor name or address missing (regulatory)", "Nom ou adresse du débiteur manquant (réglementaire)", "Naam of adres van de debiteur ontbreekt (regelgeving)", false),
    ("RR03", "Creditor name or address missing (regulatory)", "Nom ou adresse du créancier manquant (réglementaire)", "Naam of adres van de schuldeiser ontbreekt (regelgeving)", false),
    ("RR04", "Regulatory reason", "Raison réglementaire", "Reglementaire reden", false),
    ("SL01", "Refused by a service of the debtor's bank", "Refusé par un service de la banque du débiteur", "Geweigerd door een dienst van de bank van de debiteur", false),
];

/// The reason in words (`AM04` → "Insufficient funds"), or `None` for an unknown code.
pub fn reason_text(code: &str, lang: Lang) -> Option<&'static str> {
    REASONS.iter().find(|r| r.0.eq_ignore_ascii_case(code.trim())).map(|r| match lang {
        Lang::En => r.1,
        Lang::Fr => r.2,
        Lang::Nl => r.3,
    })
}

/// `AM04 — Insufficient funds`; an unknown code is shown with Twikey's own message.
pub fn describe(code: &str, bank_message: Option<&str>, lang: Lang) -> String {
    match (reason_text(code, lang), bank_message) {
        (Some(text), _) => format!("{code} — {text}"),
        (None, Some(msg)) if !msg.is_empty() => format!("{code} — {msg}"),
        _ => code.to_string(),
    }
}

/// Whether collecting again later may succeed (insufficient funds: yes; account closed,
/// mandate cancelled or refused by the debtor: never).
pub fn retry_may_help(code: &str) -> bool {
    REASONS.iter().find(|r| r.0.eq_ignore_ascii_case(code.trim())).map(|r| r.4).unwrap_or(false)
}

/// Twikey's `message` (what the debtor reads on the bank statement): SEPA's character set
/// only (`a-z A-Z 0-9 / - ? : ( ) . , ' +` and space), at most 140 characters. Accented
/// letters lose their accent, anything else becomes a space.
pub fn message(text: &str) -> String {
    let plain = |c: char| -> char {
        let base = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'O',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            'ñ' => 'n',
            'Ñ' => 'N',
            other => other,
        };
        if base.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(base) { base } else { ' ' }
    };
    let cleaned: String = text.chars().map(plain).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(140).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sandbox_code_has_words_in_three_languages() {
        for code in ["MS03", "AM04", "MS02", "MD06", "AC01", "AC04", "AC06", "AC13", "AG01", "FF01", "MD01", "MD02", "MD07", "PY01", "RC01", "SL01"] {
            for lang in Lang::ALL {
                assert!(reason_text(code, lang).is_some(), "{code} {lang:?}");
            }
        }
        assert_eq!(reason_text("am04", Lang::Fr), Some("Provision insuffisante"));
        assert_eq!(describe("AM04", None, Lang::En), "AM04 — Insufficient funds");
        assert_eq!(describe("ZZ99", Some("Strange"), Lang::En), "ZZ99 — Strange");
    }

    #[test]
    fn retries_only_where_they_can_help() {
        assert!(retry_may_help("AM04"));
        for never in ["AC04", "MD01", "MS02", "MD06", "AC01", "unknown"] {
            assert!(!retry_may_help(never), "{never}");
        }
    }

    #[test]
    fn messages_keep_to_the_sepa_character_set() {
        assert_eq!(super::message("Facture 2026-0001 +++090/9337/55493+++ Crème brûlée & co"), "Facture 2026-0001 +++090/9337/55493+++ Creme brulee co");
        assert_eq!(super::message(&"x".repeat(200)).len(), 140);
    }
}
