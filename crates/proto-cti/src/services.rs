//! `featuresput`: do-not-disturb, call filtering, recording, voicemail and forwards. Each change
//! goes to the core; the answer is the push `getlist updateconfig users` with only the changed
//! keys (rendered from the core's `UserServices` event), as in the protocol document. A change
//! that changes nothing (no event) is answered directly with the same message.

use ctid_core::Command;
use ctid_core::ids::UserId;
use ctid_core::live::{ForwardKind, ServiceChange};

use crate::errors::command_error;
use crate::render::user_services_patch;
use crate::session::{Session, SessionEnd};
use crate::wire::input::{Feature, FeaturesPut};
use crate::wire::lenient::{Flag, Id};
use crate::wire::output::ObjectReply;

fn forward(kind: ForwardKind, enabled: Option<Flag>, dest: Option<Id>) -> Option<ServiceChange> {
    (enabled.is_some() || dest.is_some()).then(|| ServiceChange::Forward {
        kind,
        enabled: enabled.map(|f| f.0),
        destination: dest.map(|d| d.0),
    })
}

/// Serves `featuresput`.
pub(crate) async fn featuresput(s: &mut Session, m: FeaturesPut) -> Result<(), SessionEnd> {
    let target = match &m.target {
        None => s.user,
        Some(t) => match t.as_u32() {
            Some(id) => UserId(id),
            None => return s.error("featuresput", "invalid_field:target").await,
        },
    };
    let changes: Vec<ServiceChange> = match m.feature {
        Feature::Dnd(on) => vec![ServiceChange::Dnd(on)],
        Feature::IncallFilter(on) => vec![ServiceChange::IncallFilter(on)],
        Feature::Recording(on) => vec![ServiceChange::Recording(on)],
        Feature::Voicemail(on) => vec![ServiceChange::Voicemail(on)],
        Feature::Forward(v) => [
            forward(ForwardKind::Unconditional, v.enableunc, v.destunc),
            forward(ForwardKind::NoAnswer, v.enablerna, v.destrna),
            forward(ForwardKind::Busy, v.enablebusy, v.destbusy),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    if changes.is_empty() {
        return s.error("featuresput", "missing_field:value").await;
    }
    for change in changes {
        // A change that changes nothing produces no push: answer it directly then.
        let before = s
            .core
            .read(move |st| st.user_services(target).cloned())
            .await
            .ok()
            .flatten();
        let result = s
            .core
            .execute(Command::SetService {
                requester: s.user,
                target,
                change: change.clone(),
            })
            .await;
        if let Err(e) = result {
            return s.error("featuresput", &command_error(&e, "")).await;
        }
        if let Some(mut services) = before
            && !change.apply(&mut services)
        {
            let tid = target.to_string();
            s.reply(&ObjectReply::config(
                "users",
                &tid,
                user_services_patch(&services, &[change.service()]),
            ))
            .await?;
        }
    }
    Ok(())
}
