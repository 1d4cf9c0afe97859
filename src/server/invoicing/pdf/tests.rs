//! The PDF read back as text (pdf-extract, through the embedded fonts' ToUnicode maps), the
//! layout checked for cut-off or overlapping text, the QR code decoded (rqrr).

use super::labels::{self, labels};
use super::layout::{self, Op, Page};
use super::qr::{QrMatrix, QUIET_ZONE};
use super::*;
use crate::domain::document::{
    examples, reverse_charge_mention, small_business_mention, CreditSettlement, Document, DocumentLine, Logo, Payment, VatCategory,
};
use crate::domain::epc_qr;
use crate::i18n::Lang;

/// Writes a rendering where a person can look at it (`pdftoppm -png -r 60 /tmp/encaisse-*.pdf`).
fn keep(name: &str, bytes: &[u8]) {
    let _ = std::fs::write(std::env::temp_dir().join(format!("encaisse-{name}.pdf")), bytes);
}

/// The text without any whitespace: pdf-extract glues lines stacked in a column ("Rue de la
/// Loi 161000 Bruxelles") and keeps no-break spaces, so we compare character sequences.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

struct Extracted {
    squashed: String,
    pages: Vec<String>,
}

impl Extracted {
    fn of(pdf: &[u8]) -> Self {
        let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).expect("text extraction");
        let squashed = squash(&pages.concat());
        assert!(squashed.len() > 200, "almost no text extracted: {pages:?}");
        Extracted { squashed, pages }
    }

    fn has(&self, needle: &str) -> bool {
        self.squashed.contains(&squash(needle))
    }

    #[track_caller]
    fn assert_has(&self, needle: &str) {
        assert!(self.has(needle), "missing {needle:?} in the PDF text:\n{}", self.pages.join("\n---- page ----\n"));
    }

    #[track_caller]
    fn assert_lacks(&self, needle: &str) {
        assert!(!self.has(needle), "unexpected {needle:?} in the PDF text");
    }
}

fn compose(doc: &Document) -> Vec<Page> {
    layout::compose(doc, &Faces::load().unwrap(), None).unwrap()
}

/// Every mention Belgian law asks of an invoice, as the document's language writes it, read
/// back from the PDF.
fn assert_mandatory_mentions(doc: &Document) -> Extracted {
    let pdf = render(doc).unwrap();
    let text = Extracted::of(&pdf);
    let lang = doc.language;
    let l = labels(lang);

    // Title and number.
    let title = if doc.kind == DocumentKind::Invoice { l.invoice } else { l.credit_note };
    text.assert_has(&title.to_uppercase());
    text.assert_has(&format!("{} {}", l.number, doc.number));

    // Seller: name, address, enterprise number, VAT number or the small-business mention.
    let s = &doc.seller;
    text.assert_has(&s.name);
    text.assert_has(&s.address.street);
    text.assert_has(&format!("{} {}", s.address.postcode, s.address.city));
    text.assert_has(&format!("{} {}", l.enterprise_number, labels::enterprise_number(s.enterprise_number.as_deref().unwrap())));
    match &s.vat_number {
        Some(v) => text.assert_has(&format!("{} {}", l.vat_number, labels::vat_number(v))),
        None => text.assert_has(small_business_mention(lang)),
    }

    // Buyer: name, address, VAT number for a company.
    let b = &doc.buyer;
    text.assert_has(&b.name);
    text.assert_has(&b.address.street);
    text.assert_has(&format!("{} {}", b.address.postcode, b.address.city));
    if let Some(v) = &b.vat_number {
        text.assert_has(&format!("{} {}", l.vat_number, labels::vat_number(v)));
    }

    // Dates and references.
    text.assert_has(&format!("{}{}", l.invoice_date.to_uppercase(), labels::date(doc.issue_date)));
    if let Some(d) = doc.supply_date.filter(|d| *d != doc.issue_date) {
        text.assert_has(&format!("{}{}", l.supply_date.to_uppercase(), labels::date(d)));
    }
    text.assert_has(&format!("{}{}", l.due_date.to_uppercase(), labels::date(doc.due_date)));
    if let Some(r) = &doc.buyer_reference {
        text.assert_has(&format!("{}{}", l.your_reference.to_uppercase(), r));
    }

    // Each line: description, quantity, unit price, VAT rate, amount, in that order.
    for line in &doc.lines {
        text.assert_has(&format!(
            "{} {} {} {} {}",
            line.description,
            labels::quantity(lang, line.quantity_milli),
            labels::money(lang, line.unit_price_cents),
            labels::vat_label(lang, &line.category, line.vat_rate),
            labels::money(lang, line.amount_cents)
        ));
    }
    // Per VAT rate: base and VAT.
    for v in &doc.vat_breakdown {
        text.assert_has(&format!(
            "{} {} {}",
            labels::vat_label(lang, &v.category, v.rate),
            labels::money(lang, v.base_cents),
            labels::money(lang, v.vat_cents)
        ));
    }
    // Totals and amount to pay.
    let t = &doc.totals;
    text.assert_has(&format!("{} {}", l.total_excl_vat, labels::money(lang, t.excl_vat_cents)));
    text.assert_has(&format!("{} {}", l.total_vat, labels::money(lang, t.vat_cents)));
    text.assert_has(&format!("{} {}", l.total_incl_vat, labels::money(lang, t.incl_vat_cents)));
    text.assert_has(&format!("{} {}", l.amount_to_pay, labels::money(lang, t.payable_cents)));

    // Structured communication, the seller's bank account, the footer.
    text.assert_has(&doc.structured_communication);
    text.assert_has(&format!("{} {}", l.iban, labels::iban(&doc.seller_iban)));
    text.assert_has(&format!("{} {}", l.bic, doc.seller_bic));
    if let Some(f) = &doc.footer {
        text.assert_has(f);
    }
    text.assert_has(&format!("{} 1/", l.page));
    text
}

fn with_buyer(mut doc: Document, company: bool) -> Document {
    doc.buyer = if company { examples::company_buyer() } else { examples::individual_buyer() };
    doc
}

fn in_lang(mut doc: Document, lang: Lang) -> Document {
    doc.language = lang;
    doc
}

#[test]
fn french_invoice_to_a_company_has_every_mention() {
    let doc = examples::invoice();
    assert_eq!((doc.language, doc.buyer.is_company), (Lang::Fr, true));
    let text = assert_mandatory_mentions(&doc);
    // The same, written out, so a wrong label table cannot hide behind itself.
    for needle in [
        "FACTURE",
        "N° 2026-0042",
        "N° d'entreprise 0123.456.749",
        "N° TVA BE 0123.456.749",
        "Brasserie du Parc SA",
        "N° TVA BE 0403.170.701",
        "DATE DE FACTURE01/12/2026",
        "DATE DE LIVRAISON28/11/2026",
        "ÉCHÉANCE31/12/2026",
        "VOTRE RÉFÉRENCEPO-7781",
        "Pain de campagne 12 4,50 € 6 % 54,00 €",
        "Livraison 2,5 19,99 € 21 % 49,98 €",
        "21 % 199,98 € 42,00 €",
        "Total HTVA 253,98 €",
        "Total TVAC 299,22 €",
        "Montant à payer 299,22 €",
        "+++090/9337/55493+++",
        "IBAN BE68 5390 0754 7034",
        "BIC GKCCBEBB",
        "Merci pour votre confiance.",
        "Page 1/1",
    ] {
        text.assert_has(needle);
    }
    keep("invoice-fr-company", &render(&doc).unwrap());
}

#[test]
fn french_invoice_to_an_individual_has_every_mention() {
    let doc = with_buyer(examples::invoice(), false);
    let text = assert_mandatory_mentions(&doc);
    text.assert_has("Anne Peeters");
    text.assert_has("Kerkstraat 3");
    // An individual has no VAT number: only the seller's is printed.
    assert_eq!(text.squashed.matches(&squash("N° TVA")).count(), 2, "seller block and footer only");
}

#[test]
fn dutch_invoice_to_a_company_has_every_mention() {
    let mut doc = with_buyer(in_lang(examples::invoice(), Lang::Nl), true);
    doc.footer = Some("Bedankt voor uw vertrouwen.".into());
    let text = assert_mandatory_mentions(&doc);
    for needle in [
        "FACTUUR",
        "Nr. 2026-0042",
        "Ondernemingsnr. 0123.456.749",
        "Btw-nr. BE 0123.456.749",
        "Btw-nr. BE 0403.170.701",
        "FACTUURDATUM01/12/2026",
        "LEVERINGSDATUM28/11/2026",
        "VERVALDATUM31/12/2026",
        "UW REFERENTIEPO-7781",
        "GESTRUCTUREERDE MEDEDELING+++090/9337/55493+++",
        "Totaal excl. btw 253,98 €",
        "Totaal incl. btw 299,22 €",
        "Te betalen 299,22 €",
        "Pagina 1/1",
    ] {
        text.assert_has(needle);
    }
    keep("invoice-nl-company", &render(&doc).unwrap());
}

#[test]
fn dutch_invoice_to_an_individual_has_every_mention() {
    let doc = examples::direct_debit_invoice();
    assert_eq!((doc.language, doc.buyer.is_company), (Lang::Nl, false));
    let text = assert_mandatory_mentions(&doc);
    text.assert_has("Anne Peeters");
    // No buyer reference on this one: no empty "Your reference".
    text.assert_lacks("UW REFERENTIE");
}

#[test]
fn english_invoice_has_every_mention() {
    let doc = in_lang(examples::invoice(), Lang::En);
    let text = assert_mandatory_mentions(&doc);
    for needle in ["INVOICE", "No. 2026-0042", "Livraison 2.5 €19.99 21 % €49.98", "Amount due €299.22", "Page 1/1"] {
        text.assert_has(needle);
    }
}

#[test]
fn direct_debit_says_when_and_from_which_account_and_has_no_qr_code() {
    let doc = examples::direct_debit_invoice();
    let text = Extracted::of(&render(&doc).unwrap());
    text.assert_has(
        "Deze factuur wordt via SEPA-domiciliëring geïnd van de rekening eindigend op …6769, onder mandaat SBX00012, rond 06/12/2026.",
    );
    // Only the last four digits of the customer's account.
    text.assert_lacks("BE71096123456769");
    text.assert_lacks("0961 2345");
    assert!(compose(&doc).iter().flatten().all(|op| !matches!(op, Op::Qr { .. })));
    assert_eq!(layout::qr_payload(&doc), None);

    let mut en = in_lang(doc.clone(), Lang::En);
    en.payment =
        Payment::DirectDebit { mandate_reference: "SBX00012".into(), debtor_iban: "BE71 0961 2345 6769".into(), collection_date: None };
    let text = Extracted::of(&render(&en).unwrap());
    text.assert_has("This invoice will be collected by SEPA direct debit from the account ending …6769 under mandate SBX00012.");

    let fr = in_lang(doc, Lang::Fr);
    let text = Extracted::of(&render(&fr).unwrap());
    text.assert_has("Cette facture sera prélevée par domiciliation SEPA sur le compte se terminant par …6769, sous le mandat SBX00012, aux alentours du 06/12/2026.");
    keep("direct-debit-nl", &render(&examples::direct_debit_invoice()).unwrap());
}

#[test]
fn credit_note_names_the_invoice_it_corrects_and_what_happens_to_the_money() {
    let doc = examples::credit_note();
    let pdf = render(&doc).unwrap();
    keep("credit-note-fr", &pdf);
    let text = Extracted::of(&pdf);
    text.assert_has("NOTE DE CRÉDIT");
    text.assert_has("N° CN-2026-0003");
    text.assert_has("Cette note de crédit se rapporte à la facture 2026-0042 du 01/12/2026.");
    text.assert_has("Ce montant est déduit de ce qui reste à payer sur la facture 2026-0042.");
    text.assert_has("DATE DE LA NOTE01/12/2026");
    text.assert_has("Livraison 2,5 19,99 € 21 % 49,98 €");
    text.assert_has("Montant crédité 60,48 €");
    // Nothing to pay on a credit note: no QR code, no due date, no "amount to pay".
    assert!(compose(&doc).iter().flatten().all(|op| !matches!(op, Op::Qr { .. })));
    text.assert_lacks("Montant à payer");
    text.assert_lacks("ÉCHÉANCE");

    let mut nl = in_lang(doc.clone(), Lang::Nl);
    nl.credited_invoice.as_mut().unwrap().settlement = CreditSettlement::RefundedByTwikey;
    let text = Extracted::of(&render(&nl).unwrap());
    text.assert_has("CREDITNOTA");
    text.assert_has("Deze creditnota heeft betrekking op factuur 2026-0042 van 01/12/2026.");
    text.assert_has("Het reeds geïnde bedrag wordt via Twikey teruggestort op de rekening waarvan het werd geïnd.");

    let mut en = in_lang(doc, Lang::En);
    en.credited_invoice.as_mut().unwrap().settlement = CreditSettlement::RefundedByHand;
    let text = Extracted::of(&render(&en).unwrap());
    text.assert_has("This credit note relates to invoice 2026-0042 of 01/12/2026.");
    text.assert_has("The amount already paid is refunded to you by bank transfer.");
}

#[test]
fn small_business_carries_the_art_56bis_mention_and_no_vat_number() {
    for lang in [Lang::Fr, Lang::Nl] {
        let doc = in_lang(examples::small_business_invoice(), lang);
        let pdf = render(&doc).unwrap();
        let text = assert_mandatory_mentions(&doc);
        text.assert_has(small_business_mention(lang));
        text.assert_lacks("BE 0123.456.749");
        text.assert_has(&format!("Pain de campagne 12 4,50 € {} 54,00 €", labels(lang).small_business));
        if lang == Lang::Fr {
            keep("small-business-fr", &pdf);
        }
    }
}

#[test]
fn reverse_charge_and_exemption_mentions() {
    let mut doc = examples::invoice();
    doc.lines[1].category = VatCategory::ReverseCharge;
    doc.lines[1].vat_rate = 0;
    doc.lines[2].category = VatCategory::Exempt { reason: "Art. 44, § 2, 1° du Code TVA".into() };
    doc.lines[2].vat_rate = 0;
    let (b, t) = examples::summarise(&doc.lines, 0);
    doc.vat_breakdown = b;
    doc.totals = t;
    let text = assert_mandatory_mentions(&doc);
    text.assert_has(reverse_charge_mention(Lang::Fr));
    text.assert_has("Exonération de TVA : Art. 44, § 2, 1° du Code TVA");
    text.assert_has("Location du four 1 150,00 € Autoliquidation 150,00 €");
    text.assert_has("Livraison 2,5 19,99 € Exonéré 49,98 €");
    text.assert_lacks(small_business_mention(Lang::Fr));
    // The VAT column is as wide as its widest word: not cut in two.
    let pages = compose(&doc);
    assert_clean_layout(&pages);
    for word in ["Autoliquidation", "Quantité", "Prix unitaire", "Montant HTVA", "12", "2,5"] {
        assert!(pages[0].iter().any(|op| matches!(op, Op::Text { text, .. } if text == word)), "{word} in one piece");
    }
    keep("reverse-charge-fr", &render(&doc).unwrap());
}

#[test]
fn same_document_same_bytes() {
    for doc in [
        examples::invoice(),
        examples::direct_debit_invoice(),
        examples::credit_note(),
        with_logo(examples::invoice(), "image/png", sample_png()),
    ] {
        let a = render(&doc).unwrap();
        let b = render(&doc).unwrap();
        assert!(a == b, "{} renders differently twice", doc.number);
    }
    let a = render(&examples::invoice()).unwrap();
    let mut other = examples::invoice();
    other.number = "2026-0043".into();
    assert_ne!(a, render(&other).unwrap());
    // The issue date is the creation date; nothing from the clock.
    let raw = String::from_utf8_lossy(&a);
    assert!(raw.contains("D:20261201"), "creation date is the issue date");
    assert!(!raw.contains(&format!("D:{}", chrono::Utc::now().format("%Y%m%d%H"))));
}

#[test]
fn pdf_a_3u_with_embedded_fonts() {
    let pdf = render(&examples::invoice()).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.starts_with("%PDF-1.7"));
    assert!(raw.contains("<pdfaid:part>3</pdfaid:part>"), "PDF/A part in XMP");
    assert!(raw.contains("<pdfaid:conformance>U</pdfaid:conformance>"), "PDF/A conformance in XMP");
    assert!(raw.contains("/OutputIntents"));
    assert!(raw.contains("/FontFile2"), "TrueType font embedded");
    assert!(raw.contains("/ToUnicode"));
    assert!(raw.contains("LiberationSans-Bold"));
    // Subset: far smaller than the 800 KB of the two fonts.
    assert!(pdf.len() < 80_000, "{} bytes", pdf.len());
}

#[test]
fn characters_the_font_lacks_do_not_break_pdf_a() {
    let mut doc = examples::invoice();
    doc.lines[0].description = "Gâteau 🎂 « spécial » — 蛋糕".into();
    let text = Extracted::of(&render(&doc).unwrap());
    text.assert_has("Gâteau ? « spécial » — ??");
}

// ---------------------------------------------------------------------------------------------
// Page breaks: nothing cut off, nothing overlapping, headers repeated.

const ASCENT: f32 = 0.905;
const DESCENT: f32 = 0.212;

/// Every text inside the page's margins and no two texts overlapping (which is what content
/// running into the footer, or a column into its neighbour, would do).
#[track_caller]
fn assert_clean_layout(pages: &[Page]) {
    for (p, ops) in pages.iter().enumerate() {
        let boxes: Vec<(f32, f32, f32, f32, &str)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { x, y, size, text, width, .. } if !text.trim().is_empty() => {
                    Some((*x, *y - ASCENT * size, *x + width, *y + DESCENT * size, text.as_str()))
                }
                _ => None,
            })
            .collect();
        for &(l, t, r, b, text) in &boxes {
            assert!(l >= layout::LEFT - 0.01 && r <= layout::RIGHT + 0.01, "page {}: {text:?} runs out sideways ({l}..{r})", p + 1);
            assert!(
                t >= layout::TOP - 0.01 && b <= layout::PAGE_H - layout::BOTTOM + 0.01,
                "page {}: {text:?} off the page ({t}..{b})",
                p + 1
            );
        }
        for (i, a) in boxes.iter().enumerate() {
            for c in &boxes[i + 1..] {
                let overlap_x = a.0 < c.2 - 0.1 && c.0 < a.2 - 0.1;
                let overlap_y = a.1 < c.3 - 0.1 && c.1 < a.3 - 0.1;
                assert!(!(overlap_x && overlap_y), "page {}: {:?} overlaps {:?}", p + 1, a.4, c.4);
            }
        }
    }
}

fn line(description: String, quantity_milli: i64, unit_price_cents: i64) -> DocumentLine {
    let amount_cents = crate::domain::money::div_round_half_away(quantity_milli as i128 * unit_price_cents as i128, 1000) as i64;
    DocumentLine { description, quantity_milli, unit_price_cents, vat_rate: 21, category: VatCategory::Standard, amount_cents }
}

fn twenty_lines() -> Document {
    let mut doc = examples::invoice();
    doc.lines = (1..=20)
        .map(|i| {
            let description = if i % 3 == 0 {
                format!("Prestation {i} : accompagnement à l'organisation de la production de nuit, avec déplacement sur site, mesures des fours et rapport écrit détaillé remis au gérant")
            } else {
                format!("Pain spécial n° {i}")
            };
            line(description, 1_000 * i + 250, 1_234 * i)
        })
        .collect();
    let (b, t) = examples::summarise(&doc.lines, 0);
    doc.vat_breakdown = b;
    doc.totals = t;
    doc
}

#[test]
fn twenty_lines_span_pages_without_losing_anything() {
    for lang in [Lang::Fr, Lang::Nl] {
        let doc = in_lang(twenty_lines(), lang);
        let l = labels(lang);
        let pages = compose(&doc);
        assert!(pages.len() >= 2, "20 lines, some long: more than one page");
        assert_clean_layout(&pages);

        let pdf = render(&doc).unwrap();
        if lang == Lang::Fr {
            keep("twenty-lines-fr", &pdf);
        }
        let text = assert_mandatory_mentions(&doc);
        assert_eq!(text.pages.len(), pages.len());
        let n = pages.len();
        for (i, page) in text.pages.iter().enumerate() {
            let page = squash(page);
            assert!(page.contains(&squash(&format!("{} {}/{n}", l.page, i + 1))), "page number on page {}", i + 1);
            assert!(page.contains(&squash(&doc.seller.name)), "seller on page {}", i + 1);
            if i > 0 {
                assert!(page.contains(&squash(&format!("({})", l.continued))), "continuation header on page {}", i + 1);
            }
        }
        // The table header comes back on the page where the lines go on.
        let second = squash(&text.pages[1]);
        if second.contains(&squash(&doc.lines.last().unwrap().description)) {
            assert!(second.contains(&squash(&format!("{} {}", l.description, l.quantity))));
        }
    }
}

#[test]
fn a_description_longer_than_a_page_is_split_not_cut() {
    let mut doc = examples::invoice();
    let words: Vec<String> = (1..=700).map(|i| format!("mot{i}x")).collect();
    doc.lines[1].description = words.join(" ");
    let pages = compose(&doc);
    assert!(pages.len() >= 2);
    assert_clean_layout(&pages);
    let pdf = render(&doc).unwrap();
    keep("long-description", &pdf);
    let text = Extracted::of(&pdf);
    // Every word, in order (the other cells and the next page's header come in between).
    let mut rest = text.squashed.as_str();
    for word in &words {
        let at = rest.find(word.as_str()).unwrap_or_else(|| panic!("{word} missing or out of order"));
        rest = &rest[at + word.len()..];
    }
    text.assert_has("Total TVAC 299,22 €");
}

#[test]
fn long_names_addresses_and_references_wrap_inside_their_blocks() {
    let mut doc = examples::invoice();
    doc.seller.name = "Boulangerie-Pâtisserie Artisanale Dupont et Fils, Maîtres Boulangers depuis 1898 SRL".into();
    doc.buyer.name = "Brasserie, Taverne et Salle de Réception du Parc Royal de Bruxelles-Capitale SA".into();
    doc.buyer.address.street = "Boulevard du Souverain / Vorstlaan 280, boîte postale 12, bâtiment C, 3e étage".into();
    doc.buyer.address.country = "NL".into();
    doc.buyer_reference = Some("BESTELBON-2026-000123456-AFDELING-AANKOOP-BRUSSEL".into());
    doc.footer = Some("Conditions générales : toute réclamation doit être adressée par écrit dans les huit jours. ".repeat(4));
    let pages = compose(&doc);
    assert_clean_layout(&pages);
    let text = assert_mandatory_mentions(&doc);
    text.assert_has("Pays-Bas");
    keep("long-names-fr", &render(&doc).unwrap());
}

// ---------------------------------------------------------------------------------------------
// QR code.

/// The symbol drawn the way the PDF draws it (same rectangles), at 4 pixels a module with the
/// quiet zone, decoded.
fn decode_drawn(matrix: &QrMatrix) -> String {
    let scale = 4usize;
    let side = (matrix.width + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    let offset = (QUIET_ZONE * scale) as f32;
    for (x, y, w, h) in matrix.rects(offset, offset, (matrix.width * scale) as f32) {
        for py in y.round() as usize..(y + h).round() as usize {
            for px in x.round() as usize..(x + w).round() as usize {
                pixels[py * side + px] = 0;
            }
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodable").1
}

#[test]
fn qr_code_scans_to_the_epc_payload() {
    let doc = examples::invoice();
    let expected = epc_qr::payload(
        &doc.seller_bic,
        &doc.seller.name,
        &doc.seller_iban,
        doc.totals.payable_cents,
        epc_qr::Remittance::Reference("090933755493"),
    );
    assert_eq!(expected, "BCD\n002\n1\nSCT\nGKCCBEBB\nBoulangerie Dupont SRL\nBE68539007547034\nEUR299.22\n\n090933755493");
    assert_eq!(layout::qr_payload(&doc).as_deref(), Some(expected.as_str()));

    let drawn: Vec<QrMatrix> =
        compose(&doc).into_iter().flatten().filter_map(|op| if let Op::Qr { matrix, .. } = op { Some(matrix) } else { None }).collect();
    assert_eq!(drawn.len(), 1, "one QR code on the invoice");
    assert_eq!(decode_drawn(&drawn[0]), expected);

    // A long name, the largest amount: still one symbol that scans.
    let mut big = doc.clone();
    big.seller.name = "Établissements Dupont-Vandenberghe & Fils, boulangerie, pâtisserie, traiteur SRL".into();
    big.totals.payable_cents = epc_qr::MAX_AMOUNT_CENTS;
    let payload = layout::qr_payload(&big).unwrap();
    assert!(payload.contains("\nEUR999999999.99\n"));
    assert_eq!(decode_drawn(&QrMatrix::new(&payload).unwrap()), payload);
}

#[test]
fn fully_prepaid_invoice_has_no_qr_code() {
    let mut doc = examples::invoice();
    doc.totals.prepaid_cents = doc.totals.incl_vat_cents;
    doc.totals.payable_cents = 0;
    assert_eq!(layout::qr_payload(&doc), None);
    let text = Extracted::of(&render(&doc).unwrap());
    text.assert_has("Cette facture est déjà entièrement payée.");
    text.assert_has("Déjà payé -299,22 €");
}

/// The QR code as it comes out of a real rasteriser (poppler), scanned from the whole page.
/// Needs `pdftoppm` (Debian: poppler-utils): `cargo test ... -- --ignored`.
#[test]
#[ignore = "needs pdftoppm from poppler-utils"]
fn qr_code_scans_from_the_printed_page() {
    let doc = examples::invoice();
    let pdf = render(&doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", "150", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let pgm_path =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "pgm")).unwrap();
    let pgm = std::fs::read(pgm_path).unwrap();
    // Binary PGM: "P5\n<w> <h>\n255\n" then one byte a pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).to_string());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[i + 1..];
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].decode().unwrap().1, layout::qr_payload(&doc).unwrap());
}

// ---------------------------------------------------------------------------------------------
// Logo.

fn with_logo(mut doc: Document, mime: &str, bytes: Vec<u8>) -> Document {
    doc.seller_logo = Some(Logo { mime: mime.into(), bytes });
    doc
}

/// A 240×80 RGBA PNG (a rounded badge), written by hand: stored deflate blocks, no encoder.
fn sample_png() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let (w, h) = (240u32, 80u32);
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // no filter
        for x in 0..w {
            let (dx, dy) = ((x as i32 - 40).abs(), (y as i32 - 40).abs());
            let in_badge = x > 8 && x < 232 && y > 8 && y < 72;
            let in_circle = dx * dx + dy * dy < 26 * 26;
            let px = if in_circle {
                [255, 255, 255, 255]
            } else if in_badge {
                [192, 57, 43, 255]
            } else {
                [0, 0, 0, 0]
            };
            raw.extend(px);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + byte as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

const SAMPLE_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="90" viewBox="0 0 300 90">
<rect x="2" y="2" width="296" height="86" rx="14" fill="#1d6b4f"/>
<circle cx="46" cy="45" r="28" fill="#f4d35e"/>
<path d="M90 22 h180 v8 h-180 z" fill="#ffffff"/>
<text x="90" y="66" font-family="Helvetica, sans-serif" font-size="26" font-weight="bold" fill="#ffffff">Dupont</text>
</svg>"##;

fn logo_op(doc: &Document) -> Option<(f32, f32, f32, f32)> {
    let faces = Faces::load().unwrap();
    let logo = doc.seller_logo.as_ref().and_then(load_logo);
    let pages = layout::compose(doc, &faces, logo.as_ref().map(LoadedLogo::size)).unwrap();
    pages.into_iter().flatten().find_map(|op| if let Op::Logo { x, y, w, h } = op { Some((x, y, w, h)) } else { None })
}

#[test]
fn png_logo_at_the_top_left() {
    let doc = with_logo(examples::invoice(), "image/png", sample_png());
    let (x, y, w, h) = logo_op(&doc).expect("logo drawn");
    assert_eq!((x, y), (layout::LEFT, layout::TOP));
    assert!((w / h - 3.0).abs() < 0.01 && h <= 60.0 && w <= 170.0, "{w}×{h}");
    let pdf = render(&doc).unwrap();
    keep("logo-png", &pdf);
    assert!(String::from_utf8_lossy(&pdf).contains("/Subtype/Image/Filter/FlateDecode/Width 240/Height 80"));
    assert_mandatory_mentions(&doc);
}

#[test]
fn svg_logo_is_drawn_as_vectors() {
    let doc = with_logo(examples::invoice(), "image/svg+xml", SAMPLE_SVG.as_bytes().to_vec());
    let (_, _, w, h) = logo_op(&doc).expect("logo drawn");
    assert!((w / h - 300.0 / 90.0).abs() < 0.01, "{w}×{h}");
    // Its text is drawn with the embedded font (as outlines), not dropped for want of a font.
    let Some(LoadedLogo::Svg(tree)) = load_logo(doc.seller_logo.as_ref().unwrap()) else { panic!("an SVG") };
    fn has_text(group: &usvg::Group) -> bool {
        group.children().iter().any(|node| match node {
            usvg::Node::Text(t) => !t.flattened().children().is_empty(),
            usvg::Node::Group(g) => has_text(g),
            _ => false,
        })
    }
    assert!(has_text(tree.root()));
    let pdf = render(&doc).unwrap();
    keep("logo-svg", &pdf);
    assert_mandatory_mentions(&doc);
}

#[test]
fn unreadable_logo_is_left_out() {
    for (mime, bytes) in
        [("image/png", b"\x89PNG\r\n\x1a\nbroken".to_vec()), ("image/svg+xml", b"<svg><unclosed".to_vec()), ("image/gif", vec![1, 2, 3])]
    {
        let doc = with_logo(examples::invoice(), mime, bytes);
        assert!(logo_op(&doc).is_none(), "{mime}");
        let text = Extracted::of(&render(&doc).unwrap());
        text.assert_has("Montant à payer 299,22 €");
    }
}
