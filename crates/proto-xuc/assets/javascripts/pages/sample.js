/*
 * The sample application (/sample): every part of the XuC JavaScript API a user or an agent
 * needs, driven through cti.js only (the page works the same with XuC's own cti.js): log in
 * with a password or a REST token, the user's line, presence and services, call control, the
 * agent, queue statistics, and a log of every message as it arrives.
 */
(function () {
    "use strict";

    var P = CtidPages;
    var LOG_MAX = 500;

    var state = {
        token: null,
        user: null,         // the last UserConfigUpdate
        statuses: [],       // UsersStatuses
        calls: {},          // uniqueId → last PhoneEvent
        queues: {},         // queueId → {name, counters: {statName: value}}
        lineNumber: null
    };

    // ------------------------------------------------------------------ the event log
    var logCount = 0;

    function logMessage(msgType, payload) {
        logCount++;
        P.setText("log-count", logCount);
        var json = JSON.stringify(payload);
        var item = P.h("li", { "data-type": msgType }, [
            P.h("time", {}, [P.clock(new Date())]),
            P.h("b", {}, [msgType]),
            P.h("code", {}, [json === undefined ? "" : json])
        ]);
        applyFilter(item);
        var log = P.byId("log");
        log.insertBefore(item, log.firstChild);
        while (log.children.length > LOG_MAX) {
            log.removeChild(log.lastChild);
        }
    }

    function applyFilter(item) {
        var filter = P.byId("log-filter").value.trim().toLowerCase();
        item.hidden = filter !== "" && item.textContent.toLowerCase().indexOf(filter) < 0;
    }

    function logEveryType(types) {
        Object.keys(types).forEach(function (key) {
            var msgType = types[key];
            Cti.setHandler(msgType, function (payload) {
                logMessage(msgType, payload);
            });
        });
    }

    // ------------------------------------------------------------------ session
    function setLink(status) {
        var node = P.byId("link-status");
        node.textContent = status;
        node.setAttribute("data-status", status);
        var open = status === "opened";
        P.byId("btn-logout").disabled = !open;
        P.byId("btn-password-login").disabled = open || status === "connecting";
        P.byId("btn-token-login").disabled = open || status === "connecting";
    }

    function loginError(message) {
        P.setText("login-error", message);
    }

    function connect(url, username, phone) {
        loginError("");
        setLink("connecting");
        state.lineNumber = phone || null;
        Cti.WebSocket.init(url, username, phone);
        Callback.init(Cti);
        Membership.init(Cti);
    }

    function passwordLogin(event) {
        event.preventDefault();
        state.token = null;
        P.setText("token-info", "");
        var login = P.byId("login").value.trim();
        var phone = P.byId("phone").value.trim();
        connect(P.passwordUrl(login, phone, P.byId("password").value), login, phone);
    }

    function tokenLogin() {
        var login = P.byId("login").value.trim();
        var phone = P.byId("phone").value.trim();
        loginError("");
        setLink("connecting");
        P.login(login, P.byId("password").value).then(function (credentials) {
            state.token = credentials.token;
            P.setText("token-info", "token for " + credentials.login + ", valid " + credentials.TTL + " s");
            connect(P.tokenUrl(credentials.token), credentials.login, phone);
        }, function (error) {
            setLink("closed");
            loginError(error.message);
        });
    }

    function logout() {
        Cti.close();
        if (state.token) {
            P.logout(state.token).catch(function () { /* already gone */ });
            state.token = null;
            P.setText("token-info", "");
        }
    }

    function onLoggedOn() {
        setLink("opened");
        state.calls = {};
        renderCalls();
        Cti.getCurrentCallsPhoneEvents();
        Cti.getList("queue");
        Cti.subscribeToQueueStats();
        Cti.getConfig("line");
    }

    function onLink(event) {
        setLink(event.status === "opened" ? "connecting" : event.status);
        if (event.status === "closed") {
            P.byId("presence").disabled = true;
            P.byId("dnd").disabled = true;
        }
    }

    function onLoggedOnError(event) {
        loginError(event.message || event.Error || "login failed");
    }

    // ------------------------------------------------------------------ user, line, services
    function onUserConfig(config) {
        state.user = config;
        if (config.fullName !== null && config.fullName !== undefined) {
            P.setText("user-name", config.fullName);
        }
        P.setText("user-id", config.userId);
        renderLine();
        P.setText("agent-id", config.agentId ? config.agentId : "no agent");
        var dnd = P.byId("dnd");
        dnd.disabled = false;
        dnd.checked = !!config.dndEnabled;
        [["unc", "uncFwd"], ["na", "naFwd"], ["busy", "busyFwd"]].forEach(function (pair) {
            if (config[pair[1] + "Destination"] !== null && config[pair[1] + "Destination"] !== undefined) {
                P.byId("fwd-" + pair[0] + "-on").checked = !!config[pair[1] + "Enabled"];
                P.byId("fwd-" + pair[0] + "-dest").value = config[pair[1] + "Destination"];
            }
        });
    }

    function renderLine() {
        var ids = state.user && state.user.lineIds ? state.user.lineIds.join(", ") : "";
        var text = state.lineNumber ? state.lineNumber : "";
        if (ids) {
            text += (text ? " " : "") + "(line id " + ids + ")";
        }
        P.setText("line", text || "no line");
    }

    function onLineConfig(config) {
        if (config && config.number) {
            state.lineNumber = config.number;
        }
        renderLine();
    }

    function onStatuses(statuses) {
        state.statuses = statuses || [];
        var select = P.byId("presence");
        var current = select.value;
        select.textContent = "";
        var reasons = P.byId("pause-reasons");
        reasons.textContent = "";
        state.statuses.forEach(function (status) {
            var option = P.h("option", { value: status.name }, [status.longName || status.name]);
            option.style.color = status.color;
            select.appendChild(option);
            reasons.appendChild(P.h("option", { value: status.name }, []));
        });
        select.value = current;
        select.disabled = false;
    }

    function onUserStatus(event) {
        P.byId("presence").value = event.status;
    }

    function onPhoneStatus(event) {
        if (event.status === null || event.status === undefined) {
            return;
        }
        var node = P.byId("phone-status");
        node.textContent = event.status;
        node.setAttribute("data-status", event.status);
    }

    function onVoicemail(event) {
        P.setText("voicemail", event.newMessages + " new, " + event.oldMessages + " old");
    }

    // ------------------------------------------------------------------ calls
    var CALL_STATES = {
        EventDialing: "Dialing",
        EventRinging: "Ringing",
        EventEstablished: "Established",
        EventOnHold: "On hold",
        EventReleased: "Released",
        EventFailure: "Failed"
    };

    function onPhoneEvent(event) {
        if (!state.lineNumber && event.DN) {
            state.lineNumber = event.DN;
            renderLine();
        }
        var key = event.uniqueId || event.linkedId;
        if (event.eventType === "EventReleased" || event.eventType === "EventFailure") {
            delete state.calls[key];
        } else {
            state.calls[key] = event;
        }
        renderCalls();
    }

    function onCurrentCalls(event) {
        state.calls = {};
        (event.events || []).forEach(function (call) {
            state.calls[call.uniqueId || call.linkedId] = call;
        });
        renderCalls();
    }

    function renderCalls() {
        var body = P.byId("calls").tBodies[0];
        body.textContent = "";
        var keys = Object.keys(state.calls);
        keys.forEach(function (key) {
            var call = state.calls[key];
            var other = (call.otherDName ? call.otherDName + " " : "") + (call.otherDN || "");
            body.appendChild(P.h("tr", { "data-unique-id": key, "data-event": call.eventType }, [
                P.h("td", { class: "call-state" }, [CALL_STATES[call.eventType] || call.eventType]),
                P.h("td", {}, [other]),
                P.h("td", {}, [call.callDirection || ""]),
                P.h("td", {}, [call.queueName || ""])
            ]));
            body.lastChild.title = "uniqueId " + key + ", linkedId " + (call.linkedId || "");
        });
        P.byId("no-calls").hidden = keys.length > 0;
    }

    function destination() {
        return P.byId("destination").value.trim();
    }

    // ------------------------------------------------------------------ agent
    function onAgentState(event) {
        if (!state.user || event.agentId !== state.user.agentId) {
            return;
        }
        var node = P.byId("agent-state");
        node.textContent = event.name;
        node.setAttribute("data-state", event.name);
        P.setText("agent-cause", event.cause ? "(" + event.cause + ")" : "");
        P.setText("agent-phone-nb", event.phoneNb || "—");
    }

    function onAgentError(event) {
        var text = event.Error || "error";
        if (event.phoneNb) {
            text += ": logged in on " + event.phoneNb;
        }
        P.setText("agent-cause", text);
    }

    // ------------------------------------------------------------------ queues
    var SHOWN_COUNTERS = ["WaitingCalls", "LongestWaitTime", "AvailableAgents", "LoggedAgents", "TalkingAgents", "EWT"];

    function queueOf(id) {
        if (!state.queues[id]) {
            state.queues[id] = { name: "queue " + id, counters: {} };
        }
        return state.queues[id];
    }

    function onQueueList(list) {
        (Array.isArray(list) ? list : [list]).forEach(function (config) {
            if (config && config.id !== undefined) {
                queueOf(config.id).name = (config.displayName || config.name) + (config.number ? " (" + config.number + ")" : "");
            }
        });
        renderQueues();
    }

    function onQueueStatistics(stats) {
        var id = stats.queueId !== undefined ? stats.queueId : stats.queueRef;
        var queue = queueOf(id);
        (stats.counters || []).forEach(function (counter) {
            queue.counters[counter.statName] = counter.value;
        });
        renderQueues();
    }

    function renderQueues() {
        var body = P.byId("queues").tBodies[0];
        body.textContent = "";
        Object.keys(state.queues).forEach(function (id) {
            var queue = state.queues[id];
            var c = queue.counters;
            var others = Object.keys(c).filter(function (name) {
                return SHOWN_COUNTERS.indexOf(name) < 0;
            }).map(function (name) {
                return name + " " + c[name];
            }).join(", ");
            function cell(name, format) {
                var value = c[name];
                return P.h("td", { class: "num", "data-counter": name }, [value === undefined ? "—" : format ? format(value) : value]);
            }
            body.appendChild(P.h("tr", { "data-queue-id": id }, [
                P.h("td", {}, [queue.name]),
                cell("WaitingCalls"),
                cell("LongestWaitTime", P.duration),
                cell("AvailableAgents"),
                cell("LoggedAgents"),
                cell("TalkingAgents"),
                cell("EWT", P.duration),
                P.h("td", { class: "muted" }, [others])
            ]));
        });
    }

    // ------------------------------------------------------------------ wiring
    function on(id, handler) {
        P.byId(id).addEventListener("click", handler);
    }

    function init() {
        var T = Cti.MessageType;
        logEveryType(T);
        logEveryType({ LOGGEDONERROR: "LoggedOnError" });
        logEveryType(Callback.MessageType);
        logEveryType(Membership.MessageType);

        Cti.setHandler(T.LOGGEDON, onLoggedOn);
        Cti.setHandler("LoggedOnError", onLoggedOnError);
        Cti.setHandler(T.LINKSTATUSUPDATE, onLink);
        Cti.setHandler(T.USERCONFIGUPDATE, onUserConfig);
        Cti.setHandler(T.LINECONFIG, onLineConfig);
        Cti.setHandler(T.USERSTATUSES, onStatuses);
        Cti.setHandler(T.USERSTATUSUPDATE, onUserStatus);
        Cti.setHandler(T.PHONESTATUSUPDATE, onPhoneStatus);
        Cti.setHandler(T.VOICEMAILSTATUSUPDATE, onVoicemail);
        Cti.setHandler(T.PHONEEVENT, onPhoneEvent);
        Cti.setHandler(T.CURRENTCALLSPHONEEVENTS, onCurrentCalls);
        Cti.setHandler(T.AGENTSTATEEVENT, onAgentState);
        Cti.setHandler(T.AGENTERROR, onAgentError);
        Cti.setHandler(T.QUEUELIST, onQueueList);
        Cti.setHandler(T.QUEUECONFIG, onQueueList);
        Cti.setHandler(T.QUEUESTATISTICS, onQueueStatistics);

        P.byId("login-form").addEventListener("submit", passwordLogin);
        on("btn-token-login", tokenLogin);
        on("btn-logout", logout);

        P.byId("presence").addEventListener("change", function (e) { Cti.changeUserStatus(e.target.value); });
        P.byId("dnd").addEventListener("change", function (e) { Cti.dnd(e.target.checked); });
        Array.prototype.forEach.call(document.querySelectorAll(".fwd-apply"), function (button) {
            button.addEventListener("click", function () {
                var kind = button.getAttribute("data-kind");
                var dest = P.byId("fwd-" + kind + "-dest").value.trim();
                var enabled = P.byId("fwd-" + kind + "-on").checked;
                Cti[kind + "Fwd"](dest, enabled);
            });
        });

        on("btn-dial", function () { Cti.dial(destination()); });
        P.byId("destination").addEventListener("keydown", function (e) {
            if (e.key === "Enter") {
                Cti.dial(destination());
            }
        });
        on("btn-answer", function () { Cti.answer(); });
        on("btn-hangup", function () { Cti.hangup(); });
        on("btn-hold", function () { Cti.hold(); });
        on("btn-direct-transfer", function () { Cti.directTransfer(destination()); });
        on("btn-attended-transfer", function () { Cti.attendedTransfer(destination()); });
        on("btn-complete-transfer", function () { Cti.completeTransfer(); });
        on("btn-cancel-transfer", function () { Cti.cancelTransfer(); });
        on("btn-conference", function () { Cti.conference(); });

        on("btn-agent-login", function () {
            var phone = P.byId("agent-phone").value.trim();
            Cti.loginAgent(phone || undefined);
        });
        on("btn-agent-logout", function () { Cti.logoutAgent(); });
        on("btn-pause", function () {
            var reason = P.byId("pause-reason").value.trim();
            Cti.pauseAgent(undefined, reason || undefined);
        });
        on("btn-unpause", function () { Cti.unpauseAgent(); });

        P.byId("log-filter").addEventListener("input", function () {
            Array.prototype.forEach.call(P.byId("log").children, applyFilter);
        });
        on("btn-clear-log", function () {
            P.byId("log").textContent = "";
            logCount = 0;
            P.setText("log-count", 0);
        });
        setLink("closed");
    }

    init();
})();
