//! Dispatch of a session's `web` commands to their families: [`crate::phone`] (calls, services,
//! presence), [`crate::agent`] (agents, live queue statistics), [`crate::lists`] (`getList`,
//! `getConfig`, `getAgentDirectory`), [`crate::queues`] (windowed statistics, waiting calls)
//! [`crate::hints`] (phone hints), [`crate::conference`] (room commands) and [`crate::history`]
//! (call history). Commands act for the session's
//! user only; the core checks rights (a supervisor may act on other agents). A successful
//! command gets no reply: the events it causes are the answer, as with XuC.

use crate::session::{Kicked, Session};
use crate::wire::input::WebCommand;
use crate::{agent, conference, hints, history, lists, phone, queues};

/// Serves one command.
pub(crate) async fn serve(s: &mut Session, command: WebCommand) -> Result<(), Kicked> {
    use WebCommand as W;
    match command {
        W::Dial {
            destination,
            variables,
        } => phone::dial(s, destination, variables).await,
        W::Answer { unique_id } => phone::answer(s, unique_id).await,
        W::Hangup { unique_id } => phone::hangup(s, unique_id).await,
        W::Hold { unique_id } => phone::hold(s, unique_id).await,
        W::DirectTransfer { destination } => phone::direct_transfer(s, destination).await,
        W::AttendedTransfer { destination } => phone::attended_transfer(s, destination).await,
        W::CompleteTransfer => phone::complete_transfer(s).await,
        W::CancelTransfer => phone::cancel_transfer(s).await,
        W::Dnd { state } => phone::dnd(s, state).await,
        W::Forward {
            kind,
            state,
            destination,
        } => phone::forward(s, kind, state, destination).await,
        W::UserStatus { status } => phone::user_status(s, status).await,
        W::CurrentCalls => phone::current_calls(s).await,
        W::AgentLogin { agent, phone } => agent::login(s, agent, phone).await,
        W::AgentLogout { agent } => agent::logout(s, agent).await,
        W::PauseAgent { agent, reason } => agent::pause(s, agent, true, reason).await,
        W::UnpauseAgent { agent } => agent::pause(s, agent, false, None).await,
        W::GetAgentStates => agent::states(s).await,
        W::SubscribeToAgentEvents => agent::subscribe_events(s).await,
        W::SubscribeToQueueStats => agent::subscribe_queue_stats(s).await,
        W::GetList { object } => lists::get_list(s, object).await,
        W::GetLineConfig => lists::line_config(s).await,
        W::GetAgentDirectory => lists::agent_directory(s).await,
        W::CallHistory { of } => history::call_history(s, of).await,
        W::GetQueueStatistics {
            queue,
            window,
            xqos,
        } => queues::statistics(s, queue, window, xqos).await,
        W::SubscribeToQueueCalls { queue } => queues::subscribe_calls(s, queue).await,
        W::UnsubscribeToQueueCalls { queue } => queues::unsubscribe_calls(s, queue).await,
        W::SubscribeToPhoneHints { numbers } => hints::subscribe(s, numbers).await,
        W::UnsubscribeFromAllPhoneHints => hints::unsubscribe_all(s).await,
        W::SetAgentQueue {
            agent,
            queue,
            penalty,
        } => agent::set_queue(s, agent, queue, Some(penalty)).await,
        W::RemoveAgentFromQueue { agent, queue } => agent::set_queue(s, agent, queue, None).await,
        W::DialFromMobile {
            destination,
            variables,
        } => phone::dial_from_mobile(s, destination, variables).await,
        W::DialByUsername {
            username,
            variables,
        } => phone::dial_by_username(s, username, variables).await,
        W::Originate { destination } => phone::originate(s, destination).await,
        W::Conference => phone::conference(s).await,
        W::SetData { variables } => phone::set_data(s, variables).await,
        W::SendDtmf { key } => phone::send_dtmf(s, key).await,
        W::ListenAgent { agent } => agent::listen(s, agent).await,
        W::ConferenceCommand {
            action,
            room,
            index,
        } => conference::command(s, action, &room, index).await,
    }
}
