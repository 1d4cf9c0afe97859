//! The e-invoices Encaisse writes pass the official Peppol BIS Billing 3.0 rules (CEN EN 16931 and
//! Peppol, as every access point runs them).
//!
//! About a hundred documents — the four fixtures of `domain::document::examples` and a fixed,
//! reproducible proptest sample: rates 0/6/12/21 %, exempt and reverse-charge lines, up to 50
//! lines, half-cent roundings (0.333 × …, .5-cent products), full and partial credit notes,
//! transfer and direct debit, sellers with a VAT number and small businesses (art. 56bis),
//! prepayments, embedded PDFs — are written to a temporary folder and `scripts/peppol.sh` runs
//! the rules once over all of them (about a second per document). The rules are read from
//! `../shared/peppol` beside the checkout, or `PEPPOL_RULES_DIR`; without them this test fails.

#![cfg(feature = "ssr")]

use chrono::{Duration, NaiveDate};
use encaisse::domain::document::examples::{self, summarise};
use encaisse::domain::document::{
    Address, CreditSettlement, CreditedInvoice, Document, DocumentKind, DocumentLine, Party, Payment, VatCategory,
};
use encaisse::domain::money::div_round_half_away;
use encaisse::domain::structured_communication;
use encaisse::i18n::Lang;
use encaisse::server::invoicing::ubl;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How many generated documents go through the rules (plus the four fixtures).
const GENERATED: usize = 96;
/// The sample is the same on every run.
const SEED: [u8; 32] = *b"encaisse peppol bis 3.0 sample 1";

// ---------------------------------------------------------------------------------------------
// The official rules, run once over every document.

#[test]
fn every_document_passes_the_peppol_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = std::env::var_os("PEPPOL_RULES_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("../shared/peppol"));
    assert!(
        rules.join("validate.py").is_file(),
        "the Peppol rules are needed and were not found: no validate.py in {} \
         (the shared/peppol folder beside the checkout; set PEPPOL_RULES_DIR to another copy)",
        rules.display()
    );

    // PEPPOL_DOCUMENTS_DIR=path keeps the documents there to look at them.
    let dir = match std::env::var_os("PEPPOL_DOCUMENTS_DIR") {
        Some(keep) => {
            std::fs::create_dir_all(&keep).expect("create PEPPOL_DOCUMENTS_DIR");
            tempfile::Builder::new().prefix("peppol-").tempdir_in(keep).expect("folder in PEPPOL_DOCUMENTS_DIR").keep().into()
        }
        None => Folder::Temporary(tempfile::tempdir().expect("temporary folder")),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let write = |files: &mut Vec<PathBuf>, name: String, doc: &Document, pdf: Option<&[u8]>| {
        let bytes = ubl::render(doc, pdf).unwrap_or_else(|e| panic!("{name}: {e}\n{doc:#?}"));
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write the document");
        files.push(path);
    };

    let pdf = fake_pdf(7);
    write(&mut files, "fixture-invoice.xml".into(), &examples::invoice(), Some(&pdf));
    write(&mut files, "fixture-direct-debit.xml".into(), &examples::direct_debit_invoice(), Some(&pdf));
    write(&mut files, "fixture-credit-note.xml".into(), &examples::credit_note(), Some(&pdf));
    write(&mut files, "fixture-small-business.xml".into(), &examples::small_business_invoice(), None);
    let fixtures = files.len();

    let mut kinds = Kinds::default();
    for (i, case) in sample(GENERATED).iter().enumerate() {
        kinds.count(case);
        let kind = if case.doc.kind == DocumentKind::CreditNote { "credit-note" } else { "invoice" };
        write(&mut files, format!("generated-{i:03}-{kind}.xml"), &case.doc, case.pdf.as_deref());
    }
    assert_eq!(files.len(), fixtures + GENERATED);

    let output =
        Command::new(root.join("scripts/peppol.sh")).args(&files).env("PEPPOL_RULES_DIR", &rules).output().expect("run scripts/peppol.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stdout.lines().rev().find_map(parse_summary);
    let fatal: Vec<&str> = stdout.lines().filter(|l| l.contains(": fatal ")).collect();
    let warnings = stdout.lines().filter(|l| l.contains(": warning ")).count();

    let ok = output.status.success() && fatal.is_empty() && summary == Some((files.len(), 0));
    if !ok {
        let kept = dir.keep();
        panic!(
            "the Peppol rules refused documents (kept in {}):\n{}\n{}\nstderr:\n{}",
            kept.display(),
            fatal.join("\n"),
            stdout.lines().last().unwrap_or(""),
            stderr
        );
    }
    if let Folder::Kept(path) = &dir {
        println!("documents kept in {}", path.display());
    }
    for line in stdout.lines().filter(|l| l.contains(": warning ")) {
        println!("{line}");
    }
    println!(
        "Peppol BIS Billing 3.0: {} documents checked ({fixtures} fixtures, {GENERATED} generated: {kinds}), 0 failed, {warnings} warnings",
        files.len()
    );
}

/// Where the documents are written: removed after a success unless asked to keep them.
enum Folder {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl From<PathBuf> for Folder {
    fn from(path: PathBuf) -> Self {
        Folder::Kept(path)
    }
}

impl Folder {
    fn path(&self) -> &Path {
        match self {
            Folder::Temporary(dir) => dir.path(),
            Folder::Kept(path) => path,
        }
    }

    fn keep(self) -> PathBuf {
        match self {
            Folder::Temporary(dir) => dir.keep(),
            Folder::Kept(path) => path,
        }
    }
}

/// `N passed, M failed`, the last line of validate.py.
fn parse_summary(line: &str) -> Option<(usize, usize)> {
    let (passed, failed) = line.trim().split_once(" passed, ")?;
    Some((passed.parse().ok()?, failed.strip_suffix(" failed")?.parse().ok()?))
}

/// What the sample covered, printed with the result.
#[derive(Default)]
struct Kinds {
    invoices: usize,
    credit_notes: usize,
    direct_debits: usize,
    small_business: usize,
    reverse_charge: usize,
    exempt: usize,
    lines: usize,
    max_lines: usize,
}

impl Kinds {
    fn count(&mut self, case: &Case) {
        let d = &case.doc;
        match d.kind {
            DocumentKind::Invoice => self.invoices += 1,
            DocumentKind::CreditNote => self.credit_notes += 1,
        }
        self.direct_debits += matches!(d.payment, Payment::DirectDebit { .. }) as usize;
        self.small_business += d.seller.vat_number.is_none() as usize;
        self.reverse_charge += d.lines.iter().any(|l| l.category == VatCategory::ReverseCharge) as usize;
        self.exempt += d.lines.iter().any(|l| matches!(l.category, VatCategory::Exempt { .. })) as usize;
        self.lines += d.lines.len();
        self.max_lines = self.max_lines.max(d.lines.len());
    }
}

impl std::fmt::Display for Kinds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} invoices, {} credit notes, {} by direct debit, {} small businesses, {} with reverse charge, {} with exempt lines, {} lines (at most {})",
            self.invoices, self.credit_notes, self.direct_debits, self.small_business, self.reverse_charge, self.exempt, self.lines, self.max_lines
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Without the rules: every generated document renders, the same way twice.

proptest! {
    #![proptest_config(Config { cases: 300, rng_seed: RngSeed::Fixed(20260101), failure_persistence: None, ..Config::default() })]

    #[test]
    fn every_generated_document_renders_deterministically(case in case()) {
        let first = ubl::render(&case.doc, case.pdf.as_deref()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let second = ubl::render(&case.doc.clone(), case.pdf.as_deref()).unwrap();
        prop_assert_eq!(&first, &second);
        let text = String::from_utf8(first).unwrap();
        let payable = format!("<cbc:PayableAmount currencyID=\"EUR\">{}</cbc:PayableAmount>", euros(case.doc.totals.payable_cents));
        prop_assert!(text.contains(&payable));
    }
}

// ---------------------------------------------------------------------------------------------
// The sample.

#[derive(Debug, Clone)]
struct Case {
    doc: Document,
    pdf: Option<Vec<u8>>,
}

/// `count` documents, the same ones on every run.
fn sample(count: usize) -> Vec<Case> {
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));
    let strategy = case();
    (0..count).map(|_| strategy.new_tree(&mut runner).expect("a case").current()).collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SellerKind {
    VatRegistered,
    SmallBusiness,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Invoice,
    FullCreditNote,
    PartialCreditNote,
}

fn case() -> impl Strategy<Value = Case> {
    let seller_kind = prop_oneof![4 => Just(SellerKind::VatRegistered), 1 => Just(SellerKind::SmallBusiness)];
    let kind = prop_oneof![3 => Just(Kind::Invoice), 1 => Just(Kind::FullCreditNote), 1 => Just(Kind::PartialCreditNote)];
    (seller_kind, kind).prop_flat_map(|(seller_kind, kind)| {
        (
            Just(seller_kind),
            Just(kind),
            party(true),
            party(false),
            lines(seller_kind),
            proptest::collection::vec(any::<bool>(), 50),
            0u8..4,
            payment(),
            any::<prop::sample::Index>(),
            0i64..365,
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
            (0u64..10_000_000_000, 1u32..9999),
        )
            .prop_map(
                |(
                    seller_kind,
                    kind,
                    mut seller,
                    buyer,
                    lines,
                    keep,
                    prepaid_quarters,
                    payment,
                    lang,
                    day,
                    flags,
                    (communication, number),
                )| {
                    let (with_reference, with_supply_date, with_footer, with_pdf) = flags;
                    if seller_kind == SellerKind::SmallBusiness {
                        seller.vat_number = None;
                    }
                    let issue_date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(day);
                    let language = *lang.get(&[Lang::Fr, Lang::Nl, Lang::En]);
                    let serial = number;
                    let invoice_number = format!("2026-{number:04}");
                    let (kind, lines, credited_invoice, number, prepaid_quarters) = match kind {
                        Kind::Invoice => (DocumentKind::Invoice, lines, None, invoice_number, prepaid_quarters),
                        Kind::FullCreditNote | Kind::PartialCreditNote => {
                            let lines = if matches!(kind, Kind::FullCreditNote) { lines } else { part_of(lines, &keep) };
                            let credited = CreditedInvoice {
                                number: invoice_number,
                                issue_date: issue_date - Duration::days(20),
                                settlement: [
                                    CreditSettlement::LowersAmountDue,
                                    CreditSettlement::RefundedByTwikey,
                                    CreditSettlement::RefundedByHand,
                                ][number as usize % 3]
                                    .clone(),
                            };
                            (DocumentKind::CreditNote, lines, Some(credited), format!("CN-2026-{number:04}"), 0)
                        }
                    };
                    let (_, totals) = summarise(&lines, 0);
                    // Nothing, a quarter, a half… or all of it already paid.
                    let prepaid = totals.incl_vat_cents.max(0) * prepaid_quarters as i64 / 4;
                    let (vat_breakdown, totals) = summarise(&lines, prepaid);
                    let doc = Document {
                        kind,
                        number,
                        issue_date,
                        supply_date: with_supply_date.then(|| issue_date - Duration::days(3)),
                        due_date: issue_date + Duration::days(30),
                        language,
                        seller,
                        seller_iban: "BE68539007547034".into(),
                        seller_bic: "GKCCBEBB".into(),
                        seller_logo: None,
                        buyer,
                        buyer_reference: with_reference.then(|| format!("PO-{}", serial * 7)),
                        lines,
                        vat_breakdown,
                        totals,
                        structured_communication: structured_communication::from_base(communication),
                        payment,
                        credited_invoice,
                        footer: with_footer.then(|| "Merci & à bientôt — « Boulangerie » <artisanale>".to_string()),
                    };
                    Case { doc, pdf: with_pdf.then(|| fake_pdf(serial as usize)) }
                },
            )
    })
}

/// A partial credit: some lines (at least one), the first of them for part of its quantity.
fn part_of(lines: Vec<DocumentLine>, keep: &[bool]) -> Vec<DocumentLine> {
    let mut kept: Vec<DocumentLine> = lines.iter().zip(keep.iter().cycle()).filter(|(_, k)| **k).map(|(l, _)| l.clone()).collect();
    if kept.is_empty() {
        kept.push(lines[0].clone());
    }
    let first = &mut kept[0];
    if first.quantity_milli >= 2 {
        *first = line(&first.description, first.quantity_milli / 2, first.unit_price_cents, first.vat_rate, first.category.clone());
    }
    kept
}

/// A Belgian seller or buyer company: valid enterprise number, VAT number, sometimes one of
/// them only (a buyer known by its VAT number).
fn party(seller: bool) -> impl Strategy<Value = Party> {
    (enterprise_number(), 0usize..6, 0u8..10).prop_map(move |(number, at, which)| {
        let names = [
            "Boulangerie Dupont SRL",
            "Brasserie du Parc SA",
            "Bakkerij Peeters BV",
            "Atelier L'Éclat & Fils",
            "Garage <Central> SRL",
            "Ö-Design VOF",
        ];
        let streets =
            ["Rue de la Loi 16", "Avenue Louise 54", "Kerkstraat 3", "Chaussée de Waterloo 1120", "Meir 1", "Place Saint-Lambert 7"];
        let cities =
            [("1000", "Bruxelles"), ("1050", "Ixelles"), ("9000", "Gent"), ("1180", "Uccle"), ("2000", "Antwerpen"), ("4000", "Liège")];
        let (postcode, city) = cities[at];
        let vat = format!("BE{number}");
        // Buyers: now and then only the VAT number is known.
        let (enterprise_number, vat_number) = match (seller, which) {
            (false, 0) => (None, Some(vat)),
            _ => (Some(number), Some(vat)),
        };
        Party {
            name: names[at].into(),
            address: Address { street: streets[at].into(), postcode: postcode.into(), city: city.into(), country: "BE".into() },
            enterprise_number,
            vat_number,
            email: (which % 3 != 0).then(|| format!("factures{at}@example.be")),
            phone: (which % 2 == 0).then(|| "+32 2 123 45 67".to_string()),
            website: None,
            is_company: true,
        }
    })
}

/// A valid Belgian enterprise number: 0 or 1, seven digits, then 97 − (first eight mod 97).
fn enterprise_number() -> impl Strategy<Value = String> {
    (2_000_000u64..20_000_000).prop_map(|base| format!("{base:08}{:02}", 97 - base % 97))
}

fn payment() -> impl Strategy<Value = Payment> {
    prop_oneof![
        Just(Payment::Transfer),
        (1u32..99_999, any::<bool>()).prop_map(|(n, dated)| Payment::DirectDebit {
            mandate_reference: format!("ENC{n:05}"),
            debtor_iban: "BE71096123456769".into(),
            collection_date: dated.then(|| NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()),
        }),
    ]
}

fn lines(seller_kind: SellerKind) -> impl Strategy<Value = Vec<DocumentLine>> {
    let count = prop_oneof![6 => 1usize..=5, 3 => 6usize..=20, 1 => 21usize..=50];
    count.prop_flat_map(move |n| proptest::collection::vec(document_line(seller_kind), n))
}

fn document_line(seller_kind: SellerKind) -> impl Strategy<Value = DocumentLine> {
    let category = match seller_kind {
        SellerKind::SmallBusiness => Just((VatCategory::SmallBusiness, 0u8)).boxed(),
        SellerKind::VatRegistered => prop_oneof![
            6 => prop::sample::select(vec![6u8, 12, 21]).prop_map(|rate| (VatCategory::Standard, rate)),
            1 => Just((VatCategory::Zero, 0u8)),
            1 => prop::sample::select(vec![
                "Exemption TVA, art. 44 § 2, 4° du Code TVA",
                "Vrijgesteld van btw, art. 44 § 1 Btw-Wetboek",
                "Exempt: art. 44 § 3, 2° (rental of immovable property)",
            ])
            .prop_map(|reason| (VatCategory::Exempt { reason: reason.into() }, 0u8)),
            1 => Just((VatCategory::ReverseCharge, 0u8)),
        ]
        .boxed(),
    };
    let quantity_and_price = prop_oneof![
        // round numbers
        ((1i64..=100).prop_map(|q| q * 1_000), (1i64..=500_000)),
        // thirds, eighths and thousandths
        (prop::sample::select(vec![333i64, 667, 1_333, 125, 875, 5, 1, 999, 1_005, 2_005]), (1i64..=100_000)),
        // prices ending in 5 cents
        ((1i64..=50_000), (0i64..=9_999).prop_map(|p| p * 10 + 5)),
        // products ending in exactly half a cent: rounded away from zero
        ((1i64..=199).prop_map(|k| 500 * (2 * k - 1)), (0i64..=4_999).prop_map(|p| 2 * p + 1)),
        // free lines and big ones
        ((1i64..=10_000), Just(0i64)),
        ((1i64..=1_000_000), (1i64..=1_000_000)),
    ];
    let descriptions = prop::sample::select(vec![
        "Pain de campagne",
        "Croissants & pains au chocolat",
        "Réparation « urgente » <sur place>",
        "Uren consultancy\nweek 12 — analyse & ontwerp",
        "Installation d'un four à sole",
        "Ζυμαρικά — 面包 — хлеб",
    ]);
    (category, quantity_and_price, descriptions)
        .prop_map(|((category, rate), (quantity, price), description)| line(description, quantity, price, rate, category))
}

fn line(description: &str, quantity_milli: i64, unit_price_cents: i64, vat_rate: u8, category: VatCategory) -> DocumentLine {
    let amount_cents = div_round_half_away(quantity_milli as i128 * unit_price_cents as i128, 1000) as i64;
    DocumentLine { description: description.into(), quantity_milli, unit_price_cents, vat_rate, category, amount_cents }
}

/// Some bytes that start like a PDF (the rules only look at the MIME code and the base64).
fn fake_pdf(seed: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend((0..300 + seed % 200).map(|i| (i * 31 + seed) as u8));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}
