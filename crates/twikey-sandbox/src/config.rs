//! Sandbox configuration and its command line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// A template (profile) offered by the sandbox, with the default options every creditor
/// (API key) starts with.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TemplateConfig {
    pub id: i64,
    /// `CORE` or `B2B`.
    pub kind: String,
    pub name: String,
    /// The profile sends new transactions to the bank by itself ("automatic sending"): they
    /// count as sent when created. Without it only `POST /collect` sends them.
    #[serde(default = "yes")]
    pub auto_send: bool,
    /// Dunning: how many times a failed payment of the insufficient-funds bucket (MS03, AM04)
    /// is offered to the bank again.
    #[serde(default)]
    pub reoffers: u32,
}

fn yes() -> bool {
    true
}

impl TemplateConfig {
    /// A template with automatic sending and no re-offers.
    pub fn new(id: i64, kind: &str, name: &str) -> Self {
        Self { id, kind: kind.into(), name: name.into(), auto_send: true, reoffers: 0 }
    }
}

/// How a sandbox starts. `Default` is the documented default command line.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub addr: String,
    /// Creditors that exist from the start. Any key of the form `sandbox-…` is created on
    /// first use as well.
    pub api_keys: Vec<String>,
    pub templates: Vec<TemplateConfig>,
    /// Webhook URL per API key.
    pub webhook_urls: BTreeMap<String, String>,
    /// Hex private key per API key: the login of that key needs an `otp` (enhanced security).
    pub private_keys: BTreeMap<String, String>,
    /// Delay between a transaction's sending to the bank (or a B2B signature) and its outcome.
    pub settle_after: Duration,
    /// `GET /mandate/detail` and `GET /transaction/detail` calls per minute and creditor
    /// (0: no limit).
    pub detail_limit: u32,
    /// Logins per minute and API key (0: no limit).
    pub login_limit: u32,
    /// JSON file the state is loaded from and saved to.
    pub state_file: Option<PathBuf>,
}

pub const DEFAULT_API_KEY: &str = "sandbox-api-key";
/// API keys starting with this are creditors of their own, created on first use.
pub const SANDBOX_KEY_PREFIX: &str = "sandbox-";
pub const DEFAULT_DETAIL_LIMIT: u32 = 100;
pub const DEFAULT_LOGIN_LIMIT: u32 = 30;

/// Whether `key` names a creditor the sandbox creates on first use (`sandbox-…`).
pub fn is_sandbox_key(key: &str) -> bool {
    key.len() > SANDBOX_KEY_PREFIX.len() && key.starts_with(SANDBOX_KEY_PREFIX)
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:3100".into(),
            api_keys: vec![DEFAULT_API_KEY.into()],
            templates: default_templates(),
            webhook_urls: BTreeMap::new(),
            private_keys: BTreeMap::new(),
            settle_after: Duration::from_secs(5),
            detail_limit: DEFAULT_DETAIL_LIMIT,
            login_limit: DEFAULT_LOGIN_LIMIT,
            state_file: None,
        }
    }
}

pub fn default_templates() -> Vec<TemplateConfig> {
    vec![TemplateConfig::new(1001, "CORE", "Particuliers"), TemplateConfig::new(1002, "B2B", "Entreprises")]
}

pub const USAGE: &str = "usage: twikey-sandbox [--addr 127.0.0.1:3100] [--api-key KEY]... \
[--template ID:TYPE:NAME[:manual][:reoffers=N]]... [--webhook-url KEY=URL]... [--private-key KEY=HEX]... \
[--settle-after SECONDS] [--detail-limit N] [--login-limit N] [--state FILE]";

/// `ID:TYPE:NAME[:manual|:auto][:reoffers=N]`; the name may itself contain `:`.
fn parse_template(v: &str) -> Result<TemplateConfig, String> {
    let mut parts: Vec<&str> = v.split(':').collect();
    if parts.len() < 3 {
        return Err(format!("--template wants ID:TYPE:NAME[:manual][:reoffers=N], got {v}"));
    }
    let mut auto_send = true;
    let mut reoffers = 0;
    while parts.len() > 3 {
        let last = parts[parts.len() - 1];
        if last == "manual" {
            auto_send = false;
        } else if last == "auto" {
            auto_send = true;
        } else if let Some(n) = last.strip_prefix("reoffers=") {
            reoffers = n.parse().map_err(|_| format!("reoffers must be a number: {n}"))?;
        } else {
            break;
        }
        parts.pop();
    }
    let id = parts[0].parse().map_err(|_| format!("template id must be a number: {}", parts[0]))?;
    let kind = parts[1].to_ascii_uppercase();
    if kind != "CORE" && kind != "B2B" {
        return Err(format!("template type must be CORE or B2B: {kind}"));
    }
    let name = parts[2..].join(":");
    Ok(TemplateConfig { id, kind, name, auto_send, reoffers })
}

fn key_value<'a>(flag: &str, v: &'a str, what: &str) -> Result<(&'a str, &'a str), String> {
    v.split_once('=').ok_or(format!("{flag} wants KEY={what}, got {v}"))
}

impl SandboxConfig {
    /// Parses the arguments after the program name. Repeated `--api-key` / `--template`
    /// replace the defaults.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Self, String> {
        let mut cfg = SandboxConfig::default();
        let mut keys = vec![];
        let mut templates = vec![];
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.into());
            }
            let mut value = || inline.clone().or_else(|| it.next()).ok_or(format!("{flag} needs a value\n{USAGE}"));
            let number = |v: String| v.parse::<u32>().map_err(|_| format!("{flag} wants a number, got {v}"));
            match flag.as_str() {
                "--addr" => cfg.addr = value()?,
                "--api-key" => keys.push(value()?),
                "--template" => templates.push(parse_template(&value()?)?),
                "--webhook-url" => {
                    let v = value()?;
                    let (k, u) = key_value(&flag, &v, "URL")?;
                    cfg.webhook_urls.insert(k.into(), u.into());
                }
                "--private-key" => {
                    let v = value()?;
                    let (k, h) = key_value(&flag, &v, "HEX")?;
                    if h.is_empty() || hex::decode(h).is_err() {
                        return Err(format!("--private-key wants a hexadecimal key, got {h}"));
                    }
                    cfg.private_keys.insert(k.into(), h.into());
                }
                "--settle-after" => {
                    let v = value()?;
                    let secs: f64 = v.parse().map_err(|_| format!("--settle-after wants seconds, got {v}"))?;
                    cfg.settle_after = Duration::from_secs_f64(secs.max(0.0));
                }
                "--detail-limit" => cfg.detail_limit = number(value()?)?,
                "--login-limit" => cfg.login_limit = number(value()?)?,
                "--state" => cfg.state_file = Some(PathBuf::from(value()?)),
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
        }
        if !keys.is_empty() {
            cfg.api_keys = keys;
        }
        if !templates.is_empty() {
            cfg.templates = templates;
        }
        for k in cfg.webhook_urls.keys().chain(cfg.private_keys.keys()) {
            if !cfg.api_keys.contains(k) && !is_sandbox_key(k) {
                return Err(format!("{k}: --webhook-url and --private-key name a configured API key or a sandbox-… key"));
            }
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<SandboxConfig, String> {
        SandboxConfig::from_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let c = parse(&["--addr", "0.0.0.0:9", "--api-key", "k1", "--api-key=k2", "--template", "7:b2b:Pro",
            "--webhook-url", "k1=http://x/y?a=b", "--settle-after", "0", "--state", "/tmp/s.json",
            "--detail-limit", "5", "--login-limit=2", "--private-key", "sandbox-otp=0123abcd"])
        .unwrap();
        assert_eq!(c.addr, "0.0.0.0:9");
        assert_eq!(c.api_keys, vec!["k1", "k2"]);
        assert_eq!(c.templates, vec![TemplateConfig::new(7, "B2B", "Pro")]);
        assert_eq!(c.webhook_urls["k1"], "http://x/y?a=b");
        assert_eq!(c.private_keys["sandbox-otp"], "0123abcd");
        assert_eq!(c.settle_after, Duration::ZERO);
        assert_eq!((c.detail_limit, c.login_limit), (5, 2));
        let d = parse(&[]).unwrap();
        assert_eq!(d.api_keys, vec![DEFAULT_API_KEY]);
        assert_eq!(d.templates.len(), 2);
        assert!(d.templates.iter().all(|t| t.auto_send && t.reoffers == 0));
        assert_eq!((d.detail_limit, d.login_limit), (DEFAULT_DETAIL_LIMIT, DEFAULT_LOGIN_LIMIT));
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--webhook-url", "other=http://x"]).is_err(), "unknown key");
        assert!(parse(&["--webhook-url", "sandbox-x=http://x"]).is_ok(), "sandbox-… keys exist on demand");
        assert!(parse(&["--private-key", "sandbox-x=nothex"]).is_err());
    }

    #[test]
    fn template_options() {
        let t = parse_template("1001:core:Particuliers:manual:reoffers=2").unwrap();
        assert_eq!(t, TemplateConfig { id: 1001, kind: "CORE".into(), name: "Particuliers".into(), auto_send: false, reoffers: 2 });
        let t = parse_template("1002:B2B:Pro: A:B:reoffers=1").unwrap();
        assert_eq!((t.name.as_str(), t.auto_send, t.reoffers), ("Pro: A:B", true, 1));
        assert!(parse_template("1:CORE").is_err());
        assert!(parse_template("1:CORE:X:reoffers=x").is_err());
        assert!(parse_template("1:SEPA:X").is_err());
        assert!(is_sandbox_key("sandbox-a") && !is_sandbox_key("sandbox-") && !is_sandbox_key("other"));
    }
}
