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

macro_rules! messages {
    ($($key:ident => $en:expr, $fr:expr, $nl:expr;)*) => {
        /// A string of the interface; [`Msg::text`] gives it in a language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match self {
                    $(Msg::$key => match lang { Lang::En => $en, Lang::Fr => $fr, Lang::Nl => $nl },)*
                }
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
    ErrCustomerNumberTaken => "Another customer already has this number.", "Un autre client a déjà ce numéro.", "Een andere klant heeft dit nummer al.";
    ErrCustomerNumberFormat => "Use letters, digits, dashes or dots (at most 30).", "Utilisez des lettres, chiffres, tirets ou points (30 au maximum).", "Gebruik letters, cijfers, streepjes of punten (maximaal 30).";
    ErrTooLong => "This is too long.", "C'est trop long.", "Dit is te lang.";
    ErrLanguage => "Choose one of the languages offered.", "Choisissez une des langues proposées.", "Kies een van de aangeboden talen.";
    ErrNotSignedIn => "Your session has ended. Log in again.", "Votre session a expiré. Reconnectez-vous.", "Uw sessie is verlopen. Meld u opnieuw aan.";
    ErrNotFound => "Not found.", "Introuvable.", "Niet gevonden.";
    ErrInternal => "Something went wrong on our side. Nothing was saved; try again.", "Un problème est survenu de notre côté. Rien n'a été enregistré ; réessayez.", "Er ging iets mis bij ons. Er is niets opgeslagen; probeer opnieuw.";
    ErrNetwork => "Encaisse could not be reached. Check your connection and try again.", "Encaisse est injoignable. Vérifiez votre connexion et réessayez.", "Encaisse is niet bereikbaar. Controleer uw verbinding en probeer opnieuw.";
    ErrFormHasErrors => "Please correct the fields marked below.", "Veuillez corriger les champs indiqués ci-dessous.", "Verbeter de hieronder aangeduide velden.";
    // dashboard
    DashboardTitle => "Dashboard", "Tableau de bord", "Dashboard";
    Welcome => "Welcome", "Bienvenue", "Welkom";
    CustomersCount => "Customers", "Clients", "Klanten";
    GettingStarted => "Getting started", "Pour commencer", "Aan de slag";
    StepAddCustomer => "Add your customers", "Ajoutez vos clients", "Voeg uw klanten toe";
    StepConnectTwikey => "Connect Twikey under Applications & connections", "Connectez Twikey dans Applications et connexions", "Koppel Twikey via Toepassingen en koppelingen";
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
    Cancel => "Cancel", "Annuler", "Annuleren";
    Edit => "Edit", "Modifier", "Bewerken";
    Archive => "Archive", "Archiver", "Archiveren";
    Archived => "Archived", "Archivé", "Gearchiveerd";
    ArchiveConfirmHelp => "Archived customers leave the list; their invoices stay.", "Les clients archivés quittent la liste ; leurs factures restent.", "Gearchiveerde klanten verdwijnen uit de lijst; hun facturen blijven.";
    Restore => "Restore", "Restaurer", "Herstellen";
    ShowArchived => "Show archived", "Afficher les archivés", "Gearchiveerde tonen";
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
    TwikeyTabOff => "Twikey is not switched on. Switch it on under Applications & connections to collect by direct debit.", "Twikey n'est pas activé. Activez-le dans Applications et connexions pour encaisser par domiciliation.", "Twikey is niet ingeschakeld. Schakel het in via Toepassingen en koppelingen om via domiciliëring te innen.";
    // connections
    ConnectionsTitle => "Applications & connections", "Applications et connexions", "Toepassingen en koppelingen";
    ConnectionsLead => "Connect Encaisse to the services you use.", "Connectez Encaisse aux services que vous utilisez.", "Koppel Encaisse aan de diensten die u gebruikt.";
    TwikeyCardText => "Collect your invoices by SEPA direct debit: customers sign a mandate online, Encaisse starts the collections and records the payments.", "Encaissez vos factures par domiciliation SEPA : vos clients signent un mandat en ligne, Encaisse lance les encaissements et enregistre les paiements.", "Int uw facturen via SEPA-domiciliëring: klanten tekenen online een mandaat, Encaisse start de inningen en boekt de betalingen.";
    Configure => "Configure", "Configurer", "Configureren";
    Active => "On", "Activé", "Aan";
    Inactive => "Off", "Désactivé", "Uit";
    // invoices & subscriptions (until the invoicing module lands)
    InvoicesTitle => "Invoices", "Factures", "Facturen";
    SubscriptionsTitle => "Subscriptions", "Abonnements", "Abonnementen";
    NotYetAvailable => "This part of Encaisse is not available yet.", "Cette partie d'Encaisse n'est pas encore disponible.", "Dit deel van Encaisse is nog niet beschikbaar.";
}
