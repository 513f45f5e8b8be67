//! The generated configuration: golden files for the demo dataset (rewrite them with
//! `CTID_UPDATE_GOLDEN=1` after a deliberate change, and read the diff), every configured
//! line, queue, agent, box and room present (demo and lab datasets), every line of every file
//! in Asterisk's config syntax, bad names refused.

use std::path::PathBuf;

use ctid_core::Dataset;

use super::*;

fn ami() -> AmiConfig {
    AmiConfig {
        username: "ctid".into(),
        secret: "s3cret-for-tests".into(),
        ..AmiConfig::default()
    }
}

fn options() -> Options {
    Options {
        phone_secret_key: "golden-key".into(),
        ..Options::default()
    }
}

fn lab() -> Dataset {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lab.toml");
    Dataset::load(path.as_ref()).expect("the lab dataset loads")
}

fn file<'a>(files: &'a [ConfFile], name: &str) -> &'a str {
    &files.iter().find(|f| f.name == name).expect(name).text
}

#[test]
fn the_demo_dataset_writes_the_golden_files() {
    let files = generate(&Dataset::demo(), &ami(), &options()).expect("the demo generates");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/asterisk-config/demo");
    let update = std::env::var_os("CTID_UPDATE_GOLDEN").is_some();
    for f in &files {
        let path = dir.join(f.name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &f.text).unwrap();
        }
        let golden = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (CTID_UPDATE_GOLDEN=1 writes it)", path.display()));
        assert_eq!(f.text, golden, "{} differs from its golden file", f.name);
    }
    assert_eq!(files.len(), 8);
}

/// Every line is a section, `key = value`, `key => value`, a ` same => ` continuation, a
/// comment or empty.
fn assert_asterisk_syntax(name: &str, text: &str) {
    for (n, line) in text.lines().enumerate() {
        let ok = line.is_empty()
            || line.starts_with(';')
            || line.starts_with(" same => n")
            || (line.starts_with('[') && (line.ends_with(']') || line.contains("](")))
            || line.split_once(" = ").is_some_and(|(k, _)| is_key(k))
            || line.split_once(" => ").is_some_and(|(k, _)| is_key(k));
        assert!(ok, "{name} line {}: {line:?}", n + 1);
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-*".contains(c))
}

fn assert_everything_configured_appears(dataset: &Dataset) {
    let files = generate(dataset, &ami(), &options()).expect("generates");
    for f in &files {
        assert_asterisk_syntax(f.name, &f.text);
    }
    let ext = file(&files, "extensions.conf");
    for line in dataset.lines() {
        let hint = format!("exten => {},hint,{}\n", line.number, line.interface());
        assert!(ext.contains(&hint), "no hint for line {}", line.number);
        let peers = if line.protocol.eq_ignore_ascii_case("pjsip") {
            file(&files, "pjsip.conf")
        } else {
            file(&files, "sip.conf")
        };
        assert!(
            peers.contains(&format!("\n[{}]\n", line.name)),
            "no peer for line {}",
            line.number
        );
        assert!(peers.contains(&phone_secret("golden-key", line)));
    }
    for queue in dataset.queues() {
        assert!(file(&files, "queues.conf").contains(&format!("\n[{}]\n", queue.name)));
        assert!(ext.contains(&format!(
            "exten => {},1,Answer()\n same => n,Queue({},",
            queue.number, queue.name
        )));
        for member in &queue.members {
            let agent = dataset.agent(member.agent).unwrap();
            assert!(
                file(&files, "queues.conf").contains(&format!(
                    "member => Local/{n}@agents/n,{p},Agent/{n},Agent:{n}\n",
                    n = agent.number,
                    p = member.penalty
                )),
                "queue {} member {}",
                queue.name,
                agent.number
            );
        }
    }
    for agent in dataset.agents() {
        assert!(
            file(&files, "agents.conf").contains(&format!("\n[{}](ctid-agent)\n", agent.number))
        );
        assert!(ext.contains(&format!(
            "exten => {n},1,AgentRequest({n})",
            n = agent.number
        )));
        assert!(ext.contains(&format!(
            "exten => *31{n},1,Answer()\n same => n,AgentLogin({n},s)",
            n = agent.number
        )));
        assert!(ext.contains(&format!("exten => *32{},1,", agent.number)));
    }
    for vm in dataset.voicemails() {
        assert!(file(&files, "voicemail.conf").contains(&format!("\n{m} => {m},", m = vm.mailbox)));
        assert!(ext.contains(&format!("VoiceMail({}@{},u)", vm.mailbox, vm.context)));
    }
    for room in dataset.rooms() {
        assert!(ext.contains(&format!(
            "ConfBridge({},ctid_bridge,ctid_user,ctid_menu)",
            room.number
        )));
    }
    // The services dialplan reads every key the adapter writes.
    for key in [
        "dnd",
        "incallfilter",
        "vm_enabled",
        "fwd_unc",
        "fwd_busy",
        "fwd_rna",
    ] {
        assert!(
            ext.contains(&format!("${{CTID_DB}}/{key})")),
            "{key} is not read"
        );
    }
    let manager = file(&files, "manager.conf");
    assert!(manager.contains("\n[ctid]\nsecret = s3cret-for-tests\n"));
    assert!(manager.contains("\nport = 5038\n"));
}

#[test]
fn every_configured_object_appears_in_the_demo_configuration() {
    assert_everything_configured_appears(&Dataset::demo());
}

#[test]
fn every_configured_object_appears_in_the_lab_configuration() {
    assert_everything_configured_appears(&lab());
    // The same phones on chan_pjsip.
    let mut tables = lab().into_tables();
    for line in &mut tables.lines {
        line.protocol = "pjsip".into();
    }
    let pjsip = Dataset::from_tables(tables).expect("valid");
    assert_everything_configured_appears(&pjsip);
    let files = generate(&pjsip, &ami(), &options()).unwrap();
    assert!(file(&files, "pjsip.conf").contains("\ntype = aor\n"));
    assert!(file(&files, "extensions.conf").contains("exten => 1001,hint,PJSIP/1001\n"));
}

#[test]
fn a_name_that_would_break_a_file_is_refused_with_the_object_named() {
    let mut tables = Dataset::demo().into_tables();
    tables.lines[1].name = "1002]\n[evil".into();
    let dataset = Dataset::from_tables(tables).expect("the core accepts the name");
    let err = generate(&dataset, &ami(), &options()).unwrap_err();
    assert!(
        matches!(&err, GenerateError::BadName { what, .. } if what == "line 2 peer name"),
        "{err}"
    );
}

#[test]
fn an_ami_user_without_a_secret_is_refused() {
    let err = generate(
        &Dataset::demo(),
        &AmiConfig {
            secret: String::new(),
            ..ami()
        },
        &options(),
    )
    .unwrap_err();
    assert!(matches!(err, GenerateError::Missing(_)), "{err}");
}

#[test]
fn phone_secrets_follow_the_key_and_differ_by_line() {
    let d = Dataset::demo();
    let (a, b) = (&d.lines()[0], &d.lines()[1]);
    assert_eq!(phone_secret("k", a), phone_secret("k", a));
    assert_ne!(phone_secret("k", a), phone_secret("k", b));
    assert_ne!(phone_secret("k", a), phone_secret("other", a));
    assert_eq!(phone_secret("k", a).len(), 24);
}
