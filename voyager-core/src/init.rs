//! The init journey: the first step of a migration.
//!
//! It explains that assessment comes first, takes the source connection string and checks that
//! it connects, asks where assessments are to be kept (a shared YugabyteDB control plane, or the
//! local UI's default one), and creates the migration dir. It yields questions and takes
//! answers ([`InitJourney`]); [`run`] drives it with every answer given up front.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::{Config, DbSection};
use crate::connection::{ConnectionString, LibpqEnv};
use crate::journey::{Question, QuestionKind, Step};
use crate::migration_dir::{self, MetaInfo, MigrationDir};
use crate::vocabulary::ControlPlaneChoice;
use crate::{Error, Result};

/// The default control plane: the one the local yugabyted UI reads.
pub const LOCAL_CONTROL_PLANE: &str = "postgresql://yugabyte:yugabyte@localhost:5433";

/// The question of fleet_journey.md, word for word.
pub const CONTROL_PLANE_QUESTION: &str =
    "To assess multiple databases, set up a shared YugabyteDB instance to view all assessments together.";

const INTRO: &str = "Migrating to YugabyteDB starts with an assessment: libvoyager reads your \
PostgreSQL database's catalogs, finds what will not work on YugabyteDB, and recommends a cluster \
size. init sets up the migration dir that the assessment and the migration will use.";

/// How long a connection check waits before giving up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The answers to init's questions. Each may be given up front; the ones left out are asked.
#[derive(Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InitAnswers {
    /// The source database's connection string (URI or key=value), as libpq takes it.
    pub source: Option<String>,
    /// The source password, if the connection string, PGPASSWORD and ~/.pgpass lack it. It is
    /// used to connect and never kept.
    pub source_password: Option<String>,
    /// `shared` (a shared YugabyteDB instance) or `local` (the local UI's default). Left out
    /// with `assessment_control_plane` given, it is `shared`; `local` with it is an error.
    pub control_plane: Option<ControlPlaneChoice>,
    /// The shared control plane's connection string (implies `control_plane = "shared"`).
    pub assessment_control_plane: Option<String>,
    /// Where to create the migration dir (default `./<database>-migration`).
    pub migration_dir: Option<String>,
    /// Replace a migration dir that already holds a migration.
    pub force: bool,
    /// Take the default answer of every question that has one instead of failing.
    pub yes: bool,
    /// Start a new migration UUID even when the control plane already knows this source
    /// database. By default init reuses the UUID libvoyager recorded for it (by `init` before,
    /// else by a fleet run), so one database stays one migration; yb-voyager's own migrations
    /// are never taken over.
    pub new_migration_uuid: bool,
}

impl std::fmt::Debug for InitAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::connection::debug_redacted(self, f)
    }
}

/// What init did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InitOutcome {
    pub migration_uuid: Uuid,
    pub migration_dir: PathBuf,
    pub config_file: PathBuf,
    pub export_dir: PathBuf,
    /// The source, redacted (never a password).
    pub source: String,
    pub source_server_version: String,
    /// `shared` or `local`.
    pub control_plane: ControlPlaneChoice,
    /// The control plane's connection string, redacted.
    pub assessment_control_plane: String,
    /// What the journey said along the way, in order.
    pub messages: Vec<String>,
    /// What happened to what was there before (an earlier migration moved aside, an interrupted
    /// command's leftovers recovered); also in `messages`.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The command to run next.
    pub next_step: String,
}

/// The init journey as a state machine: call [`next`](crate::journey::Journey::next) until it is done, answering
/// each question it asks with [`answer`](crate::journey::Journey::answer).
pub struct InitJourney {
    answers: InitAnswers,
    env: LibpqEnv,
    said_intro: bool,
    source: Option<VerifiedSource>,
    control_plane_checked: bool,
    messages: Vec<String>,
    /// The migration dir's lock, taken as soon as the dir is known, so concurrent inits of one
    /// dir cannot all go ahead.
    dir_lock: Option<(String, migration_dir::DirLock)>,
}

struct VerifiedSource {
    conn: ConnectionString,
    server_version: String,
    system_identifier: Option<String>,
}

impl InitJourney {
    /// A journey with `answers` given so far, resolving connections with libpq's `env`
    /// (`PG*` variables, `~/.pgpass`) and `SOURCE_DB_PASSWORD` from it.
    pub fn new(answers: InitAnswers, env: LibpqEnv) -> Self {
        InitJourney {
            answers,
            env,
            said_intro: false,
            source: None,
            control_plane_checked: false,
            messages: Vec::new(),
            dir_lock: None,
        }
    }

    /// Answer the question with id `id`. The answer is checked against the question (a choice
    /// must be one of its choices; a connection string must parse); a connection is verified
    /// by the next call to [`next`](Self::next).
    fn take_answer(&mut self, id: &str, value: &str) -> Result<()> {
        let question = self.question(id)?;
        let value = question.accept(value)?;
        match id {
            "source" => {
                ConnectionString::parse(&value)?;
                self.answers.source = Some(value);
                self.source = None;
            }
            "source_password" => {
                self.answers.source_password = Some(value);
                self.source = None;
            }
            "control_plane" => {
                self.answers.control_plane = Some(value.parse()?);
                self.control_plane_checked = false;
            }
            "assessment_control_plane" => {
                ConnectionString::parse(&value)?;
                self.answers.assessment_control_plane = Some(value);
                self.control_plane_checked = false;
            }
            "migration_dir" => self.answers.migration_dir = Some(value),
            other => return Err(Error::internal(format!("init question '{other}' has no answer slot"))),
        }
        Ok(())
    }

    /// The question with id `id`, as init asks it now (its default may depend on earlier answers).
    pub fn question(&self, id: &str) -> Result<Question> {
        let q = match id {
            "source" => Question::text(
                "source",
                "Source PostgreSQL connection string (for example postgresql://user@host:5432/dbname):",
                "--source-db-connection-string",
            ),
            "source_password" => Question::text("source_password", "Source database password:", "--source-db-password")
                .with_kind(QuestionKind::Secret)
                .with_env("SOURCE_DB_PASSWORD"),
            "control_plane" => Question::text("control_plane", CONTROL_PLANE_QUESTION, "--control-plane")
                .with_choices_of(ControlPlaneChoice::ALL)
                .with_default(ControlPlaneChoice::Local.as_str()),
            "assessment_control_plane" => Question::text(
                "assessment_control_plane",
                "Connection string of the shared YugabyteDB instance (for example postgresql://yugabyte@yb-host:5433/yugabyte):",
                "--assessment-control-plane",
            ),
            "migration_dir" => {
                let q = Question::text("migration_dir", "Migration dir to create:", "--migration-dir");
                match &self.source {
                    Some(s) => q.with_default(format!("./{}-migration", sanitize_dir_name(s.conn.dbname()))),
                    None => q,
                }
            }
            other => {
                return Err(Error::invalid_argument(format!(
                    "init has no question '{other}': it asks source, source_password, control_plane, \
                     assessment_control_plane, migration_dir"
                )))
            }
        };
        Ok(q)
    }

    /// Go on as far as the answers allow: say something, ask the next question, or finish.
    ///
    /// A connection check that fails returns the error and forgets that answer, so the same
    /// question is asked again.
    async fn go_on(&mut self) -> Result<Step<InitOutcome>> {
        // The one rule on every front: a shared control plane's address alone means shared
        // (and with local it is refused, before anything is touched).
        self.answers.control_plane = ControlPlaneChoice::from_answers(
            self.answers.control_plane,
            self.answers.assessment_control_plane.as_deref(),
        )?;
        if let Some(dir) = self.answers.migration_dir.clone() {
            if self.dir_lock.as_ref().is_none_or(|(locked, _)| *locked != dir) {
                self.dir_lock = None;
                match migration_dir::lock_migration_dir(std::path::Path::new(&dir)) {
                    Ok(Some(lock)) => self.dir_lock = Some((dir, lock)),
                    Ok(None) => {}
                    Err(e) => {
                        self.answers.migration_dir = None;
                        return Err(e);
                    }
                }
            }
        }
        if !self.said_intro {
            self.said_intro = true;
            return Ok(self.say(INTRO.to_string()));
        }
        if self.source.is_none() {
            let Some(text) = self.answers.source.clone() else {
                return Ok(Step::Ask {
                    question: self.question("source")?,
                });
            };
            match self.verify_source(&text).await {
                Ok(verified) => {
                    let message = format!(
                        "Connected to the source {} (PostgreSQL {}).",
                        verified.conn.redacted(),
                        verified.server_version
                    );
                    self.source = Some(verified);
                    return Ok(self.say(message));
                }
                Err(e) if needs_password(&e) && !self.has_source_password(&text) => {
                    return Ok(Step::Ask {
                        question: self.question("source_password")?,
                    });
                }
                Err(e) => {
                    self.answers.source = None;
                    self.answers.source_password = None;
                    return Err(e);
                }
            }
        }
        let Some(choice) = self.answers.control_plane else {
            return Ok(Step::Ask {
                question: self.question("control_plane")?,
            });
        };
        if choice == ControlPlaneChoice::Shared && !self.control_plane_checked {
            let Some(text) = self.answers.assessment_control_plane.clone() else {
                return Ok(Step::Ask {
                    question: self.question("assessment_control_plane")?,
                });
            };
            let conn = ConnectionString::parse(&text)?.resolve(&self.env);
            if let Err(e) = conn.connect(CONNECT_TIMEOUT).await {
                self.answers.assessment_control_plane = None;
                return Err(e.context("the shared control plane did not answer"));
            }
            self.control_plane_checked = true;
            return Ok(self.say(format!("Connected to the control plane {}.", conn.redacted())));
        }
        let Some(dir) = self.answers.migration_dir.clone() else {
            return Ok(Step::Ask {
                question: self.question("migration_dir")?,
            });
        };
        let known = self.known_migration().await;
        match self.create(PathBuf::from(dir), known) {
            Ok(outcome) => Ok(Step::Done { outcome }),
            Err(e) => {
                // Forget the directory so it is asked again.
                self.answers.migration_dir = None;
                Err(e)
            }
        }
    }

    fn say(&mut self, message: String) -> Step<InitOutcome> {
        self.messages.push(message.clone());
        Step::Say { message }
    }

    async fn verify_source(&self, text: &str) -> Result<VerifiedSource> {
        let mut conn = ConnectionString::parse(text)?.resolve(&self.env);
        if let Some(password) = self.source_password() {
            conn.set_password(Some(password));
        }
        let client = conn.connect(CONNECT_TIMEOUT).await?;
        let row = client
            .query_one(
                "SELECT pg_catalog.current_setting('server_version') AS server_version",
                &[],
            )
            .await
            .map_err(|e| {
                Error::connection(format!(
                    "{}: {}",
                    conn.redacted(),
                    crate::connection::redact(&e.to_string())
                ))
            })?;
        let server_version: String = row
            .try_get("server_version")
            .map_err(|e| Error::connection(format!("{}: {e}", conn.redacted())))?;
        let system_identifier = crate::assessment::collect::system_identifier(&client).await;
        Ok(VerifiedSource {
            conn,
            server_version,
            system_identifier,
        })
    }

    /// Whether any password reaches the source connection: in the string, as an answer, from
    /// SOURCE_DB_PASSWORD, PGPASSWORD or ~/.pgpass. Without one, a server asking for a password
    /// is answered by asking the user; with a wrong one, the error is reported as it is.
    fn has_source_password(&self, text: &str) -> bool {
        self.source_password().is_some()
            || ConnectionString::parse(text)
                .map(|c| c.resolve(&self.env).has_password())
                .unwrap_or(false)
    }

    /// The password answer, else SOURCE_DB_PASSWORD from the environment.
    fn source_password(&self) -> Option<String> {
        self.answers
            .source_password
            .clone()
            .or_else(|| self.env.var("SOURCE_DB_PASSWORD").map(str::to_string))
    }

    /// The migration UUID the control plane already has for this source, unless a new one is
    /// asked for. A control plane that cannot be read means none is known (said, when shared).
    async fn known_migration(&mut self) -> Option<Uuid> {
        if self.answers.new_migration_uuid {
            return None;
        }
        let source = self.source.as_ref()?;
        let shared = self.answers.control_plane == Some(ControlPlaneChoice::Shared);
        let address = if shared {
            self.answers.assessment_control_plane.clone()?
        } else {
            LOCAL_CONTROL_PLANE.to_string()
        };
        let looked_up = async {
            let cp = crate::control_plane::ControlPlane::open_with_env(&address, &self.env).await?;
            cp.known_migration(
                source.system_identifier.as_deref(),
                source.conn.host(),
                source.conn.port(),
                source.conn.dbname(),
            )
            .await
        }
        .await;
        match looked_up {
            Ok(found) => found,
            Err(e) => {
                tracing::debug!("could not look up the source in the control plane: {}", e.message());
                if shared {
                    self.messages.push(format!(
                        "Could not look up this database in the control plane ({}): it gets a new migration UUID.",
                        e.message()
                    ));
                }
                None
            }
        }
    }

    fn create(&mut self, dir: PathBuf, known: Option<Uuid>) -> Result<InitOutcome> {
        let source = self
            .source
            .as_ref()
            .ok_or_else(|| Error::internal("init created a migration dir before verifying the source"))?;
        let shared = self.answers.control_plane == Some(ControlPlaneChoice::Shared);
        let control_plane = if shared {
            self.answers.assessment_control_plane.clone().unwrap_or_default()
        } else {
            LOCAL_CONTROL_PLANE.to_string()
        };
        let migration_uuid = known.unwrap_or_else(Uuid::new_v4);
        if let Some(uuid) = known {
            self.messages.push(format!(
                "The control plane already knows {} as migration {uuid}: this migration dir continues it \
                 (give --new-migration-uuid to start another).",
                source.conn.redacted()
            ));
        }
        let final_root = migration_dir::absolute(&dir)?;
        let final_dir = MigrationDir::new(&final_root);
        let conn = &source.conn;

        let created = create_migration_dir(
            &final_root,
            self.answers.force,
            self.dir_lock.take().map(|(_, lock)| lock),
            conn,
            shared.then_some(control_plane.as_str()),
            migration_uuid,
        )?;
        self.messages.extend(created.notes.iter().cloned());

        let config_file = final_dir.config_file();
        let next_step = format!("voyager assess-migration --config-file {}", config_file.display());
        self.messages.push(format!(
            "Created the migration dir {} for migration {migration_uuid}. Next, assess the source: {next_step}",
            final_root.display()
        ));
        let redacted_cp = ConnectionString::parse(&control_plane)
            .map(|c| c.redacted())
            .unwrap_or_else(|_| crate::connection::redact(&control_plane));
        Ok(InitOutcome {
            migration_uuid,
            migration_dir: final_root,
            config_file,
            export_dir: final_dir.export_dir(),
            source: conn.redacted(),
            source_server_version: source.server_version.clone(),
            control_plane: if shared {
                ControlPlaneChoice::Shared
            } else {
                ControlPlaneChoice::Local
            },
            assessment_control_plane: redacted_cp,
            messages: std::mem::take(&mut self.messages),
            notes: created.notes,
            next_step,
        })
    }
}

/// The config's `source` section for a verified connection: everything but the password.
pub fn source_section(conn: &ConnectionString) -> DbSection {
    DbSection {
        db_type: Some("postgresql".into()),
        db_host: Some(conn.host().to_string()),
        db_port: Some(conn.port()),
        db_name: Some(conn.dbname().to_string()),
        db_user: Some(conn.user().to_string()),
        ssl_mode: Some(conn.sslmode().as_str().to_string()),
        ssl_root_cert: conn.sslrootcert().map(str::to_string),
        ..Default::default()
    }
}

/// Create a migration dir (config file with the source and, if given, the control plane; the
/// export dir; metainfo with `migration_uuid`) atomically: staged, then renamed into place.
pub(crate) fn create_migration_dir(
    root: &std::path::Path,
    force: bool,
    held: Option<migration_dir::DirLock>,
    conn: &ConnectionString,
    control_plane: Option<&str>,
    migration_uuid: Uuid,
) -> Result<migration_dir::Created> {
    let final_dir = MigrationDir::new(root);
    migration_dir::create_atomically_holding(root, force, held, |staging| {
        let mut config = Config::new(staging.config_file())?;
        config.set("export-dir", final_dir.export_dir().display().to_string().into())?;
        config.set("log-level", "info".into())?;
        config.set_db_section("source", &source_section(conn))?;
        if let Some(cp) = control_plane {
            config.set_control_plane(cp)?;
        }
        config.save()?;
        for sub in ["assessment/reports", "logs"] {
            let path = staging.export_dir().join(sub);
            std::fs::create_dir_all(&path).map_err(|e| Error::io("create directory", &path, &e))?;
        }
        let mut meta = MetaInfo::new(migration_uuid);
        meta.source = Some(migration_dir::source_key(conn.host(), conn.port(), conn.dbname()));
        meta.steps.insert("init".into(), chrono::Utc::now());
        staging.write_metainfo(&meta)?;
        let record = crate::meta_db::Record {
            migration_uuid,
            source: crate::meta_db::SourceConf::from_connection(conn, &[]),
            assessment_done: false,
        };
        crate::meta_db::write(&staging.export_dir(), &record)
    })
}

/// Whether a failed connection would succeed with a password we do not have yet: the server
/// asked for one (a structured reason, never the message's text).
fn needs_password(err: &Error) -> bool {
    err.reason() == crate::error::Reason::PasswordMissing
}

/// A database name made safe as a directory name (no separators, no leading dot).
pub(crate) fn sanitize_dir_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        "source".into()
    } else {
        cleaned.to_string()
    }
}

/// Run init with every answer given up front (questions with a default take it when
/// `answers.yes`); a missing answer is a `MissingAnswer` error naming its flag.
pub async fn run(answers: InitAnswers) -> Result<InitOutcome> {
    run_with_env(answers, LibpqEnv::from_process()).await
}

/// [`run`] with an explicit libpq environment.
pub async fn run_with_env(answers: InitAnswers, env: LibpqEnv) -> Result<InitOutcome> {
    let yes = answers.yes;
    crate::journey::run_to_end(InitJourney::new(answers, env), yes).await
}

impl crate::journey::Journey for InitJourney {
    type Outcome = InitOutcome;
    async fn next(&mut self) -> Result<Step<InitOutcome>> {
        self.go_on().await
    }
    fn answer(&mut self, id: &str, value: &str) -> Result<()> {
        self.take_answer(id, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::Journey;
    use crate::ErrorKind;

    #[test]
    fn only_the_reason_says_a_password_is_needed() {
        // A user or database named "password" changes nothing: the text is never read.
        let named =
            Error::connection("could not connect to h:5432/password as password: database 'password' does not exist")
                .with_reason(crate::error::Reason::DatabaseMissing);
        assert!(!needs_password(&named));
        let asked =
            Error::connection("could not connect to h:5432/db as u").with_reason(crate::error::Reason::PasswordMissing);
        assert!(needs_password(&asked));
    }

    #[test]
    fn dir_names_from_database_names_are_safe() {
        assert_eq!(sanitize_dir_name("db1"), "db1");
        assert_eq!(sanitize_dir_name("../etc"), "_etc");
        assert_eq!(sanitize_dir_name("a/b"), "a_b");
        assert_eq!(sanitize_dir_name("..."), "source");
        assert_eq!(sanitize_dir_name("Ünïcode db"), "Ünïcode db");
    }

    #[test]
    fn answers_are_checked_when_given() {
        let mut j = InitJourney::new(InitAnswers::default(), LibpqEnv::empty());
        assert_eq!(
            j.answer("control_plane", "cloud").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(j.answer("nope", "x").unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(
            j.answer("source", "postgresql://[oops").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        j.answer("control_plane", "Shared").unwrap();
        assert_eq!(j.answers.control_plane, Some(ControlPlaneChoice::Shared));
    }

    #[test]
    fn answers_json_rejects_unknown_fields() {
        let err = serde_json::from_str::<InitAnswers>(r#"{"sourse": "x"}"#).unwrap_err();
        assert!(err.to_string().contains("sourse"));
    }
}
