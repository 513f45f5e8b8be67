//! ctid's configuration: one TOML document with a section per component, merged from built-in
//! defaults, a file, `CTID_<SECTION>__<KEY>` environment variables and command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::cli::ConfigArgs;

/// The whole configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The HTTP listener (XuC API, sim API).
    pub http: HttpConfig,
    /// The CTI protocol server.
    pub cti: ctid_proto_cti::CtiConfig,
    /// The XuC WebSocket API (on the HTTP listener).
    pub xuc: ctid_proto_xuc::XucConfig,
    /// The telephony engine.
    pub pbx: PbxConfig,
    /// The configured world.
    pub dataset: DatasetConfig,
    /// The core.
    pub core: CoreSettings,
    /// Login throttling and password checks (shared by every face).
    pub login: ctid_core::login_guard::LoginGuardConfig,
    /// The sim API's access.
    pub sim: ctid_pbx_sim::http_access::SimApiConfig,
    /// Process-wide limits.
    pub limits: crate::limits::LimitsConfig,
    /// Where what must survive a restart is kept.
    pub store: StoreConfig,
    /// The message bus (off until `url` is set).
    pub bus: ctid_bus::BusConfig,
    /// This node (its uuid).
    pub node: crate::node_uuid::NodeConfig,
    /// The admin REST API (its key).
    pub admin: ctid_admin::AdminConfig,
}

/// `[store]`: a SQLite file under `data_dir` unless `database_url` names a PostgreSQL database.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Directory of the SQLite database (`ctid.sqlite3`), created when missing.
    pub data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://user:password@host:5432/ctid`) to use instead.
    pub database_url: Option<String>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            data_dir: PathBuf::from("./ctid-data"),
            database_url: None,
        }
    }
}

impl StoreConfig {
    /// Where the store is.
    pub fn location(&self) -> ctid_store::StoreLocation {
        match &self.database_url {
            Some(url) => ctid_store::StoreLocation::Postgres(url.clone()),
            None => ctid_store::StoreLocation::SqliteDir(self.data_dir.clone()),
        }
    }
}

/// `[http]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Listening address.
    pub listen: SocketAddr,
    /// Concurrent HTTP connections at most (default 1024); more are closed at once.
    pub max_connections: usize,
    /// Time a connection has to send a complete request head, from its opening or its previous
    /// response (default 10 s): idle keep-alive connections and slow senders are closed.
    #[serde(rename = "header_read_timeout_secs", with = "secs")]
    pub header_read_timeout: Duration,
    /// Time without a byte read or written during a request (default 60 s).
    #[serde(rename = "idle_timeout_secs", with = "secs")]
    pub idle_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 8090)),
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Durations as (possibly fractional) seconds.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

/// Which telephony engine runs under the core.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// The embedded PBX (simulated switch).
    #[default]
    Embedded,
    /// A recorded AMI session played back as if a switch sent it (`[pbx.replay]`).
    Replay,
    /// A real Asterisk, through its Manager Interface (`[pbx.asterisk]`).
    Asterisk,
}

/// `[pbx]`: which engine runs, and `[pbx.embedded]`: the embedded PBX's timings and simulated
/// far ends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PbxConfig {
    /// Which engine.
    pub engine: Engine,
    /// Embedded PBX settings.
    pub embedded: ctid_pbx_sim::SimConfig,
    /// Asterisk adapter settings (`engine = "asterisk"`).
    pub asterisk: ctid_pbx_ami::AmiConfig,
    /// Replay settings.
    pub replay: ReplayConfig,
}

/// `[pbx.replay]`: the recording to play and how fast (`engine = "replay"`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplayConfig {
    /// The capture file (shared/data/ami/README.md's format).
    pub file: Option<PathBuf>,
    /// `"max"` (as fast as the core takes it) or a factor of real time (`1`, `10`, `0.5`).
    pub speed: ReplaySpeed,
}

impl Default for ReplayConfig {
    fn default() -> Self {
        ReplayConfig {
            file: None,
            speed: ReplaySpeed::Factor(1.0),
        }
    }
}

/// A replay speed as written in the configuration: a number or `"max"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReplaySpeed {
    /// A factor of real time.
    Factor(f64),
    /// `max`, or a factor written as text (from the environment or the command line).
    Text(String),
}

impl ReplaySpeed {
    /// The speed, or why it is not one.
    pub fn speed(&self) -> anyhow::Result<ctid_pbx_ami::replay::Speed> {
        let text = match self {
            ReplaySpeed::Factor(f) => f.to_string(),
            ReplaySpeed::Text(t) => t.clone(),
        };
        text.parse()
            .map_err(|e: String| anyhow::anyhow!("[pbx.replay] speed: {e}"))
    }
}

/// `[dataset]`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatasetConfig {
    /// Dataset file that fills the store on the first start (the built-in demo dataset when
    /// absent); later starts take the store's configuration, and SIGHUP applies this file live.
    pub file: Option<PathBuf>,
}

/// `[core]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoreSettings {
    /// Answer the user's own phone automatically on click-to-dial.
    pub originate_auto_answer: bool,
    /// Bound of the core's request queue.
    pub inbox_capacity: usize,
}

impl Default for CoreSettings {
    fn default() -> Self {
        let core = ctid_core::CoreConfig::default();
        CoreSettings {
            originate_auto_answer: core.originate_auto_answer,
            inbox_capacity: core.inbox_capacity,
        }
    }
}

impl Config {
    /// Merges defaults, the file, the environment (`CTID_SECTION__KEY`) and the flags.
    pub fn load(args: &ConfigArgs) -> anyhow::Result<Config> {
        Self::load_with_env(args, Env::prefixed("CTID_").split("__"))
    }

    fn load_with_env(args: &ConfigArgs, env: Env) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &args.config {
            anyhow::ensure!(
                path.is_file(),
                "configuration file {} not found",
                path.display()
            );
            figment = figment.merge(Toml::file_exact(path));
        }
        let mut config: Config = figment
            .merge(env)
            .extract()
            .context("invalid configuration")?;
        if let Some(addr) = args.http_listen {
            config.http.listen = addr;
        }
        if let Some(addr) = args.cti_listen {
            config.cti.listen = addr;
        }
        if let Some(file) = &args.dataset {
            config.dataset.file = Some(file.clone());
        }
        if let Some(dir) = &args.data_dir {
            config.store.data_dir = dir.clone();
        }
        if let Some(url) = &args.database_url {
            config.store.database_url = Some(url.clone());
        }
        if let Some(url) = &args.bus_url {
            config.bus.url = Some(url.clone());
        }
        if let Some(file) = &args.replay {
            config.pbx.engine = Engine::Replay;
            config.pbx.replay.file = Some(file.clone());
        }
        if let Some(speed) = &args.speed {
            config.pbx.replay.speed = ReplaySpeed::Text(speed.clone());
        }
        Ok(config)
    }

    /// The configuration as TOML, for `ctid config show`, with its secrets hidden: the
    /// passwords in the database and bus URLs, the sim token and the Asterisk secret are
    /// replaced by `***`.
    pub fn to_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.store.database_url = shown.store.database_url.as_deref().map(hide_url_password);
        shown.bus.url = shown.bus.url.as_deref().map(hide_url_password);
        if shown.sim.token.is_some() {
            shown.sim.token = Some("***".to_owned());
        }
        if !shown.pbx.asterisk.secret.is_empty() {
            shown.pbx.asterisk.secret = "***".to_owned();
        }
        Ok(toml::to_string_pretty(&shown)?)
    }
}

/// `scheme://user:password@host/...` with the password replaced by `***` (a URL without one is
/// returned as it is).
fn hide_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
// figment's `Jail` closures return its own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment_then_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "ctid.toml",
                "[http]\nlisten = \"127.0.0.1:9000\"\n[cti]\nlisten = \"127.0.0.1:9003\"\n",
            )?;
            jail.set_env("CTID_HTTP__LISTEN", "127.0.0.1:9100");
            jail.set_env("CTID_PBX__EMBEDDED__RING_TIMEOUT", "30");
            jail.set_env("CTID_PBX__EMBEDDED__BUSY_NUMBERS", "[\"0600000000\"]");
            let args = ConfigArgs {
                config: Some("ctid.toml".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.http.listen.to_string(), "127.0.0.1:9100");
            assert_eq!(config.cti.listen.to_string(), "127.0.0.1:9003");
            assert_eq!(config.cti.push_policy, ctid_proto_cti::PushPolicy::All);
            assert_eq!(
                config.pbx.embedded.ring_timeout,
                std::time::Duration::from_secs(30)
            );
            assert_eq!(config.pbx.embedded.busy_numbers, ["0600000000"]);
            let args = ConfigArgs {
                cti_listen: Some("127.0.0.1:9203".parse().unwrap()),
                ..args
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.cti.listen.to_string(), "127.0.0.1:9203");
            // The push policy, from the file or the environment.
            jail.create_file("ctid.toml", "[cti]\npush_policy = \"subscribed\"\n")?;
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(
                config.cti.push_policy,
                ctid_proto_cti::PushPolicy::Subscribed
            );
            jail.set_env("CTID_CTI__MAX_SUBSCRIPTION_BYTES", "65536");
            jail.set_env("CTID_CTI__PUSH_POLICY", "all");
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.cti.push_policy, ctid_proto_cti::PushPolicy::All);
            assert_eq!(config.cti.max_subscription_bytes, 65536);
            jail.set_env("CTID_CTI__PUSH_POLICY", "some");
            assert!(Config::load(&args).is_err());
            jail.set_env("CTID_CTI__PUSH_POLICY", "all");
            // Each session's outbox budget, from the file or the environment.
            jail.create_file("ctid.toml", "[cti]\noutbox_max_bytes = 65536\n")?;
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.cti.outbox_max_bytes, 65536);
            jail.set_env("CTID_CTI__OUTBOX_MAX_BYTES", "1048576");
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.cti.outbox_max_bytes, 1_048_576);
            Ok(())
        });
    }

    #[test]
    fn the_bus_is_off_until_a_url_is_given() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert!(config.bus.url.is_none());
            assert_eq!(config.bus.exchange, "xivo");
            assert_eq!(config.bus.exchange_type, ctid_bus::ExchangeType::Topic);
            jail.create_file(
                "ctid.toml",
                "[bus]\nurl = \"amqp://a\"\nexchange = \"wazo-headers\"\nexchange_type = \"headers\"\n",
            )?;
            let args = ConfigArgs {
                config: Some("ctid.toml".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.bus.url.as_deref(), Some("amqp://a"));
            assert_eq!(config.bus.exchange_type, ctid_bus::ExchangeType::Headers);
            jail.set_env("CTID_BUS__URL", "amqp://b");
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.bus.url.as_deref(), Some("amqp://b"));
            let args = ConfigArgs {
                bus_url: Some("amqp://c".into()),
                ..args
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.bus.url.as_deref(), Some("amqp://c"));
            Ok(())
        });
    }

    #[test]
    fn replay_from_the_file_or_the_flags() {
        use ctid_pbx_ami::replay::Speed;
        figment::Jail::expect_with(|jail| {
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.pbx.engine, Engine::Embedded);
            jail.create_file(
                "ctid.toml",
                "[pbx]\nengine = \"replay\"\n[pbx.replay]\nfile = \"c.txt\"\nspeed = 10\n",
            )?;
            let args = ConfigArgs {
                config: Some("ctid.toml".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.pbx.engine, Engine::Replay);
            assert_eq!(config.pbx.replay.file, Some(PathBuf::from("c.txt")));
            assert_eq!(
                config.pbx.replay.speed.speed().ok(),
                Some(Speed::Times(10.0))
            );
            let args = ConfigArgs {
                replay: Some("d.txt".into()),
                speed: Some("max".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.pbx.engine, Engine::Replay);
            assert_eq!(config.pbx.replay.file, Some(PathBuf::from("d.txt")));
            assert_eq!(config.pbx.replay.speed.speed().ok(), Some(Speed::Max));
            let args = ConfigArgs {
                speed: Some("fast".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            let error = config.pbx.replay.speed.speed().unwrap_err().to_string();
            assert!(error.contains("positive number"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn defaults_and_errors() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.http.listen.to_string(), "0.0.0.0:8090");
            assert_eq!(config.cti.listen.to_string(), "0.0.0.0:5003");
            assert_eq!(config.cti.outbox_max_bytes, 4 * 1024 * 1024);
            assert!(config.dataset.file.is_none());
            assert_eq!(config.http.max_connections, 1024);
            assert_eq!(config.http.header_read_timeout, Duration::from_secs(10));
            assert!(config.sim.token.is_none());
            assert_eq!(config.login.per_login.lockout_after, 10);
            assert_eq!(config.limits.reserved_per_listener, 64);
            assert_eq!(
                config.store.location(),
                ctid_store::StoreLocation::SqliteDir("./ctid-data".into())
            );
            jail.set_env("CTID_STORE__DATABASE_URL", "postgres://ctid@db:5432/ctid");
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(
                config.store.location(),
                ctid_store::StoreLocation::Postgres("postgres://ctid@db:5432/ctid".into())
            );
            let args = ConfigArgs {
                database_url: Some("postgres://other@db/ctid".into()),
                data_dir: Some("/var/lib/ctid".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.store.data_dir, PathBuf::from("/var/lib/ctid"));
            assert_eq!(
                config.store.database_url.as_deref(),
                Some("postgres://other@db/ctid")
            );
            jail.clear_env();
            jail.set_env("CTID_SIM__TOKEN", "t0ken");
            jail.set_env("CTID_LOGIN__PER_LOGIN__LOCKOUT_SECS", "60");
            jail.set_env("CTID_HTTP__HEADER_READ_TIMEOUT_SECS", "2.5");
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.sim.token.as_deref(), Some("t0ken"));
            assert_eq!(config.login.per_login.lockout, Duration::from_secs(60));
            assert_eq!(config.http.header_read_timeout, Duration::from_millis(2500));
            jail.create_file("bad.toml", "[http]\nlisen = 1\n")?;
            let args = ConfigArgs {
                config: Some("bad.toml".into()),
                ..Default::default()
            };
            assert!(Config::load(&args).is_err());
            let args = ConfigArgs {
                config: Some("missing.toml".into()),
                ..Default::default()
            };
            assert!(Config::load(&args).is_err());
            Ok(())
        });
    }

    #[test]
    fn config_show_hides_passwords_and_tokens() {
        let mut config = Config::default();
        config.store.database_url = Some("postgres://ctid:s3cret@db:5432/ctid".to_owned());
        config.bus.url = Some("amqp://guest:guest@127.0.0.1:5672/%2f".to_owned());
        config.sim.token = Some("t0ken".to_owned());
        config.pbx.asterisk.secret = "ami-s3cret".to_owned();
        let shown = config.to_toml().unwrap();
        assert!(!shown.contains("ami-s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://ctid:***@db:5432/ctid"),
            "{shown}"
        );
        assert!(
            shown.contains("amqp://guest:***@127.0.0.1:5672/%2f"),
            "{shown}"
        );
        assert!(
            !shown.contains("s3cret") && !shown.contains("t0ken"),
            "{shown}"
        );
        assert_eq!(
            hide_url_password("postgres://db/ctid"),
            "postgres://db/ctid"
        );
        assert_eq!(
            hide_url_password("postgres://ctid@db/ctid"),
            "postgres://ctid@db/ctid"
        );
    }

    #[test]
    fn the_admin_key_digest_from_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.admin.api_key_sha256, None);
            let from_file = "ab".repeat(32);
            jail.create_file(
                "ctid.toml",
                &format!("[admin]\napi_key_sha256 = \"{from_file}\"\n"),
            )?;
            let args = ConfigArgs {
                config: Some("ctid.toml".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.admin.digest(), Ok(Some([0xab; 32])));
            jail.set_env("CTID_ADMIN__API_KEY_SHA256", "cd".repeat(32));
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.admin.digest(), Ok(Some([0xcd; 32])));
            jail.create_file("bad.toml", "[admin]\napi_key = \"k\"\n")?;
            let args = ConfigArgs {
                config: Some("bad.toml".into()),
                ..Default::default()
            };
            assert!(
                Config::load(&args).is_err(),
                "the key itself is never configured"
            );
            Ok(())
        });
    }

    #[test]
    fn the_asterisk_engine_from_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(&ConfigArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(config.pbx.engine, Engine::Embedded);
            assert_eq!(config.pbx.asterisk.port, 5038);
            jail.create_file(
                "ctid.toml",
                "[pbx]\nengine = \"asterisk\"\n[pbx.asterisk]\nhost = \"10.0.0.5\"\n\
                 username = \"cti\"\nconnect_timeout = 2.5\nauth = \"plain\"\n",
            )?;
            jail.set_env("CTID_PBX__ASTERISK__SECRET", "ctisecret");
            let args = ConfigArgs {
                config: Some("ctid.toml".into()),
                ..Default::default()
            };
            let config = Config::load(&args).map_err(|e| e.to_string())?;
            assert_eq!(config.pbx.engine, Engine::Asterisk);
            let ami = &config.pbx.asterisk;
            assert_eq!(ami.address(), "10.0.0.5:5038");
            assert_eq!(ami.username, "cti");
            assert_eq!(ami.secret, "ctisecret");
            assert_eq!(ami.auth, ctid_pbx_ami::AuthMode::Plain);
            assert_eq!(ami.connect_timeout, Duration::from_millis(2500));
            let shown = config.to_toml().map_err(|e| e.to_string())?;
            assert!(!shown.contains("ctisecret"), "{shown}");
            assert!(shown.contains("secret = \"***\""), "{shown}");
            Ok(())
        });
    }
}
