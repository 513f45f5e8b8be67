//! A synthetic call-centre workload: a dataset of N agents spread over queues, and a
//! time-ordered stream of PBX events for queue calls arriving at a fixed rate, shaped like the
//! AMI streams of `shared/data/ami/` (trunk channel, queue join, member(s) rung, answered, the
//! other rung members cancelled, bridged, hung up, wrap-up). A queue either rings one member per
//! call (the free member that waited longest) or every free member at once (ringall).
//!
//! Deterministic: the same parameters give the same stream, so runs compare.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Duration;

use ctid_core::Timestamp;
use ctid_core::dataset::{
    Agent, Dataset, Line, MAX_QUEUE_CALLERS, Queue, QueueMemberConfig, Strategy, Tables, User,
    UserServices,
};
use ctid_core::ids::{AgentId, BridgeId, LineId, QueueId, UniqueId, UserId};
use ctid_core::live::{ChannelState, DialStatus, Endpoint, Party};
use ctid_core::pbx::{CompleteReason, PbxEvent, PbxSnapshot};

/// Workload parameters.
#[derive(Clone, Debug)]
pub struct WorkloadSpec {
    /// Number of agents (each with a user and a line).
    pub agents: u32,
    /// Agents per queue; each agent belongs to its home queue and the next one.
    pub queue_size: u32,
    /// Queue calls per second of simulated time.
    pub calls_per_sec: u32,
    /// Simulated duration.
    pub duration: Duration,
    /// Seconds a member's phone rings before it answers.
    pub ring: u64,
    /// Seconds of conversation.
    pub talk: u64,
    /// Seconds of wrap-up.
    pub wrapup: u32,
    /// How many members a call rings.
    pub ring_mode: RingMode,
}

/// How many members of a queue a call rings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RingMode {
    /// One member per call: the free member that waited longest (`leastrecent`).
    #[default]
    OneMember,
    /// Every free member of the queue at once; the first rung answers and the others' rings are
    /// cancelled (`ringall`).
    Ringall,
}

impl RingMode {
    /// The queue strategy this mode plays.
    pub fn strategy(self) -> Strategy {
        match self {
            RingMode::OneMember => Strategy::Leastrecent,
            RingMode::Ringall => Strategy::Ringall,
        }
    }
}

impl Default for WorkloadSpec {
    fn default() -> Self {
        WorkloadSpec {
            agents: 1000,
            queue_size: 20,
            calls_per_sec: 100,
            duration: Duration::from_secs(60),
            ring: 1,
            talk: 5,
            wrapup: 2,
            ring_mode: RingMode::OneMember,
        }
    }
}

/// A generated workload.
pub struct Workload {
    /// The world the events happen in.
    pub dataset: Dataset,
    /// Events with the simulated time they happen at, in order.
    pub events: Vec<(Timestamp, PbxEvent)>,
    /// Calls generated.
    pub calls: u64,
    /// Calls that found no free agent within 30 tries (one a second) and were abandoned.
    pub abandoned: u64,
    /// Member phones rung (one per answered call, more with ringall).
    pub rings: u64,
}

const START: Timestamp = Timestamp(1_767_603_600_000);

/// A waiting call looks for a free member again after this long...
const RETRY: Duration = Duration::from_secs(1);
/// ...this many times, then abandons.
const RING_TRIES: u32 = 30;

/// Builds the dataset: users `u<i>` with line `1<i>`, agent `2<i>`, queues `q<k>` numbered `3<k>`.
pub fn dataset(spec: &WorkloadSpec) -> Dataset {
    let queues = spec.agents.div_ceil(spec.queue_size).max(1);
    let hash = Some("$argon2id$v=19$m=64,t=1,p=1$gdBGA8egGOiMuw+abDN6RQ$M4I+b4Slv2h20BIMwZDj5l8voMWJXiX71sUDZ+TbS1Y".to_owned());
    let mut ds = Tables::default();
    for i in 0..spec.agents {
        let id = i + 1;
        ds.users.push(User {
            id: UserId(id),
            uuid: String::new(),
            login: format!("u{id}"),
            password_hash: hash.clone(),
            password: None,
            firstname: format!("User{id}"),
            lastname: "Bench".into(),
            mobile: String::new(),
            line: Some(LineId(id)),
            voicemail: None,
            profile: None,
            cti_enabled: true,
            ring_seconds: None,
            services: UserServices::default(),
            context: "default".into(),
        });
        ds.lines.push(Line {
            id: LineId(id),
            number: format!("1{id:05}"),
            context: "default".into(),
            protocol: "sip".into(),
            name: String::new(),
            enabled: true,
            call_waiting: false,
        });
        ds.agents.push(Agent {
            id: AgentId(id),
            number: format!("2{id:05}"),
            firstname: String::new(),
            lastname: String::new(),
            context: "default".into(),
            user: Some(UserId(id)),
            group: None,
        });
    }
    for k in 0..queues {
        let members = (0..spec.agents)
            .filter(|i| i / spec.queue_size == k || (i / spec.queue_size + 1) % queues == k)
            .map(|i| QueueMemberConfig {
                agent: AgentId(i + 1),
                penalty: 0,
            })
            .collect();
        ds.queues.push(Queue {
            id: QueueId(k + 1),
            name: format!("q{}", k + 1),
            displayname: String::new(),
            number: format!("3{:05}", k + 1),
            context: "default".into(),
            strategy: spec.ring_mode.strategy(),
            members,
            member_timeout: 15,
            retry: 5,
            wrapup: spec.wrapup,
            max_wait: 0,
            joinempty: true,
            leaveempty: false,
            service_level: 60,
            // The workload's own call volume decides how many wait, not the queue's bound.
            max_callers: MAX_QUEUE_CALLERS,
            full_destination: None,
        });
    }
    Dataset::from_tables(ds).expect("the generated dataset is valid")
}

/// A dataset of `users` users (`u<i>`, password `u<i>`, line `1<i>`, one CTI profile), for the
/// CTI load benchmark. The password hash uses cheap argon2 parameters so that logging in
/// thousands of clients measures the server, not the hash.
pub fn cti_dataset(users: u32) -> Dataset {
    login_dataset(users, WorkloadSpec::default().queue_size)
}

/// [`cti_dataset`] with `queue_size` agents per queue (a queue has its members and the next
/// queue's).
pub fn login_dataset(users: u32, queue_size: u32) -> Dataset {
    let mut ds = dataset(&WorkloadSpec {
        agents: users,
        queue_size: queue_size.max(1),
        ..Default::default()
    })
    .into_tables();
    let base: Tables = toml::from_str(
        r##"
[[profiles]]
id = 1
name = "bench"
services = ["enablednd"]
xlets = [{ name = "identity", layout = "grid" }]
[[presence_groups]]
name = "default"
[[presence_groups.statuses]]
name = "available"
longname = "Available"
color = "#08FD20"
allowed = ["available"]
[[presence_groups.statuses]]
name = "disconnected"
longname = "Disconnected"
color = "#202020"
allowed = ["available"]
"##,
    )
    .expect("the bench profile parses");
    ds.profiles = base.profiles;
    ds.presence_groups = base.presence_groups;
    for user in ds.users.iter_mut() {
        user.profile = Some(ctid_core::ids::ProfileId(1));
        user.password_hash = Some(ctid_core::auth::hash_password_cheap(&user.login));
    }
    Dataset::from_tables(ds).expect("the generated dataset is valid")
}

/// A free TCP port on 127.0.0.1 (bound then released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Resident set size of a process, in KiB (Linux `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> std::io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| std::io::Error::other("no VmRSS in /proc status"))
}

/// CPU time (user + system) a process has used so far, in seconds (Linux `/proc/<pid>/stat`,
/// in the kernel's fixed 100 ticks per second).
pub fn cpu_seconds(pid: u32) -> std::io::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => Ok((user + system) as f64 / 100.0),
        _ => Err(std::io::Error::other("no CPU times in /proc stat")),
    }
}

/// Generates the dataset and the event stream.
pub fn generate(spec: &WorkloadSpec) -> Workload {
    let dataset = dataset(spec);
    let mut generator = Generator::new(&dataset, spec.ring_mode);
    // The engine's starting snapshot: every phone registered, the configured memberships.
    let start = PbxSnapshot::idle(&dataset);
    let mut events = vec![(START, PbxEvent::Snapshot(Box::new(start)))];
    for agent in dataset.agents() {
        events.push((
            START,
            PbxEvent::AgentLogin {
                agent: agent.id,
                line: LineId(agent.id.0),
            },
        ));
    }
    let total = spec.calls_per_sec as u64 * spec.duration.as_secs();
    let gap_ms = 1000 / spec.calls_per_sec.max(1) as i64;
    let mut timeline: BinaryHeap<Reverse<(Timestamp, u64, Step)>> = BinaryHeap::new();
    let mut seq = 0u64;
    for k in 0..total {
        let at = Timestamp(START.0 + 1000 + k as i64 * gap_ms);
        let queue = dataset.queues()[(k % dataset.queues().len() as u64) as usize].id;
        timeline.push(Reverse((at, seq, Step::Arrive { call: k, queue })));
        seq += 1;
    }
    let mut abandoned = 0;
    while let Some(Reverse((at, _, step))) = timeline.pop() {
        for (delay, next) in generator.step(at, step, spec, &mut events, &mut abandoned) {
            timeline.push(Reverse((at.plus(delay), seq, next)));
            seq += 1;
        }
    }
    Workload {
        dataset,
        events,
        calls: total,
        abandoned,
        rings: generator.rings,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Arrive {
        call: u64,
        queue: QueueId,
    },
    Ring {
        call: u64,
        queue: QueueId,
        /// Tries so far to find a free member.
        tries: u32,
    },
    Answer {
        call: u64,
        queue: QueueId,
        /// The members rung and their channels; the first answers.
        rung: Vec<(AgentId, u64)>,
    },
    End {
        call: u64,
        queue: QueueId,
        agent: AgentId,
        member: u64,
    },
    WrapupEnd {
        agent: AgentId,
    },
}

struct Generator {
    mode: RingMode,
    /// Member channels created so far (their unique ids' sequence).
    rings: u64,
    free: Vec<VecDeque<AgentId>>,
    busy: Vec<bool>,
    agent_queues: Vec<Vec<QueueId>>,
    waiting: Vec<u32>,
}

impl Generator {
    fn new(ds: &Dataset, mode: RingMode) -> Self {
        let mut agent_queues = vec![Vec::new(); ds.agents().len() + 1];
        let mut free = vec![VecDeque::new(); ds.queues().len() + 1];
        for q in ds.queues() {
            for m in &q.members {
                agent_queues[m.agent.0 as usize].push(q.id);
                free[q.id.0 as usize].push_back(m.agent);
            }
        }
        Generator {
            mode,
            rings: 0,
            free,
            busy: vec![false; ds.agents().len() + 1],
            agent_queues,
            waiting: vec![0; ds.queues().len() + 1],
        }
    }

    fn caller(call: u64) -> UniqueId {
        UniqueId::new(format!("1767603600.{call}"))
    }

    fn member(ring: u64) -> UniqueId {
        UniqueId::new(format!("1767603601.{ring}"))
    }

    fn step(
        &mut self,
        at: Timestamp,
        step: Step,
        spec: &WorkloadSpec,
        out: &mut Vec<(Timestamp, PbxEvent)>,
        abandoned: &mut u64,
    ) -> Vec<(Duration, Step)> {
        let mut emit = |e: PbxEvent| out.push((at, e));
        match step {
            Step::Arrive { call, queue } => {
                let caller = Self::caller(call);
                let number = format!("06{:08}", call % 100_000_000);
                emit(PbxEvent::ChannelCreated {
                    uniqueid: caller.clone(),
                    linkedid: caller.clone(),
                    name: format!("SIP/trunk-{call:08x}"),
                    endpoint: Endpoint::Trunk,
                    caller: Party::new(number.clone(), format!("Caller {call}")),
                    exten: format!("3{:05}", queue.0),
                    state: ChannelState::Ring,
                });
                for (k, v) in [
                    ("XIVO_CONTEXT", "from-extern"),
                    ("XIVO_SRCNUM", number.as_str()),
                    ("USR_ticket", "42"),
                ] {
                    emit(PbxEvent::VarSet {
                        uniqueid: caller.clone(),
                        name: k.into(),
                        value: v.into(),
                    });
                }
                emit(PbxEvent::ChannelStateChanged {
                    uniqueid: caller.clone(),
                    state: ChannelState::Up,
                });
                self.waiting[queue.0 as usize] += 1;
                let count = self.waiting[queue.0 as usize];
                emit(PbxEvent::QueueCallerJoin {
                    queue,
                    uniqueid: caller,
                    position: count,
                    count,
                });
                vec![(
                    Duration::from_millis(200),
                    Step::Ring {
                        call,
                        queue,
                        tries: 0,
                    },
                )]
            }
            Step::Ring { call, queue, tries } => {
                let caller = Self::caller(call);
                let agents = match self.mode {
                    RingMode::OneMember => self.pick(queue).into_iter().collect(),
                    RingMode::Ringall => self.pick_all(queue),
                };
                if agents.is_empty() && tries < RING_TRIES {
                    // Every member is busy or ringing for another call: wait and try again.
                    return vec![(
                        RETRY,
                        Step::Ring {
                            call,
                            queue,
                            tries: tries + 1,
                        },
                    )];
                }
                if agents.is_empty() {
                    *abandoned += 1;
                    self.waiting[queue.0 as usize] -= 1;
                    let count = self.waiting[queue.0 as usize];
                    emit(PbxEvent::QueueCallerAbandon {
                        queue,
                        uniqueid: caller.clone(),
                        position: 1,
                        original_position: 1,
                        hold_time: 0,
                    });
                    emit(PbxEvent::QueueCallerLeave {
                        queue,
                        uniqueid: caller.clone(),
                        count,
                    });
                    emit(PbxEvent::Hangup {
                        uniqueid: caller,
                        cause: 16,
                    });
                    return vec![];
                }
                let mut rung = Vec::with_capacity(agents.len());
                for agent in agents {
                    self.rings += 1;
                    let ring = self.rings;
                    let member = Self::member(ring);
                    rung.push((agent, ring));
                    emit(PbxEvent::ChannelCreated {
                        uniqueid: member.clone(),
                        linkedid: caller.clone(),
                        name: format!("SIP/1{:05}-{ring:08x}", agent.0),
                        endpoint: Endpoint::Line(LineId(agent.0)),
                        caller: Party::new(
                            format!("1{:05}", agent.0),
                            format!("User{} Bench", agent.0),
                        ),
                        exten: "s".into(),
                        state: ChannelState::Down,
                    });
                    emit(PbxEvent::DialBegin {
                        caller: Some(caller.clone()),
                        callee: member.clone(),
                        destination: format!("SIP/1{:05}", agent.0),
                    });
                    emit(PbxEvent::AgentCalled {
                        queue,
                        agent,
                        caller: caller.clone(),
                        destination: member.clone(),
                    });
                    emit(PbxEvent::ConnectedLineChanged {
                        uniqueid: member.clone(),
                        connected: Party::new(
                            format!("06{:08}", call % 100_000_000),
                            format!("Caller {call}"),
                        ),
                    });
                    emit(PbxEvent::ChannelStateChanged {
                        uniqueid: member,
                        state: ChannelState::Ringing,
                    });
                }
                vec![(
                    Duration::from_secs(spec.ring),
                    Step::Answer { call, queue, rung },
                )]
            }
            Step::Answer { call, queue, rung } => {
                let caller = Self::caller(call);
                let (agent, ring) = rung[0];
                let member = Self::member(ring);
                let bridge = BridgeId::new(format!("bridge-{call}"));
                emit(PbxEvent::ChannelStateChanged {
                    uniqueid: member.clone(),
                    state: ChannelState::Up,
                });
                emit(PbxEvent::DialEnd {
                    caller: Some(caller.clone()),
                    callee: member.clone(),
                    status: DialStatus::Answer,
                });
                // Ringall: the other members stop ringing (answered elsewhere) and are free.
                for &(other, other_ring) in &rung[1..] {
                    let other_member = Self::member(other_ring);
                    emit(PbxEvent::DialEnd {
                        caller: Some(caller.clone()),
                        callee: other_member.clone(),
                        status: DialStatus::Cancel,
                    });
                    emit(PbxEvent::Hangup {
                        uniqueid: other_member,
                        cause: 26,
                    });
                    self.release(other);
                }
                self.waiting[queue.0 as usize] -= 1;
                let count = self.waiting[queue.0 as usize];
                emit(PbxEvent::QueueCallerLeave {
                    queue,
                    uniqueid: caller.clone(),
                    count,
                });
                emit(PbxEvent::AgentConnect {
                    queue,
                    agent,
                    caller: caller.clone(),
                    destination: member.clone(),
                    hold_time: spec.ring,
                    ring_time: spec.ring,
                });
                emit(PbxEvent::BridgeEnter {
                    bridge: bridge.clone(),
                    uniqueid: caller,
                });
                emit(PbxEvent::BridgeEnter {
                    bridge,
                    uniqueid: member,
                });
                vec![(
                    Duration::from_secs(spec.talk),
                    Step::End {
                        call,
                        queue,
                        agent,
                        member: ring,
                    },
                )]
            }
            Step::End {
                call,
                queue,
                agent,
                member,
            } => {
                let (caller, member) = (Self::caller(call), Self::member(member));
                let bridge = BridgeId::new(format!("bridge-{call}"));
                emit(PbxEvent::BridgeLeave {
                    bridge: bridge.clone(),
                    uniqueid: member.clone(),
                });
                emit(PbxEvent::BridgeLeave {
                    bridge,
                    uniqueid: caller.clone(),
                });
                emit(PbxEvent::Hangup {
                    uniqueid: member.clone(),
                    cause: 16,
                });
                emit(PbxEvent::AgentComplete {
                    queue,
                    agent,
                    caller: caller.clone(),
                    destination: member,
                    hold_time: spec.ring,
                    talk_time: spec.talk,
                    reason: CompleteReason::Agent,
                });
                emit(PbxEvent::Hangup {
                    uniqueid: caller,
                    cause: 16,
                });
                if spec.wrapup == 0 {
                    self.release(agent);
                    return vec![];
                }
                emit(PbxEvent::AgentWrapupStarted {
                    agent,
                    queue,
                    seconds: spec.wrapup,
                });
                vec![(
                    Duration::from_secs(spec.wrapup as u64),
                    Step::WrapupEnd { agent },
                )]
            }
            Step::WrapupEnd { agent } => {
                emit(PbxEvent::AgentWrapupEnded { agent });
                self.release(agent);
                vec![]
            }
        }
    }

    fn pick(&mut self, queue: QueueId) -> Option<AgentId> {
        let free = &mut self.free[queue.0 as usize];
        while let Some(agent) = free.pop_front() {
            if !self.busy[agent.0 as usize] {
                self.busy[agent.0 as usize] = true;
                return Some(agent);
            }
        }
        None
    }

    /// Every free member of a queue, the one that waited longest first (all now busy ringing).
    fn pick_all(&mut self, queue: QueueId) -> Vec<AgentId> {
        let mut picked = Vec::new();
        while let Some(agent) = self.pick(queue) {
            picked.push(agent);
        }
        picked
    }

    fn release(&mut self, agent: AgentId) {
        self.busy[agent.0 as usize] = false;
        for q in &self.agent_queues[agent.0 as usize] {
            let free = &mut self.free[q.0 as usize];
            free.retain(|a| *a != agent);
            free.push_back(agent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_consistent_stream() {
        let spec = WorkloadSpec {
            agents: 100,
            duration: Duration::from_secs(5),
            calls_per_sec: 10,
            ..Default::default()
        };
        let w = generate(&spec);
        assert_eq!(w.calls, 50);
        assert_eq!(w.abandoned, 0);
        assert!(
            w.events.windows(2).all(|p| p[0].0 <= p[1].0),
            "events are in time order"
        );
        let created = w
            .events
            .iter()
            .filter(|(_, e)| matches!(e, PbxEvent::ChannelCreated { .. }))
            .count();
        let hungup = w
            .events
            .iter()
            .filter(|(_, e)| matches!(e, PbxEvent::Hangup { .. }))
            .count();
        assert_eq!((created, hungup), (100, 100));
        assert_eq!(w.rings, 50, "one member rung per call");
    }

    #[test]
    fn ringall_rings_every_free_member_and_one_answers() {
        let spec = WorkloadSpec {
            agents: 100,
            duration: Duration::from_secs(5),
            calls_per_sec: 10,
            ring_mode: RingMode::Ringall,
            ..Default::default()
        };
        let w = generate(&spec);
        assert!(
            w.dataset
                .queues()
                .iter()
                .all(|q| q.strategy == Strategy::Ringall)
        );
        assert_eq!((w.calls, w.abandoned), (50, 0));
        let count = |f: &dyn Fn(&PbxEvent) -> bool| w.events.iter().filter(|(_, e)| f(e)).count();
        let connected = count(&|e| matches!(e, PbxEvent::AgentConnect { .. }));
        let called = count(&|e| matches!(e, PbxEvent::AgentCalled { .. }));
        let cancelled = count(&|e| {
            matches!(
                e,
                PbxEvent::DialEnd {
                    status: DialStatus::Cancel,
                    ..
                }
            )
        });
        assert_eq!(connected, 50);
        assert_eq!(called as u64, w.rings);
        assert_eq!(cancelled, called - connected);
        // The first call finds every member of its queue free and rings them all.
        let first_queue = &w.dataset.queues()[0];
        let first_call_rings = w
            .events
            .iter()
            .take_while(|(_, e)| !matches!(e, PbxEvent::AgentConnect { .. }))
            .filter(|(_, e)| matches!(e, PbxEvent::AgentCalled { queue, .. } if *queue == first_queue.id))
            .count();
        assert_eq!(first_call_rings, first_queue.members.len());
        let created = count(&|e| matches!(e, PbxEvent::ChannelCreated { .. }));
        let hungup = count(&|e| matches!(e, PbxEvent::Hangup { .. }));
        assert_eq!(created, hungup, "every channel ends");
        assert_eq!(created as u64, 50 + w.rings);
    }
}
