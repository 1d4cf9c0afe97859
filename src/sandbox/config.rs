//! Sandbox configuration and its command line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// A template (profile) offered by the sandbox.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TemplateConfig {
    pub id: i64,
    /// `CORE` or `B2B`.
    pub kind: String,
    pub name: String,
}

/// How a sandbox starts. `Default` is the documented default command line.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub addr: String,
    pub api_keys: Vec<String>,
    pub templates: Vec<TemplateConfig>,
    /// Webhook URL per API key.
    pub webhook_urls: BTreeMap<String, String>,
    /// Delay between a transaction's creation (or a B2B signature) and its settlement.
    pub settle_after: Duration,
    /// JSON file the state is loaded from and saved to.
    pub state_file: Option<PathBuf>,
}

pub const DEFAULT_API_KEY: &str = "sandbox-api-key";

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:3100".into(),
            api_keys: vec![DEFAULT_API_KEY.into()],
            templates: default_templates(),
            webhook_urls: BTreeMap::new(),
            settle_after: Duration::from_secs(5),
            state_file: None,
        }
    }
}

pub fn default_templates() -> Vec<TemplateConfig> {
    vec![
        TemplateConfig { id: 1001, kind: "CORE".into(), name: "Particuliers".into() },
        TemplateConfig { id: 1002, kind: "B2B".into(), name: "Entreprises".into() },
    ]
}

pub const USAGE: &str = "usage: twikey-sandbox [--addr 127.0.0.1:3100] [--api-key KEY]... \
[--template ID:TYPE:NAME]... [--webhook-url KEY=URL]... [--settle-after SECONDS] [--state FILE]";

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
            match flag.as_str() {
                "--addr" => cfg.addr = value()?,
                "--api-key" => keys.push(value()?),
                "--template" => {
                    let v = value()?;
                    let mut parts = v.splitn(3, ':');
                    let (Some(id), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
                        return Err(format!("--template wants ID:TYPE:NAME, got {v}"));
                    };
                    let id = id.parse().map_err(|_| format!("template id must be a number: {id}"))?;
                    let kind = kind.to_ascii_uppercase();
                    if kind != "CORE" && kind != "B2B" {
                        return Err(format!("template type must be CORE or B2B: {kind}"));
                    }
                    templates.push(TemplateConfig { id, kind, name: name.into() });
                }
                "--webhook-url" => {
                    let v = value()?;
                    let (k, u) = v.split_once('=').ok_or(format!("--webhook-url wants KEY=URL, got {v}"))?;
                    cfg.webhook_urls.insert(k.into(), u.into());
                }
                "--settle-after" => {
                    let v = value()?;
                    let secs: f64 = v.parse().map_err(|_| format!("--settle-after wants seconds, got {v}"))?;
                    cfg.settle_after = Duration::from_secs_f64(secs.max(0.0));
                }
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
        for k in cfg.webhook_urls.keys() {
            if !cfg.api_keys.contains(k) {
                return Err("--webhook-url names an API key that is not configured".into());
            }
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        let args = ["--addr", "0.0.0.0:9", "--api-key", "k1", "--api-key=k2", "--template", "7:b2b:Pro",
            "--webhook-url", "k1=http://x/y?a=b", "--settle-after", "0", "--state", "/tmp/s.json"];
        let c = SandboxConfig::from_args(args.iter().map(|s| s.to_string())).unwrap();
        assert_eq!(c.addr, "0.0.0.0:9");
        assert_eq!(c.api_keys, vec!["k1", "k2"]);
        assert_eq!(c.templates, vec![TemplateConfig { id: 7, kind: "B2B".into(), name: "Pro".into() }]);
        assert_eq!(c.webhook_urls["k1"], "http://x/y?a=b");
        assert_eq!(c.settle_after, Duration::ZERO);
        let d = SandboxConfig::from_args(Vec::<String>::new()).unwrap();
        assert_eq!(d.api_keys, vec![DEFAULT_API_KEY]);
        assert_eq!(d.templates.len(), 2);
        assert!(SandboxConfig::from_args(["--bogus".to_string()]).is_err());
    }
}
