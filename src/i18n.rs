//! The three languages of the interface. Every UI string is a [`Msg`]; the table below gives
//! each one in English, French and Dutch, so a missing translation is a compile error.
//! English is the reference wording (see CONTRACTS.md); French follows the product's French
//! documentation.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Nl => "nl",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.get(..2).map(|c| c.to_ascii_lowercase()).as_deref() {
            Some("en") => Some(Lang::En),
            Some("fr") => Some(Lang::Fr),
            Some("nl") => Some(Lang::Nl),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| Lang::parse(part.trim()))
    }

    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }
}

impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(*self as u16)
    }
}

impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = u16::deserialize(deserializer)?;
        Msg::ALL.get(usize::from(code)).copied().ok_or_else(|| serde::de::Error::custom("unknown message code"))
    }
}

macro_rules! messages {
    ($($key:ident => $en:expr, $fr:expr, $nl:expr;)*) => {
        /// A string of the interface; [`Msg::text`] gives it in a language. On the wire it is
        /// its number in this table (client and server are built from the same table), so the
        /// client decodes a message with an index instead of matching hundreds of names.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every message, in the table's order: `ALL[m as usize] == m`.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                // a table rather than a match: a lookup instead of a jump through hundreds of
                // arms in the wasm client
                const TEXTS: &[[&str; 3]] = &[$([$en, $fr, $nl]),*];
                TEXTS[self as usize][lang as usize]
            }
        }
    };
}

messages! {
    AppTagline => "Invoices paid by direct debit", "Factures payées par domiciliation", "Facturen betaald via domiciliëring";
    // navigation and shell
    NavDashboard => "Dashboard", "Tableau de bord", "Dashboard";
    NavCustomers => "Customers", "Clients", "Klanten";
    NavInvoices => "Invoices", "Factures", "Facturen";
    NavSubscriptions => "Subscriptions", "Abonnements", "Abonnementen";
    MainNavigation => "Main navigation", "Navigation principale", "Hoofdnavigatie";
    AccountMenu => "Account menu", "Menu du compte", "Accountmenu";
    ApplicationsConnections => "Applications & connections", "Applications et connexions", "Toepassingen en koppelingen";
    CompanyDetails => "Company details", "Données de l'entreprise", "Bedrijfsgegevens";
    DownloadPdf => "Download PDF", "Télécharger le PDF", "PDF downloaden";
    YourReference => "Your reference", "Votre référence", "Uw referentie";
    YourReferenceHelp => "Optional: the customer's order or purchase number, printed on the invoice and sent in the e-invoice.", "Facultatif : le numéro de commande du client, imprimé sur la facture et transmis dans la facture électronique.", "Optioneel: het bestelnummer van de klant, op de factuur en in de e-factuur.";
    MailAttachment => "Attachment", "Pièce jointe", "Bijlage";
    DownloadUbl => "Download e-invoice (UBL)", "Télécharger la facture électronique (UBL)", "E-factuur downloaden (UBL)";
    CompanyDetailsLead => "Your legal identity, printed on every invoice and credit note as Belgian law requires.", "Votre identité légale, imprimée sur chaque facture et note de crédit comme l'exige la loi belge.", "Uw wettelijke identiteit, op elke factuur en creditnota zoals de Belgische wet vereist.";
    CompanyDetailsSaved => "Company details saved.", "Données de l'entreprise enregistrées.", "Bedrijfsgegevens opgeslagen.";
    Logo => "Logo", "Logo", "Logo";
    LogoFile => "Logo file (PNG or SVG)", "Fichier du logo (PNG ou SVG)", "Logobestand (PNG of SVG)";
    LogoSaved => "Logo saved: it appears on the invoices issued from now on.", "Logo enregistré : il figure sur les factures émises désormais.", "Logo opgeslagen: het staat op de facturen die u vanaf nu uitreikt.";
    UploadLogo => "Upload logo", "Envoyer le logo", "Logo uploaden";
    RemoveLogo => "Remove logo", "Retirer le logo", "Logo verwijderen";
    LegalName => "Legal name", "Dénomination légale", "Juridische naam";
    EnterpriseNumber => "Enterprise number", "Numéro d'entreprise", "Ondernemingsnummer";
    EnterpriseNumberHelp => "KBO/BCE number, 10 digits: 0123.456.749.", "Numéro BCE, 10 chiffres : 0123.456.749.", "KBO-nummer, 10 cijfers: 0123.456.749.";
    CustomerEnterpriseNumberHelp => "KBO/BCE number; filled from a Belgian VAT number. Needed for e-invoices over Peppol.", "Numéro BCE ; repris du numéro de TVA belge. Nécessaire pour les factures électroniques via Peppol.", "KBO-nummer; overgenomen van een Belgisch btw-nummer. Nodig voor e-facturen via Peppol.";
    VatRegime => "VAT", "TVA", "Btw";
    VatRegistered => "VAT registered: VAT number BE + enterprise number", "Assujetti à la TVA : numéro de TVA BE + numéro d'entreprise", "Btw-plichtig: btw-nummer BE + ondernemingsnummer";
    SmallBusinessExemption => "Small business exemption (art. 56bis): no VAT, the legal mention on the invoice", "Franchise des petites entreprises (art. 56bis) : pas de TVA, la mention légale sur la facture", "Vrijstellingsregeling kleine ondernemingen (art. 56bis): geen btw, de wettelijke vermelding op de factuur";
    Bic => "BIC", "BIC", "BIC";
    Website => "Website", "Site web", "Website";
    DefaultPaymentTerm => "Default payment term (days)", "Délai de paiement par défaut (jours)", "Standaard betalingstermijn (dagen)";
    InvoiceFooter => "Invoice footer", "Pied de facture", "Voettekst van de factuur";
    LogOut => "Log out", "Se déconnecter", "Afmelden";
    Language => "Language", "Langue", "Taal";
    SkipToContent => "Skip to content", "Aller au contenu", "Naar de inhoud";
    Loading => "Loading…", "Chargement…", "Laden…";
    NotFoundTitle => "Page not found", "Page introuvable", "Pagina niet gevonden";
    NotFoundText => "This page does not exist or is not yours to see.", "Cette page n'existe pas ou ne vous est pas accessible.", "Deze pagina bestaat niet of is niet voor u zichtbaar.";
    BackToDashboard => "Back to the dashboard", "Retour au tableau de bord", "Terug naar het dashboard";
    // auth
    SignUpTitle => "Create your Encaisse account", "Créez votre compte Encaisse", "Maak uw Encaisse-account aan";
    SignUpLead => "Invoice your customers and get paid by SEPA direct debit.", "Facturez vos clients et soyez payé par domiciliation SEPA.", "Factureer uw klanten en word betaald via SEPA-domiciliëring.";
    CompanyName => "Company name", "Nom de la société", "Bedrijfsnaam";
    YourName => "Your name", "Votre nom", "Uw naam";
    Email => "E-mail", "E-mail", "E-mail";
    Password => "Password", "Mot de passe", "Wachtwoord";
    PasswordHelp => "At least 10 characters.", "Au moins 10 caractères.", "Minstens 10 tekens.";
    CreateAccount => "Create account", "Créer un compte", "Account aanmaken";
    LogInTitle => "Log in to Encaisse", "Connexion à Encaisse", "Aanmelden bij Encaisse";
    LogIn => "Log in", "Se connecter", "Aanmelden";
    NoAccountYet => "No account yet?", "Pas encore de compte ?", "Nog geen account?";
    HaveAccount => "Already have an account?", "Vous avez déjà un compte ?", "Al een account?";
    // errors
    ErrRequired => "This field is required.", "Ce champ est obligatoire.", "Dit veld is verplicht.";
    ErrEmail => "Enter a valid e-mail address, like name@example.be.", "Saisissez une adresse e-mail valide, par ex. nom@exemple.be.", "Geef een geldig e-mailadres, bv. naam@voorbeeld.be.";
    ErrPasswordShort => "Use at least 10 characters.", "Utilisez au moins 10 caractères.", "Gebruik minstens 10 tekens.";
    ErrEmailTaken => "An account with this e-mail already exists. Log in instead.", "Un compte existe déjà avec cet e-mail. Connectez-vous.", "Er bestaat al een account met dit e-mailadres. Meld u aan.";
    ErrBadLogin => "E-mail or password is wrong.", "E-mail ou mot de passe incorrect.", "E-mail of wachtwoord is onjuist.";
    ErrTooManyAttempts => "Too many failed attempts. Wait a moment and try again.", "Trop de tentatives échouées. Patientez un instant puis réessayez.", "Te veel mislukte pogingen. Wacht even en probeer opnieuw.";
    ErrVat => "Enter a Belgian VAT number: BE followed by 10 digits, e.g. BE0123456749.", "Saisissez un numéro de TVA belge : BE suivi de 10 chiffres, par ex. BE0123456749.", "Geef een Belgisch btw-nummer: BE gevolgd door 10 cijfers, bv. BE0123456749.";
    ErrIban => "This IBAN is not valid (check the digits).", "Cet IBAN n'est pas valide (vérifiez les chiffres).", "Dit IBAN is ongeldig (controleer de cijfers).";
    ErrEnterpriseNumber => "This enterprise number is not valid: 10 digits starting with 0 or 1 (check the last two).", "Ce numéro d'entreprise n'est pas valide : 10 chiffres commençant par 0 ou 1 (vérifiez les deux derniers).", "Dit ondernemingsnummer is ongeldig: 10 cijfers die met 0 of 1 beginnen (controleer de laatste twee).";
    ErrBic => "This BIC is not valid: 8 or 11 characters, e.g. GKCCBEBB.", "Ce BIC n'est pas valide : 8 ou 11 caractères, par ex. GKCCBEBB.", "Deze BIC is ongeldig: 8 of 11 tekens, bv. GKCCBEBB.";
    ErrCompanyDetailsMissing => "Fill in your company details before issuing invoices: the law requires them on every invoice.", "Complétez les données de l'entreprise avant d'émettre des factures : la loi les exige sur chaque facture.", "Vul eerst uw bedrijfsgegevens in: de wet vereist ze op elke factuur.";
    ErrCreditQuantity => "At most the quantity invoiced.", "Au plus la quantité facturée.", "Hoogstens de gefactureerde hoeveelheid.";
    ErrCreditNothing => "Choose at least one line to credit.", "Choisissez au moins une ligne à créditer.", "Kies minstens één regel om te crediteren.";
    ErrCreditTooHigh => "The credit notes of an invoice cannot take back more than its total.", "Les notes de crédit d'une facture ne peuvent reprendre plus que son total.", "De creditnota's van een factuur kunnen niet meer terugnemen dan het totaal.";
    ErrCreditRefundChoice => "This invoice was already paid: confirm that you refund the customer.", "Cette facture est déjà payée : confirmez que vous remboursez le client.", "Deze factuur is al betaald: bevestig dat u de klant terugbetaalt.";
    ErrRefundNoDirectDebit => "This invoice was not paid by direct debit through Twikey: refund it by bank transfer.", "Cette facture n'a pas été payée par domiciliation via Twikey : remboursez-la par virement.", "Deze factuur werd niet via Twikey gedomicilieerd betaald: betaal terug per overschrijving.";
    RefundByTwikey => "Twikey refunds it to the account it was collected from", "Twikey le rembourse sur le compte où il a été prélevé", "Twikey betaalt terug op de rekening waarvan geïnd werd";
    SettlementRefundedByTwikey => "refunded through Twikey", "remboursé via Twikey", "terugbetaald via Twikey";
    ErrCreditCollectionRunning => "A Twikey collection of this invoice was already sent to the bank and can no longer be cancelled: create the credit note once its outcome is known.", "Un encaissement Twikey de cette facture est déjà envoyé à la banque et ne peut plus être annulé : créez la note de crédit quand son résultat est connu.", "Een Twikey-inning van deze factuur is al naar de bank verstuurd en kan niet meer geannuleerd worden: maak de creditnota zodra het resultaat bekend is.";
    ErrSmallBusinessVat => "Under the small business exemption every line is at 0 % VAT.", "Sous le régime de franchise, chaque ligne est à 0 % de TVA.", "Onder de vrijstellingsregeling staat elke regel op 0 % btw.";
    ErrLogo => "The logo must be a PNG or SVG image of at most 256 KB.", "Le logo doit être une image PNG ou SVG de 256 Ko au plus.", "Het logo moet een PNG- of SVG-afbeelding van hoogstens 256 kB zijn.";
    ErrCustomerNumberTaken => "Another customer already has this number.", "Un autre client a déjà ce numéro.", "Een andere klant heeft dit nummer al.";
    ErrCustomerNumberFormat => "Use letters, digits, dashes or dots (at most 30).", "Utilisez des lettres, chiffres, tirets ou points (30 au maximum).", "Gebruik letters, cijfers, streepjes of punten (maximaal 30).";
    ErrTooLong => "This is too long.", "C'est trop long.", "Dit is te lang.";
    ErrLanguage => "Choose one of the languages offered.", "Choisissez une des langues proposées.", "Kies een van de aangeboden talen.";
    ErrNotSignedIn => "Your session has ended. Log in again.", "Votre session a expiré. Reconnectez-vous.", "Uw sessie is verlopen. Meld u opnieuw aan.";
    ErrNotFound => "Not found.", "Introuvable.", "Niet gevonden.";
    ErrInternal => "Something went wrong on our side. Nothing was saved; try again.", "Un problème est survenu de notre côté. Rien n'a été enregistré ; réessayez.", "Er ging iets mis bij ons. Er is niets opgeslagen; probeer opnieuw.";
    ErrNetwork => "Encaisse could not be reached. Check your connection and try again.", "Encaisse est injoignable. Vérifiez votre connexion et réessayez.", "Encaisse is niet bereikbaar. Controleer uw verbinding en probeer opnieuw.";
    ErrNulCharacter => "The form contains a NUL character, which no field accepts.", "Le formulaire contient un caractère NUL, qu'aucun champ n'accepte.", "Het formulier bevat een NUL-teken, dat geen enkel veld aanvaardt.";
    ErrFormHasErrors => "Please correct the fields marked below.", "Veuillez corriger les champs indiqués ci-dessous.", "Verbeter de hieronder aangeduide velden.";
    // dashboard
    DashboardTitle => "Dashboard", "Tableau de bord", "Dashboard";
    Welcome => "Welcome", "Bienvenue", "Welkom";
    CustomersCount => "Customers", "Clients", "Klanten";
    GettingStarted => "Getting started", "Pour commencer", "Aan de slag";
    StepAddCustomer => "Add your customers", "Ajoutez vos clients", "Voeg uw klanten toe";
    StepConnectTwikey => "Connect Twikey to collect by direct debit", "Connectez Twikey pour encaisser par domiciliation", "Koppel Twikey om via domiciliëring te innen";
    // customers
    CustomersTitle => "Customers", "Clients", "Klanten";
    NewCustomer => "New customer", "Nouveau client", "Nieuwe klant";
    EditCustomer => "Edit customer", "Modifier le client", "Klant bewerken";
    Search => "Search", "Rechercher", "Zoeken";
    SearchCustomersPlaceholder => "Name, e-mail, number or city", "Nom, e-mail, numéro ou ville", "Naam, e-mail, nummer of stad";
    Name => "Name", "Nom", "Naam";
    Number => "Number", "Numéro", "Nummer";
    City => "City", "Ville", "Stad";
    Kind => "Type", "Type", "Soort";
    Individual => "Individual", "Particulier", "Particulier";
    Company => "Company", "Entreprise", "Onderneming";
    FirstName => "First name", "Prénom", "Voornaam";
    LastName => "Last name", "Nom", "Achternaam";
    VatNumber => "VAT number", "Numéro de TVA", "Btw-nummer";
    Phone => "Phone", "Téléphone", "Telefoon";
    Street => "Street", "Rue", "Straat";
    Postcode => "Postcode", "Code postal", "Postcode";
    Country => "Country", "Pays", "Land";
    CustomerNumber => "Customer number", "Numéro de client", "Klantnummer";
    CustomerNumberHelp => "Leave empty to number automatically. It never changes once saved: Twikey knows the customer by it.", "Laissez vide pour numéroter automatiquement. Il ne change plus une fois enregistré : Twikey connaît le client par ce numéro.", "Laat leeg voor automatische nummering. Het verandert niet meer na opslaan: Twikey kent de klant onder dit nummer.";
    Iban => "IBAN", "IBAN", "IBAN";
    IbanHelp => "Optional.", "Facultatif.", "Optioneel.";
    Save => "Save", "Enregistrer", "Opslaan";
    Saving => "Saving…", "Enregistrement…", "Opslaan…";
    FormNeedsJavaScript => "This form works in the browser: switch JavaScript on to use it.", "Ce formulaire fonctionne dans le navigateur : activez JavaScript pour l'utiliser.", "Dit formulier werkt in de browser: zet JavaScript aan om het te gebruiken.";
    Cancel => "Cancel", "Annuler", "Annuleren";
    Edit => "Edit", "Modifier", "Bewerken";
    Archive => "Archive", "Archiver", "Archiveren";
    Archived => "Archived", "Archivé", "Gearchiveerd";
    ArchiveConfirmHelp => "Archived customers leave the list; their invoices stay.", "Les clients archivés quittent la liste ; leurs factures restent.", "Gearchiveerde klanten verdwijnen uit de lijst; hun facturen blijven.";
    Restore => "Restore", "Restaurer", "Herstellen";
    ShowArchived => "Show archived", "Afficher les archivés", "Gearchiveerde tonen";
    AddFirstCustomer => "Add your first customer", "Ajoutez votre premier client", "Voeg uw eerste klant toe";
    CreateFirstInvoice => "Create your first invoice", "Créez votre première facture", "Maak uw eerste factuur";
    NoCustomersYet => "No customers yet. Add your first customer to start invoicing.", "Pas encore de clients. Ajoutez votre premier client pour commencer à facturer.", "Nog geen klanten. Voeg uw eerste klant toe om te factureren.";
    NoCustomersMatch => "No customer matches this search.", "Aucun client ne correspond à cette recherche.", "Geen klant komt overeen met deze zoekopdracht.";
    Previous => "Previous", "Précédent", "Vorige";
    Next => "Next", "Suivant", "Volgende";
    PageOf => "Page", "Page", "Pagina";
    ResultsCount => "customers", "clients", "klanten";
    Details => "Details", "Détails", "Gegevens";
    TabInvoices => "Invoices", "Factures", "Facturen";
    TabTwikey => "Twikey", "Twikey", "Twikey";
    Address => "Address", "Adresse", "Adres";
    Contact => "Contact", "Contact", "Contact";
    Saved => "Saved.", "Enregistré.", "Opgeslagen.";
    SortBy => "Sort by", "Trier par", "Sorteren op";
    CustomerInvoicesEmpty => "No invoices for this customer yet.", "Pas encore de factures pour ce client.", "Nog geen facturen voor deze klant.";
    // connections
    ConnectionsTitle => "Applications & connections", "Applications et connexions", "Toepassingen en koppelingen";
    ConnectionsLead => "Connect Encaisse to the services you use.", "Connectez Encaisse aux services que vous utilisez.", "Koppel Encaisse aan de diensten die u gebruikt.";
    TwikeyCardText => "Collect your invoices by SEPA direct debit: customers sign a mandate online, Encaisse starts the collections and records the payments.", "Encaissez vos factures par domiciliation SEPA : vos clients signent un mandat en ligne, Encaisse lance les encaissements et enregistre les paiements.", "Int uw facturen via SEPA-domiciliëring: klanten tekenen online een mandaat, Encaisse start de inningen en boekt de betalingen.";
    Configure => "Configure", "Configurer", "Configureren";
    Active => "On", "Activé", "Aan";
    Inactive => "Off", "Désactivé", "Uit";
    // ---- twikey ----
    TwikeyConfigTitle => "Twikey configuration", "Configuration de Twikey", "Twikey-configuratie";
    TwikeyConfigLead => "Connect your Twikey account so customers can sign mandates and Encaisse can collect your invoices.", "Connectez votre compte Twikey pour que vos clients signent des mandats et qu'Encaisse encaisse vos factures.", "Koppel uw Twikey-account zodat klanten mandaten tekenen en Encaisse uw facturen kan innen.";
    ApiKey => "API key", "Clé API", "API-sleutel";
    ApiKeyHelp => "In Twikey: Settings → API. Leave empty to keep the current key.", "Dans Twikey : Paramètres → API. Laissez vide pour garder la clé actuelle.", "In Twikey: Instellingen → API. Laat leeg om de huidige sleutel te behouden.";
    ApiKeyStored => "Stored key:", "Clé enregistrée :", "Opgeslagen sleutel:";
    B2cContract => "B2C contract number", "Numéro de contrat B2C", "B2C-contractnummer";
    B2cContractHelp => "For individuals: a CORE template. In Twikey: Settings → Templates, the number at the start of the line.", "Pour les particuliers : un modèle CORE. Dans Twikey : Paramètres → Modèles, le numéro en début de ligne.", "Voor particulieren: een CORE-sjabloon. In Twikey: Instellingen → Sjablonen, het nummer vooraan de regel.";
    B2bContract => "B2B contract number", "Numéro de contrat B2B", "B2B-contractnummer";
    B2bContractHelp => "For companies: a B2B or CORE template (Settings → Templates). Empty: companies sign the B2C contract.", "Pour les entreprises : un modèle B2B ou CORE (Paramètres → Modèles). Vide : les entreprises signent le contrat B2C.", "Voor ondernemingen: een B2B- of CORE-sjabloon (Instellingen → Sjablonen). Leeg: ondernemingen tekenen het B2C-contract.";
    TemplatesAvailable => "Templates in your Twikey account:", "Modèles de votre compte Twikey :", "Sjablonen in uw Twikey-account:";
    NotifyBeforeCollection => "Notify customer before each collection", "Notifier le client avant chaque collecte", "Klant verwittigen vóór elke inning";
    NotifyBeforeCollectionHelp => "Twikey e-mails the customer the amount and date before each debit (SEPA pre-notification): Encaisse asks for it with each batch it sends.", "Twikey envoie au client le montant et la date avant chaque prélèvement (pré-notification SEPA) : Encaisse la demande avec chaque lot qu'il envoie.", "Twikey mailt de klant het bedrag en de datum vóór elke inning (SEPA-voorafmelding): Encaisse vraagt ze bij elke batch die het verstuurt.";
    PrivateKey => "Private key (enhanced security)", "Clé privée (sécurité renforcée)", "Privésleutel (verhoogde beveiliging)";
    PrivateKeyHelp => "Only for an API key with enhanced security (Twikey: Settings → API): Encaisse then logs in with a one-time password computed from it. Stored encrypted; leave empty to keep the stored one.", "Uniquement pour une clé API avec sécurité renforcée (Twikey : Paramètres → API) : Encaisse se connecte alors avec un mot de passe à usage unique calculé à partir d'elle. Stockée chiffrée ; laissez vide pour garder celle enregistrée.", "Alleen voor een API-sleutel met verhoogde beveiliging (Twikey: Instellingen → API): Encaisse meldt zich dan aan met een eenmalig wachtwoord dat ermee berekend wordt. Versleuteld bewaard; laat leeg om de bewaarde te houden.";
    SendingTitle => "Sending collections to the bank", "Envoi des encaissements à la banque", "Inningen naar de bank sturen";
    SendingByEncaisse => "Encaisse sends one batch per contract each collection day (recommended)", "Encaisse envoie un lot par contrat chaque jour d'encaissement (recommandé)", "Encaisse stuurt één batch per contract per incassodag (aanbevolen)";
    SendingByProfile => "My Twikey profile sends them automatically", "Mon profil Twikey les envoie automatiquement", "Mijn Twikey-profiel verstuurt ze automatisch";
    SendingHelp => "Twikey only debits transactions that were sent to the bank. With Encaisse, each contract gets at most one batch a day, with the pre-notification above when it is on. Choose the profile only if automatic sending is switched on in Twikey (Settings → Profiles → your contract): otherwise nothing is ever debited.", "Twikey ne prélève que les transactions envoyées à la banque. Avec Encaisse, chaque contrat reçoit au plus un lot par jour, avec la pré-notification ci-dessus si elle est activée. Ne choisissez le profil que si l'envoi automatique est activé dans Twikey (Paramètres → Profils → votre contrat) : sinon rien n'est jamais prélevé.", "Twikey int alleen transacties die naar de bank verstuurd zijn. Met Encaisse krijgt elk contract hoogstens één batch per dag, met de voorafmelding hierboven als die aan staat. Kies het profiel alleen als automatische verzending in Twikey aan staat (Instellingen → Profielen → uw contract): anders wordt er nooit iets geïnd.";
    CallbackUrl => "Callback URL", "Callback URL", "Callback-URL";
    CallbackUrlHelp => "Paste it in Twikey: Settings → API, field Webhook URL. Twikey calls it whenever a mandate or payment changes.", "Collez-la dans Twikey : Paramètres → API, champ Webhook URL. Twikey l'appelle à chaque changement de mandat ou de paiement.", "Plak ze in Twikey: Instellingen → API, veld Webhook URL. Twikey roept ze aan bij elke wijziging van een mandaat of betaling.";
    Copy => "Copy", "Copier", "Kopiëren";
    Copied => "Copied", "Copié", "Gekopieerd";
    TestConnection => "Test connection", "Tester la connexion", "Verbinding testen";
    Testing => "Testing…", "Test en cours…", "Testen…";
    ConnectionOk => "Connected to Twikey.", "Connecté à Twikey.", "Verbonden met Twikey.";
    TwikeyAnswered => "Twikey answered:", "Twikey a répondu :", "Twikey antwoordde:";
    TwikeyUnreachable => "Twikey could not be reached:", "Twikey est injoignable :", "Twikey is niet bereikbaar:";
    TwikeySaved => "Twikey settings saved.", "Paramètres Twikey enregistrés.", "Twikey-instellingen opgeslagen.";
    ErrContractUnknown => "This contract number is not among your Twikey templates.", "Ce numéro de contrat ne figure pas parmi vos modèles Twikey.", "Dit contractnummer staat niet tussen uw Twikey-sjablonen.";
    ErrB2cMustBeCore => "The B2C contract must be a CORE template.", "Le contrat B2C doit être un modèle CORE.", "Het B2C-contract moet een CORE-sjabloon zijn.";
    ErrB2bType => "The B2B contract must be a B2B or CORE template.", "Le contrat B2B doit être un modèle B2B ou CORE.", "Het B2B-contract moet een B2B- of CORE-sjabloon zijn.";
    ErrTwikeyAccountTaken => "This Twikey account is already connected to another company in Encaisse. One Twikey account serves one company: use that company, or ask Twikey for a separate account.", "Ce compte Twikey est déjà connecté à une autre entreprise dans Encaisse. Un compte Twikey sert une seule entreprise : utilisez cette entreprise, ou demandez un compte séparé à Twikey.", "Deze Twikey-account is al verbonden met een ander bedrijf in Encaisse. Eén Twikey-account dient één bedrijf: gebruik dat bedrijf, of vraag Twikey een aparte account.";
    ErrPrivateKeyHex => "The private key is the hexadecimal key shown by Twikey for enhanced security.", "La clé privée est la clé hexadécimale affichée par Twikey pour la sécurité renforcée.", "De privésleutel is de hexadecimale sleutel die Twikey toont voor verhoogde beveiliging.";
    ErrNumber => "Enter a number.", "Saisissez un nombre.", "Geef een getal.";
    ErrTwikeyNotConfigured => "Configure Twikey first (API key and contract numbers).", "Configurez d'abord Twikey (clé API et numéros de contrat).", "Configureer eerst Twikey (API-sleutel en contractnummers).";
    ErrTwikeyOff => "Twikey is switched off for your company.", "Twikey est désactivé pour votre société.", "Twikey is uitgeschakeld voor uw bedrijf.";
    ErrMandateState => "This mandate can no longer do that; the page shows its current state.", "Ce mandat ne le permet plus ; la page montre son état actuel.", "Dit mandaat laat dat niet meer toe; de pagina toont de huidige toestand.";
    Health => "Connection health", "État de la connexion", "Verbindingsstatus";
    LastLogin => "Last login to Twikey", "Dernière connexion à Twikey", "Laatste aanmelding bij Twikey";
    LastWebhook => "Last callback from Twikey", "Dernier appel de Twikey", "Laatste oproep van Twikey";
    LastSync => "Last synchronisation", "Dernière synchronisation", "Laatste synchronisatie";
    Never => "never", "jamais", "nooit";
    SignatureValid => "signature valid", "signature valide", "handtekening geldig";
    SignatureInvalid => "signature INVALID", "signature INVALIDE", "handtekening ONGELDIG";
    RejectedCallbacks => "rejected callbacks", "appels refusés", "geweigerde oproepen";
    TestWebhookReceived => "Test webhook received", "Webhook de test reçu", "Testwebhook ontvangen";
    Ok => "OK", "OK", "OK";
    Failed => "failed", "échec", "mislukt";
    // mandates
    SignedMandate => "Signed mandate", "Mandat signé", "Getekend mandaat";
    WaitingMandate => "Mandate waiting for signature or bank", "Mandat en attente de signature ou de la banque", "Mandaat wacht op handtekening of bank";
    MandatePrepared => "Waiting for signature", "En attente de signature", "Wacht op handtekening";
    MandateSigned => "Signed", "Signé", "Getekend";
    MandatePendingBank => "Signed, waiting for the debtor's bank", "Signé, en attente de la banque du débiteur", "Getekend, wacht op de bank van de debiteur";
    MandateSuspended => "Suspended", "Suspendu", "Opgeschort";
    MandateCancelled => "Cancelled", "Annulé", "Geannuleerd";
    Mandates => "Direct debit mandates", "Mandats de domiciliation", "Domiciliëringsmandaten";
    NoMandates => "No mandate yet. Prepare one and let the customer sign it online.", "Pas encore de mandat. Préparez-en un et faites-le signer en ligne par le client.", "Nog geen mandaat. Bereid er een voor en laat de klant het online tekenen.";
    PrepareMandate => "Prepare a new direct debit mandate for signature", "Préparer un nouveau mandat de domiciliation pour signature", "Een nieuw domiciliëringsmandaat voorbereiden voor ondertekening";
    DeleteMandate => "Delete mandate", "Supprimer les données du mandat", "Mandaat verwijderen";
    SendInvitation => "Send invitation by e-mail", "Envoyer une invitation par e-mail", "Uitnodiging per e-mail versturen";
    SignOnline => "Sign mandate online", "Signer un mandat en ligne", "Mandaat online tekenen";
    CopyLink => "Copy link", "Copier le lien", "Link kopiëren";
    CancelMandate => "Cancel mandate", "Annuler le mandat", "Mandaat annuleren";
    CancelReason => "Reason for cancelling", "Motif de l'annulation", "Reden van annulering";
    Reference => "Reference", "Référence", "Referentie";
    Contract => "Contract", "Contrat", "Contract";
    State => "State", "État", "Toestand";
    SignedOn => "Signed", "Signé le", "Getekend op";
    InvitationSent => "Invitation sent", "Invitation envoyée", "Uitnodiging verstuurd";
    History => "History", "Historique", "Geschiedenis";
    MandatePreparedEvent => "Mandate prepared in Twikey", "Mandat préparé dans Twikey", "Mandaat voorbereid in Twikey";
    MandateDeletedEvent => "Prepared mandate deleted", "Mandat préparé supprimé", "Voorbereid mandaat verwijderd";
    MandateInvitedEvent => "Invitation e-mailed by Twikey", "Invitation envoyée par Twikey", "Uitnodiging gemaild door Twikey";
    MandateSignedEvent => "Mandate signed", "Mandat signé", "Mandaat getekend";
    MandatePendingBankEvent => "Signed; waiting for the debtor's bank", "Signé ; en attente de la banque du débiteur", "Getekend; wacht op de bank van de debiteur";
    MandateUpdatedEvent => "Mandate updated", "Mandat modifié", "Mandaat gewijzigd";
    MandateSuspendedEvent => "Mandate suspended", "Mandat suspendu", "Mandaat opgeschort";
    MandateCancelledEvent => "Mandate cancelled", "Mandat annulé", "Mandaat geannuleerd";
    MandateInviteRemovedEvent => "Invitation removed in Twikey", "Invitation supprimée dans Twikey", "Uitnodiging verwijderd in Twikey";
    MandateInviteExpiredEvent => "Invitation expired", "Invitation expirée", "Uitnodiging verlopen";
    TwikeyOffForCustomer => "Twikey is switched off for your company.", "Twikey est désactivé pour votre société.", "Twikey is uitgeschakeld voor uw bedrijf.";
    SwitchTwikeyOn => "Switch it on", "L'activer", "Inschakelen";
    TwikeyNotConfiguredForCustomer => "Twikey is on but not configured yet.", "Twikey est activé mais pas encore configuré.", "Twikey is ingeschakeld maar nog niet geconfigureerd.";
    ConfigureTwikey => "Configure Twikey", "Configurer Twikey", "Twikey configureren";
    Done => "Done.", "Fait.", "Klaar.";
    // collections
    ErrRetryDays => "Between 1 and 60 days.", "Entre 1 et 60 jours.", "Tussen 1 en 60 dagen.";
    ErrRetryMax => "Between 1 and 5 retries.", "Entre 1 et 5 nouvelles tentatives.", "Tussen 1 en 5 nieuwe pogingen.";
    RetryEnabled => "Retry failed collections automatically", "Relancer automatiquement les encaissements échoués", "Mislukte inningen automatisch opnieuw proberen";
    RetryHelp => "Only where trying again can help (insufficient funds), never when the account is closed, the mandate cancelled or the debtor refused.", "Uniquement quand une nouvelle tentative peut aider (provision insuffisante), jamais si le compte est clôturé, le mandat annulé ou le débiteur a refusé.", "Alleen waar opnieuw proberen kan helpen (onvoldoende saldo), nooit bij een afgesloten rekening, een geannuleerd mandaat of een weigering van de debiteur.";
    RetryAfterDays => "Retry after (days)", "Relancer après (jours)", "Opnieuw na (dagen)";
    RetryMax => "At most (retries)", "Au maximum (tentatives)", "Maximaal (pogingen)";
    WhyInvoiceNotOpen => "Only an issued, unpaid invoice can be collected.", "Seule une facture émise et impayée peut être encaissée.", "Alleen een uitgegeven, onbetaalde factuur kan worden geïnd.";
    WhyNothingToPay => "Nothing left to pay on this invoice.", "Plus rien à payer sur cette facture.", "Er valt niets meer te betalen op deze factuur.";
    WhyNoSignedMandate => "The customer has no signed mandate yet.", "Le client n'a pas encore de mandat signé.", "De klant heeft nog geen getekend mandaat.";
    WhyMandatePendingBank => "The customer's mandate is waiting for their bank's confirmation.", "Le mandat du client attend la confirmation de sa banque.", "Het mandaat van de klant wacht op de bevestiging van de bank.";
    WhyAlreadyRunning => "A collection is already running for this invoice.", "Un encaissement est déjà en cours pour cette facture.", "Er loopt al een inning voor deze factuur.";
    WhyTwikeyWillRetry => "The last collection failed, but Twikey will offer it to the bank again: nothing new can start until it is over.", "Le dernier encaissement a échoué, mais Twikey le présentera à nouveau à la banque : rien de nouveau ne peut démarrer avant sa fin.", "De laatste inning is mislukt, maar Twikey biedt ze opnieuw aan de bank aan: er kan niets nieuws starten tot ze afgelopen is.";
    CanCollect => "The customer has a signed mandate: the open amount can be collected by direct debit.", "Le client a un mandat signé : le montant ouvert peut être encaissé par domiciliation.", "De klant heeft een getekend mandaat: het openstaande bedrag kan via domiciliëring geïnd worden.";
    OpenCustomerTwikeyTab => "Open the customer's Twikey tab", "Ouvrir l'onglet Twikey du client", "Het Twikey-tabblad van de klant openen";
    StartCollection => "Start new collection", "Lancer un nouvel encaissement", "Nieuwe inning starten";
    Collections => "Collections", "Encaissements", "Inningen";
    CollectionRequested => "Requested", "Demandé", "Aangevraagd";
    CollectionOpen => "Sent to the bank", "Envoyé à la banque", "Naar de bank verstuurd";
    CollectionPaid => "Paid", "Payé", "Betaald";
    CollectionFailed => "Failed", "Échoué", "Mislukt";
    CollectionFailedWillRetry => "Failed, Twikey will try again", "Échoué, Twikey réessaiera", "Mislukt, Twikey probeert opnieuw";
    CollectionReversed => "Reversed after payment", "Rejeté après paiement", "Teruggeboekt na betaling";
    RetryPlanned => "Automatic retry planned", "Nouvelle tentative prévue", "Nieuwe poging gepland";
    CollectionDate => "Collection date", "Date d'encaissement", "Inningsdatum";
    Prenotified => "customer notified beforehand", "client notifié au préalable", "klant vooraf verwittigd";
    EvCollectionRequested => "Collection requested from Twikey", "Encaissement demandé à Twikey", "Inning aangevraagd bij Twikey";
    EvCollectionSent => "Transaction created in Twikey", "Transaction créée dans Twikey", "Transactie aangemaakt in Twikey";
    EvSendingByBatch => "Encaisse sends it to the bank in the day's collection batch", "Encaisse l'envoie à la banque dans le lot d'encaissement du jour", "Encaisse stuurt ze naar de bank in de incassobatch van de dag";
    EvSendingByProfile => "The Twikey profile's automatic sending takes it to the bank", "L'envoi automatique du profil Twikey la transmet à la banque", "De automatische verzending van het Twikey-profiel brengt ze naar de bank";
    EvCollectionInBatch => "Sent to the bank in a collection batch", "Envoyé à la banque dans un lot d'encaissement", "Naar de bank verstuurd in een incassobatch";
    EvCollectionDate => "collection date", "date d'encaissement", "incassodatum";
    EvWithPrenotification => "customer notified first", "client notifié d'abord", "klant eerst verwittigd";
    EvCollectionFailedWillRetry => "Collection failed, Twikey will try again", "Encaissement échoué, Twikey réessaiera", "Inning mislukt, Twikey probeert opnieuw";
    EvCollectionUnconfirmed => "Twikey already has this request; waiting for its confirmation", "Twikey a déjà reçu cette demande ; en attente de sa confirmation", "Twikey heeft deze aanvraag al; wachten op bevestiging";
    EvCollectionPrenotified => "Customer notified before the collection", "Client notifié avant l'encaissement", "Klant verwittigd vóór de inning";
    EvCollectionPaid => "Collection paid", "Encaissement payé", "Inning betaald";
    EvCollectionFailed => "Collection failed", "Encaissement échoué", "Inning mislukt";
    EvCollectionReversed => "Collection reversed: invoice open again", "Encaissement rejeté : facture rouverte", "Inning teruggeboekt: factuur opnieuw open";
    EvCollectionRefused => "Twikey refused the collection", "Twikey a refusé l'encaissement", "Twikey weigerde de inning";
    EvCollectionRetryPending => "Twikey did not answer; the same request will be sent again", "Twikey n'a pas répondu ; la même demande sera renvoyée", "Twikey antwoordde niet; dezelfde aanvraag wordt opnieuw verstuurd";
    EvCollectionNotStarted => "Not collected", "Non encaissé", "Niet geïnd";
    EvCollectionPaidNotApplied => "Collection paid, but the invoice was no longer open", "Encaissement payé, mais la facture n'était plus ouverte", "Inning betaald, maar de factuur stond niet meer open";
    Select => "Select", "Sélectionner", "Selecteren";
    BulkCollect => "Collect selected with Twikey", "Encaisser la sélection via Twikey", "Selectie innen via Twikey";
    BulkStarted => "Collections started:", "Encaissements lancés :", "Inningen gestart:";
    BulkSkipped => "Skipped:", "Ignorées :", "Overgeslagen:";
    // invoices & subscriptions (until the invoicing module lands)
    InvoicesTitle => "Invoices", "Factures", "Facturen";
    SubscriptionsTitle => "Subscriptions", "Abonnements", "Abonnementen";
    NotYetAvailable => "This part of Encaisse is not available yet.", "Cette partie d'Encaisse n'est pas encore disponible.", "Dit deel van Encaisse is nog niet beschikbaar.";
    // ---- invoicing ----
    Customer => "Customer", "Client", "Klant";
    NewInvoice => "New invoice", "Nouvelle facture", "Nieuwe factuur";
    EditDraft => "Edit draft", "Modifier le brouillon", "Concept bewerken";
    Description => "Description", "Description", "Omschrijving";
    Quantity => "Quantity", "Quantité", "Aantal";
    UnitPrice => "Unit price", "Prix unitaire", "Eenheidsprijs";
    VatRate => "VAT rate", "Taux de TVA", "Btw-tarief";
    AddLine => "Add line", "Ajouter une ligne", "Regel toevoegen";
    RemoveLine => "Remove this line", "Supprimer cette ligne", "Deze regel verwijderen";
    SaveDraft => "Save draft", "Enregistrer le brouillon", "Concept opslaan";
    Issue => "Issue", "Émettre", "Uitgeven";
    IssueDate => "Issue date", "Date d'émission", "Factuurdatum";
    PaymentTermDays => "Payment term (days)", "Délai de paiement (jours)", "Betalingstermijn (dagen)";
    DueDate => "Due date", "Échéance", "Vervaldatum";
    InvoiceNumber => "Invoice number", "Numéro de facture", "Factuurnummer";
    TotalExclVat => "Total excl. VAT", "Total HTVA", "Totaal excl. btw";
    VatAmount => "VAT", "TVA", "Btw";
    TotalInclVat => "Total incl. VAT", "Total TVAC", "Totaal incl. btw";
    OpenAmount => "Open amount", "Montant ouvert", "Openstaand bedrag";
    Paid => "Paid", "Payé", "Betaald";
    StructuredCommunication => "Structured communication", "Communication structurée", "Gestructureerde mededeling";
    Send => "Send", "Envoyer", "Verzenden";
    RecordPayment => "Record payment", "Enregistrer un paiement", "Betaling registreren";
    Amount => "Amount", "Montant", "Bedrag";
    Date => "Date", "Date", "Datum";
    Method => "Method", "Méthode", "Methode";
    MethodBankTransfer => "Bank transfer", "Virement", "Overschrijving";
    MethodCash => "Cash", "Espèces", "Contant";
    MethodOther => "Other", "Autre", "Andere";
    MethodDirectDebit => "Direct debit (Twikey)", "Domiciliation (Twikey)", "Domiciliëring (Twikey)";
    Payments => "Payments", "Paiements", "Betalingen";
    NoPayments => "No payment recorded yet.", "Aucun paiement enregistré.", "Nog geen betaling geregistreerd.";
    CancelInvoice => "Cancel invoice", "Annuler la facture", "Factuur annuleren";
    ConfirmCancel => "Cancel this invoice", "Annuler cette facture", "Deze factuur annuleren";
    Lines => "Lines", "Lignes", "Regels";
    Status => "Status", "Statut", "Status";
    StatusDraft => "Draft", "Brouillon", "Concept";
    StatusOpen => "Open", "Ouverte", "Open";
    StatusOverdue => "Overdue", "En retard", "Vervallen";
    StatusPaid => "Paid", "Payée", "Betaald";
    StatusCancelled => "Cancelled", "Annulée", "Geannuleerd";
    AllStatuses => "All statuses", "Tous les statuts", "Alle statussen";
    AllCustomers => "All customers", "Tous les clients", "Alle klanten";
    PeriodFrom => "Issued from", "Émise du", "Uitgegeven van";
    PeriodTo => "to", "au", "tot";
    Filter => "Filter", "Filtrer", "Filteren";
    SearchInvoicesPlaceholder => "Number or customer", "Numéro ou client", "Nummer of klant";
    InvoicesResults => "invoices", "factures", "facturen";
    InvoicesEmpty => "No invoices yet. Create your first invoice.", "Pas encore de factures. Créez votre première facture.", "Nog geen facturen. Maak uw eerste factuur.";
    NoInvoicesMatch => "No invoice matches these filters.", "Aucune facture ne correspond à ces filtres.", "Geen factuur komt overeen met deze filters.";
    NotIssuedYet => "Draft", "Brouillon", "Concept";
    Timeline => "Timeline", "Ligne de temps", "Tijdlijn";
    EvCreated => "Created", "Créée", "Aangemaakt";
    EvCreatedBySubscription => "Created by subscription, period from", "Créée par l'abonnement, période du", "Aangemaakt door abonnement, periode vanaf";
    EvIssued => "Issued as", "Émise sous le numéro", "Uitgegeven als";
    EvSent => "Sent by e-mail to", "Envoyée par e-mail à", "Per e-mail verzonden naar";
    EvKeptInOutbox => "kept in the outbox (no SMTP server configured)", "conservé dans la boîte d'envoi (pas de serveur SMTP configuré)", "bewaard in de outbox (geen SMTP-server ingesteld)";
    EvSendFailed => "E-mail could not be delivered to", "L'e-mail n'a pas pu être remis à", "E-mail kon niet worden afgeleverd aan";
    EvPaymentRecorded => "Payment recorded", "Paiement enregistré", "Betaling geregistreerd";
    EvPaid => "Paid in full", "Entièrement payée", "Volledig betaald";
    EvCancelled => "Cancelled", "Annulée", "Geannuleerd";
    Outbox => "Outbox", "Boîte d'envoi", "Outbox";
    OutboxLead => "Every e-mail Encaisse sent or keeps for you. Without an SMTP server configured, e-mails stay here.", "Tous les e-mails qu'Encaisse a envoyés ou conserve pour vous. Sans serveur SMTP configuré, les e-mails restent ici.", "Alle e-mails die Encaisse verzond of voor u bewaart. Zonder ingestelde SMTP-server blijven e-mails hier.";
    OutboxEmpty => "No e-mail yet.", "Pas encore d'e-mail.", "Nog geen e-mail.";
    MailTo => "To", "À", "Aan";
    MailSubject => "Subject", "Objet", "Onderwerp";
    MailStatusQueued => "Queued", "En attente", "In wachtrij";
    MailStatusSent => "Sent", "Envoyé", "Verzonden";
    MailStatusStored => "Kept in the outbox", "Conservé", "Bewaard";
    MailStatusFailed => "Failed", "Échec", "Mislukt";
    MailInvoiceSubject => "Invoice", "Facture", "Factuur";
    MailInvoiceGreeting => "Hello, please find the details of your invoice below.", "Bonjour, voici les détails de votre facture.", "Hallo, hieronder vindt u de gegevens van uw factuur.";
    MailInvoiceClosing => "Please pay with the structured communication above. Thank you.", "Merci de payer avec la communication structurée ci-dessus.", "Gelieve te betalen met de gestructureerde mededeling hierboven. Dank u.";
    ErrNotDraft => "Only a draft can be changed or issued.", "Seul un brouillon peut être modifié ou émis.", "Alleen een concept kan worden gewijzigd of uitgegeven.";
    ErrNotSendable => "Issue the invoice before sending it.", "Émettez la facture avant de l'envoyer.", "Geef de factuur uit voor u ze verzendt.";
    ErrCustomerHasNoEmail => "This customer has no e-mail address.", "Ce client n'a pas d'adresse e-mail.", "Deze klant heeft geen e-mailadres.";
    ErrMailNotDelivered => "The e-mail could not be delivered now; Encaisse will try again.", "L'e-mail n'a pas pu être remis ; Encaisse réessaiera.", "De e-mail kon nu niet worden afgeleverd; Encaisse probeert opnieuw.";
    ErrNotPayable => "Only an open invoice can receive a payment.", "Seule une facture ouverte peut recevoir un paiement.", "Alleen een openstaande factuur kan een betaling ontvangen.";
    ErrAmountTooHigh => "The amount is more than the open amount.", "Le montant dépasse le montant ouvert.", "Het bedrag is hoger dan het openstaande bedrag.";
    ErrDuplicatePayment => "This payment was already recorded.", "Ce paiement a déjà été enregistré.", "Deze betaling werd al geregistreerd.";
    ErrNotCancellable => "An issued invoice is never cancelled: create a credit note. Only a draft can be discarded.", "Une facture émise n'est jamais annulée : créez une note de crédit. Seul un brouillon peut être abandonné.", "Een uitgereikte factuur wordt nooit geannuleerd: maak een creditnota. Alleen een ontwerp kan worden weggegooid.";
    CreateCreditNote => "Create credit note", "Créer une note de crédit", "Creditnota maken";
    CreditNotes => "Credit notes", "Notes de crédit", "Creditnota's";
    CreditNoteNumber => "Credit note number", "Numéro de la note de crédit", "Nummer van de creditnota";
    CreditNoteCorrects => "Corrects invoice", "Corrige la facture", "Corrigeert factuur";
    CreditNoteDeliveredPeppol => "Delivered over Peppol", "Livrée via Peppol", "Geleverd via Peppol";
    CreditNoteSent => "Sent.", "Envoyée.", "Verzonden.";
    MailCreditNoteSubject => "Credit note", "Note de crédit", "Creditnota";
    MailCreditNoteGreeting => "Hello,\n\nPlease find our credit note attached.", "Bonjour,\n\nVeuillez trouver notre note de crédit en pièce jointe.", "Goedendag,\n\nIn bijlage vindt u onze creditnota.";
    CreditNoteLead => "A credit note corrects this invoice: type the quantity to credit of each line (empty leaves a line out), or a reduction per VAT rate below.", "Une note de crédit corrige cette facture : indiquez la quantité à créditer de chaque ligne (vide l'exclut), ou une réduction par taux de TVA ci-dessous.", "Een creditnota corrigeert deze factuur: geef de te crediteren hoeveelheid per regel (leeg laat een regel weg), of hieronder een korting per btw-tarief.";
    CreditAmountsLead => "Or a reduction: an amount excl. VAT per VAT rate", "Ou une réduction : un montant HTVA par taux de TVA", "Of een korting: een bedrag exclusief btw per btw-tarief";
    CreditAmountAtRate => "Amount excl. VAT at", "Montant HTVA à", "Bedrag excl. btw aan";
    QuantityToCredit => "Quantity to credit", "Quantité à créditer", "Te crediteren hoeveelheid";
    RefundByHand => "The customer already paid: I refund the credited amount by bank transfer", "Le client a déjà payé : je rembourse le montant crédité par virement", "De klant betaalde al: ik betaal het gecrediteerde bedrag terug per overschrijving";
    IssueCreditNote => "Issue credit note", "Émettre la note de crédit", "Creditnota uitreiken";
    SettlementLowers => "lowers the amount due", "diminue le montant dû", "verlaagt het verschuldigde bedrag";
    SettlementRefundedByHand => "refunded by bank transfer", "remboursé par virement", "terugbetaald per overschrijving";
    EvCreditNoteIssued => "Credit note issued", "Note de crédit émise", "Creditnota uitgereikt";
    EvCollectionCancelled => "Collection cancelled in Twikey for a credit note", "Encaissement annulé dans Twikey pour une note de crédit", "Inning geannuleerd in Twikey voor een creditnota";
    MethodCreditNote => "Credit note", "Note de crédit", "Creditnota";
    ErrNotAllowedNow => "This is not possible in the current state.", "Ce n'est pas possible dans l'état actuel.", "Dit kan niet in de huidige toestand.";
    ErrQuantity => "Enter a quantity, like 2 or 1,5.", "Saisissez une quantité, par ex. 2 ou 1,5.", "Geef een aantal, bv. 2 of 1,5.";
    ErrAmount => "Enter an amount in euro, like 12,50.", "Saisissez un montant en euro, par ex. 12,50.", "Geef een bedrag in euro, bv. 12,50.";
    ErrVatRate => "Choose 0, 6, 12 or 21 %.", "Choisissez 0, 6, 12 ou 21 %.", "Kies 0, 6, 12 of 21 %.";
    ErrNoLines => "Add at least one line.", "Ajoutez au moins une ligne.", "Voeg minstens één regel toe.";
    ErrDate => "Enter a date.", "Saisissez une date.", "Geef een datum.";
    ErrPaymentTerm => "Enter a number of days between 0 and 365.", "Saisissez un nombre de jours entre 0 et 365.", "Geef een aantal dagen tussen 0 en 365.";
    ErrEndBeforeStart => "The end date is before the start date.", "La date de fin précède la date de début.", "De einddatum ligt voor de startdatum.";
    NewSubscription => "New subscription", "Nouvel abonnement", "Nieuw abonnement";
    Frequency => "Frequency", "Fréquence", "Frequentie";
    Monthly => "Monthly", "Mensuel", "Maandelijks";
    Quarterly => "Quarterly", "Trimestriel", "Driemaandelijks";
    Yearly => "Yearly", "Annuel", "Jaarlijks";
    StartDate => "Start date", "Date de début", "Startdatum";
    EndDate => "End date (optional)", "Date de fin (facultatif)", "Einddatum (optioneel)";
    SendByEmail => "Send by e-mail", "Envoyer par e-mail", "Per e-mail verzenden";
    CollectWithTwikey => "Collect with Twikey", "Encaisser via Twikey", "Innen via Twikey";
    NextInvoice => "Next invoice", "Prochaine facture", "Volgende factuur";
    GeneratedInvoices => "Invoices generated", "Factures générées", "Aangemaakte facturen";
    NoGeneratedInvoices => "No invoice generated yet.", "Pas encore de facture générée.", "Nog geen factuur aangemaakt.";
    Pause => "Pause", "Suspendre", "Pauzeren";
    Resume => "Resume", "Reprendre", "Hervatten";
    EndSubscription => "End", "Terminer", "Beëindigen";
    SubActive => "Active", "Actif", "Actief";
    SubPaused => "Paused", "Suspendu", "Gepauzeerd";
    SubEnded => "Ended", "Terminé", "Beëindigd";
    SubscriptionsEmpty => "No subscriptions yet. A subscription invoices a customer every month, quarter or year by itself.", "Pas encore d'abonnements. Un abonnement facture un client chaque mois, trimestre ou année, tout seul.", "Nog geen abonnementen. Een abonnement factureert een klant vanzelf elke maand, elk kwartaal of elk jaar.";
    Subscription => "Subscription", "Abonnement", "Abonnement";
    PerInvoice => "Per invoice", "Par facture", "Per factuur";
    DashOpen => "Open", "Ouvert", "Openstaand";
    DashOverdue => "Overdue", "En retard", "Vervallen";
    DashPaidThisMonth => "Paid this month", "Payé ce mois-ci", "Betaald deze maand";
    DashInvoicesByStatus => "Invoices by status", "Factures par statut", "Facturen per status";
    StepCreateInvoice => "Create and send your first invoice", "Créez et envoyez votre première facture", "Maak en verzend uw eerste factuur";
    // Peppol delivery (invoice timeline, customer page, connections health)
    EvPeppolDelivered => "Delivered over Peppol to", "Remise via Peppol à", "Afgeleverd via Peppol aan";
    EvPeppolRetry => "Peppol delivery failed, retried at", "La remise via Peppol a échoué, nouvel essai le", "Aflevering via Peppol mislukt, nieuwe poging op";
    EvPeppolFailed => "Peppol delivery failed", "La remise via Peppol a échoué", "Aflevering via Peppol mislukt";
    EvPeppolNotReachable => "Not reachable over Peppol, sent by e-mail instead", "Non joignable via Peppol, envoyée par e-mail à la place", "Niet bereikbaar via Peppol, in de plaats per e-mail verstuurd";
    EvPeppolNotReachableNoEmail => "Not reachable over Peppol, and the customer has no e-mail address: send the invoice yourself", "Non joignable via Peppol, et le client n'a pas d'adresse e-mail : envoyez la facture vous-même", "Niet bereikbaar via Peppol, en de klant heeft geen e-mailadres: verstuur de factuur zelf";
    EvPeppolCreditNote => "Credit note", "Note de crédit", "Creditnota";
    EvPeppolWithMandate => "with mandate", "avec le mandat", "met mandaat";
    PeppolLabel => "Peppol", "Peppol", "Peppol";
    PeppolReceives => "Receives e-invoices over Peppol", "Reçoit les factures électroniques via Peppol", "Ontvangt e-facturen via Peppol";
    PeppolDoesNotReceive => "Does not receive e-invoices over Peppol: invoices go by e-mail", "Ne reçoit pas de factures électroniques via Peppol : les factures partent par e-mail", "Ontvangt geen e-facturen via Peppol: facturen gaan per e-mail";
    PeppolUnknown => "Could not check Peppol right now; checked again at the next invoice", "Peppol n'a pas pu être vérifié pour l'instant ; nouvelle vérification à la prochaine facture", "Peppol kon nu niet gecontroleerd worden; opnieuw bij de volgende factuur";
    PeppolDeliveries => "Peppol deliveries", "Remises Peppol", "Afleveringen via Peppol";
    PeppolDeliveriesFailed => "failed, not delivered", "en échec, non remises", "mislukt, niet afgeleverd";
    PeppolDeliveriesRetrying => "waiting for a new attempt", "en attente d'un nouvel essai", "wachten op een nieuwe poging";
}
