/*
 * cti.js, as served by ctid: the XuC JavaScript API (docs/xuc-api.md, "cti.js and the pages").
 *
 * Written for ctid from the published XuC JavaScript API: the same global objects (`Cti`,
 * `Cti.WebSocket`, `Cti.WebsocketMessageFactory`, `Cti.MessageType`, `Cti.PhoneStatus`,
 * `Cti.PhoneStatusColors`), the same methods and the same frames on the wire, so that an app
 * written for XuC's cti.js works unchanged. Needs no other library: handlers are kept here (one
 * handler that throws never stops the others, nor later messages of its type); when SHOTGUN is
 * loaded and jQuery is not, every message is also fired as `cti/<msgType>`, as XuC's does.
 *
 *   Cti.WebSocket.init("ws://host:8090/xuc/api/2.0/cti?token=" + token, "bob", "1002");
 *   Cti.setHandler(Cti.MessageType.LOGGEDON, function () { Cti.dial("1003"); });
 *   Cti.setHandler(Cti.MessageType.PHONEEVENT, function (event) { console.log(event.eventType); });
 *
 * The socket is never reopened by the library: on close it publishes
 * `LinkStatusUpdate {status: "closed"}` and the app decides. Every 5 s it sends
 * `{"claz":"ping"}`; after 3 ticks without any frame from the server it closes the socket.
 */
var Cti = (function () {
    "use strict";

    // -------------------------------------------------------------- handlers (topics)
    var topics = {};

    function makeTopic() {
        var handlers = [];
        return {
            subscribe: function (handler) {
                if (typeof handler === "function" && handlers.indexOf(handler) < 0) {
                    handlers.push(handler);
                }
            },
            unsubscribe: function (handler) {
                var at = handlers.indexOf(handler);
                if (at >= 0) {
                    handlers.splice(at, 1);
                }
            },
            publish: function (value) {
                var now = handlers.slice();
                for (var i = 0; i < now.length; i++) {
                    try {
                        now[i](value);
                    } catch (e) {
                        console.error("cti.js: a handler threw", e);
                    }
                }
            },
            clear: function () {
                handlers.length = 0;
            },
            has: function () {
                return handlers.length > 0;
            }
        };
    }

    function shotgunFire(msgType, value) {
        if (typeof jQuery === "undefined" && typeof SHOTGUN !== "undefined" && SHOTGUN.fire) {
            try {
                SHOTGUN.fire("cti/" + msgType, [value]);
            } catch (e) {
                console.error("cti.js: a SHOTGUN listener threw", e);
            }
        }
    }

    var api = {
        debugMsg: false,
        debugHandler: false,
        msgReceived: 0,
        username: undefined,
        agentNumber: undefined,
        webSocket: undefined,
        ctiTopics: topics,

        sendCallback: function (message) {
            console.warn("cti.js: not connected, not sent: " + JSON.stringify(message));
        },

        init: function (username, agentNumber, webSocket) {
            api.username = username;
            api.agentNumber = agentNumber;
            api.webSocket = webSocket;
            if (webSocket && typeof webSocket.sendCallback === "function") {
                api.sendCallback = webSocket.sendCallback;
            }
        },

        close: function () {
            if (api.webSocket) {
                api.webSocket.close();
            }
        },

        // The topic of a message type (created on first use). Without an id: a topic of its
        // own whose `clear` removes every handler of every type.
        Topic: function (id) {
            if (!id) {
                var all = makeTopic();
                all.clear = function () {
                    for (var name in topics) {
                        if (Object.prototype.hasOwnProperty.call(topics, name)) {
                            topics[name].clear();
                        }
                    }
                };
                return all;
            }
            if (!Object.prototype.hasOwnProperty.call(topics, id)) {
                topics[id] = makeTopic();
            }
            return topics[id];
        },

        setHandler: function (eventName, handler) {
            var topic = api.Topic(eventName);
            topic.unsubscribe(handler);
            topic.subscribe(handler);
            if (api.debugHandler) {
                console.log("subscribing : [" + eventName + "] to " + handler);
            }
        },

        unsetHandler: function (eventName, handler) {
            api.Topic(eventName).unsubscribe(handler);
            if (api.debugHandler) {
                console.log("unsubscribing : [" + eventName + "] to " + handler);
            }
        },

        clearHandlers: function () {
            api.Topic().clear();
        },

        // One frame from the server: `{"msgType":..., "ctiMessage":...}` to the handlers of
        // its type. A frame that is not a JSON object throws, as XuC's cti.js does.
        receive: function (event) {
            var message = api.getMessage(event.data);
            if (message === null || typeof message !== "object") {
                throw new TypeError("No message in decoded json data");
            }
            if (api.debugMsg) {
                console.log("R<<< " + JSON.stringify(message));
            }
            api.Topic(message.msgType).publish(message.ctiMessage);
            shotgunFire(message.msgType, message.ctiMessage);
            api.msgReceived++;
        },

        getMessage: function (jsonData) {
            try {
                return JSON.parse(jsonData);
            } catch (err) {
                console.log("ERROR: " + err + ", event.data not json encoded: " + jsonData);
                throw new TypeError("Json parse of received data failed");
            }
        },

        sendPing: function () {
            api.msgReceived = 0;
            api.sendCallback(factory.createPing());
        }
    };

    // -------------------------------------------------------------- message factory
    var factory = {
        messageClaz: "web",
        pingClaz: "ping",

        createMessage: function (command) {
            return { claz: factory.messageClaz, command: command };
        },
        createPing: function () {
            return { claz: factory.pingClaz };
        },
        // A command with the given fields; undefined ones vanish in JSON.stringify, as
        // browsers send them.
        createMessageFromArgs: function (command, args) {
            var message = factory.createMessage(command);
            for (var key in args) {
                if (Object.prototype.hasOwnProperty.call(args, key)) {
                    message[key] = args[key];
                }
            }
            return message;
        },
        createDestinationMessage: function (command, destination) {
            return factory.createMessageFromArgs(command, { destination: destination });
        }
    };

    // Command names, as `Cti.WebsocketMessageFactory.<name>Cmd` (and the few spelled without
    // the suffix in XuC's factory).
    var commands = {
        agentLoginCmd: "agentLogin",
        agentLogoutCmd: "agentLogout",
        userStatusUpdateCmd: "userStatusUpdate",
        dndCmd: "dnd",
        dialCmd: "dial",
        dialFromMobileCmd: "dialFromMobile",
        dialFromQueueCmd: "dialFromQueue",
        dialByUsernameCmd: "dialByUsername",
        originateCmd: "originate",
        pauseAgentCmd: "pauseAgent",
        unpauseAgentCmd: "unpauseAgent",
        listenAgentCmd: "listenAgent",
        subscribeToAgentStatsCmd: "subscribeToAgentStats",
        subscribeToQueueStatsCmd: "subscribeToQueueStats",
        subscribeToQueueCallsCmd: "subscribeToQueueCalls",
        unSubscribeToQueueCallsCmd: "unSubscribeToQueueCalls",
        retrieveQueueCallCmd: "retrieveQueueCall",
        hangupCmd: "hangup",
        answerCmd: "answer",
        holdCmd: "hold",
        toggleMicrophoneCmd: "toggleMicrophone",
        directTransferCmd: "directTransfer",
        attendedTransferCmd: "attendedTransfer",
        completeTransferCmd: "completeTransfer",
        cancelTransferCmd: "cancelTransfer",
        conferenceCmd: "conference",
        conferenceMuteCmd: "conferenceMute",
        conferenceUnmuteCmd: "conferenceUnmute",
        conferenceMuteAllCmd: "conferenceMuteAll",
        conferenceUnmuteAllCmd: "conferenceUnmuteAll",
        conferenceMuteMeCmd: "conferenceMuteMe",
        conferenceUnmuteMeCmd: "conferenceUnmuteMe",
        conferenceKickCmd: "conferenceKick",
        conferenceDeafenCmd: "conferenceDeafen",
        conferenceUndeafenCmd: "conferenceUndeafen",
        conferenceResetCmd: "conferenceReset",
        conferenceCloseCmd: "conferenceClose",
        conferenceInviteCmd: "conferenceInvite",
        includeToConferenceCmd: "includeToConference",
        getQueueStatisticsCmd: "getQueueStatistics",
        subscribeToAgentEventsCmd: "subscribeToAgentEvents",
        getAgentStatesCmd: "getAgentStates",
        getConfigCmd: "getConfig",
        getListCmd: "getList",
        getIceConfigCmd: "getIceConfig",
        getAgentDirectoryCmd: "getAgentDirectory",
        setAgentQueueCmd: "setAgentQueue",
        removeAgentFromQueueCmd: "removeAgentFromQueue",
        moveAgentsInGroupCmd: "moveAgentsInGroup",
        addAgentsInGroupCmd: "addAgentsInGroup",
        removeAgentGroupFromQueueGroupCmd: "removeAgentGroupFromQueueGroup",
        addAgentsNotInQueueFromGroupToCmd: "addAgentsNotInQueueFromGroupTo",
        setAgentGroupCmd: "setAgentGroup",
        monitorPause: "monitorPause",
        monitorUnpause: "monitorUnpause",
        inviteConferenceRoom: "inviteConferenceRoom",
        naFwd: "naFwd",
        uncFwd: "uncFwd",
        busyFwd: "busyFwd",
        getAgentCallHistoryCmd: "getAgentCallHistory",
        getUserCallHistoryCmd: "getUserCallHistory",
        getUserCallHistoryByDaysCmd: "getUserCallHistoryByDays",
        getQueueCallHistoryCmd: "getQueueCallHistory",
        findCustomerCallHistoryCmd: "findCustomerCallHistory",
        directoryLookUpCmd: "directoryLookUp",
        searchContactsCmd: "searchContacts",
        getFavoritesCmd: "getFavorites",
        getFavoriteContactsCmd: "getFavoriteContacts",
        addFavoriteCmd: "addFavorite",
        removeFavoriteCmd: "removeFavorite",
        setDataCmd: "setData",
        getCurrentCallsPhoneEvents: "getCurrentCallsPhoneEvents",
        flashTextBrowserRequest: "flashTextBrowserRequest",
        sendDtmf: "sendDtmf",
        subscribeToPhoneHints: "subscribeToPhoneHints",
        unsubscribeFromAllPhoneHints: "unsubscribeFromAllPhoneHints",
        toggleUniqueAccountDeviceCmd: "toggleUniqueAccountDevice",
        displayNameLookupCmd: "displayNameLookup",
        setUserPreferenceCmd: "setUserPreference",
        unregisterMobileAppCmd: "unregisterMobileApp",
        pushLogToServerCmd: "pushLogToServer",
        videoEventCmd: "videoEvent",
        subscribeToVideoStatusCmd: "subscribeToVideoStatus",
        unsubscribeFromAllVideoStatusCmd: "unsubscribeFromAllVideoStatus",
        inviteToMeetingRoomCmd: "inviteToMeetingRoom",
        meetingRoomInviteAckCmd: "meetingRoomInviteAck",
        meetingRoomInviteAcceptCmd: "meetingRoomInviteAccept",
        meetingRoomInviteRejectCmd: "meetingRoomInviteReject"
    };
    for (var name in commands) {
        if (Object.prototype.hasOwnProperty.call(commands, name)) {
            factory[name] = commands[name];
        }
    }

    function cmd(command, args) {
        return factory.createMessageFromArgs(command, args || {});
    }

    // The factory's builders: the frame of each command, fields named as XuC's clients send
    // them (note `agentid` for agent commands but `agentId` for queue membership ones).
    var builders = {
        createAgentLogin: function (agentPhoneNumber, agentId) {
            return cmd("agentLogin", { agentphonenumber: agentPhoneNumber, agentid: agentId });
        },
        createAgentLogout: function (agentId) {
            return cmd("agentLogout", { agentid: agentId });
        },
        createPauseAgent: function (agentId, reason) {
            return cmd("pauseAgent", { agentid: agentId, reason: reason });
        },
        createUnpauseAgent: function (agentId) {
            return cmd("unpauseAgent", { agentid: agentId });
        },
        createUserStatusUpdate: function (status) {
            return cmd("userStatusUpdate", { status: status });
        },
        createDnd: function (state) {
            return cmd("dnd", { state: state });
        },
        createDial: function (destination, variables) {
            return cmd("dial", { destination: destination, variables: variables });
        },
        createDialMobile: function (destination, variables) {
            return cmd("dialFromMobile", { destination: destination, variables: variables });
        },
        createDialFromQueue: function (destination, queueId, callerIdName, callerIdNumber, variables) {
            var id = parseInt(queueId, 10);
            return cmd("dialFromQueue", {
                destination: destination,
                queueId: isNaN(id) ? null : id,
                callerIdName: callerIdName,
                callerIdNumber: callerIdNumber,
                variables: variables
            });
        },
        createDialByUsername: function (username, variables) {
            return cmd("dialByUsername", { username: username, variables: variables });
        },
        createOriginate: function (destination) {
            return cmd("originate", { destination: destination });
        },
        createHangup: function (uniqueId) {
            return cmd("hangup", { uniqueId: uniqueId || undefined });
        },
        createAnswer: function (uniqueId) {
            return cmd("answer", { uniqueId: uniqueId || undefined });
        },
        createHold: function (uniqueId) {
            return cmd("hold", { uniqueId: uniqueId || undefined });
        },
        createToggleMicrophone: function (uniqueId) {
            return cmd("toggleMicrophone", { uniqueId: uniqueId || undefined });
        },
        createDirectTransfer: function (destination) {
            return cmd("directTransfer", { destination: destination });
        },
        createAttendedTransfer: function (destination, device) {
            return cmd("attendedTransfer", { destination: destination, device: device });
        },
        createCompleteTransfer: function () {
            return cmd("completeTransfer");
        },
        createCancelTransfer: function () {
            return cmd("cancelTransfer");
        },
        createConference: function () {
            return cmd("conference");
        },
        createConferenceMute: function (numConf, index) {
            return cmd("conferenceMute", { numConf: numConf, index: index });
        },
        createConferenceUnmute: function (numConf, index) {
            return cmd("conferenceUnmute", { numConf: numConf, index: index });
        },
        createConferenceMuteAll: function (numConf) {
            return cmd("conferenceMuteAll", { numConf: numConf });
        },
        createConferenceUnmuteAll: function (numConf) {
            return cmd("conferenceUnmuteAll", { numConf: numConf });
        },
        createConferenceMuteMe: function (numConf) {
            return cmd("conferenceMuteMe", { numConf: numConf });
        },
        createConferenceUnmuteMe: function (numConf) {
            return cmd("conferenceUnmuteMe", { numConf: numConf });
        },
        createConferenceKick: function (numConf, index) {
            return cmd("conferenceKick", { numConf: numConf, index: index });
        },
        createConferenceDeafen: function (numConf, index) {
            return cmd("conferenceDeafen", { numConf: numConf, index: index });
        },
        createConferenceUndeafen: function (numConf, index) {
            return cmd("conferenceUndeafen", { numConf: numConf, index: index });
        },
        createConferenceReset: function (numConf) {
            return cmd("conferenceReset", { numConf: numConf });
        },
        createConferenceClose: function (numConf) {
            return cmd("conferenceClose", { numConf: numConf });
        },
        createConferenceInvite: function (numConf, exten, role, earlyJoin, variables, marked, leaveWhenLastMarkedLeave, callerId) {
            return cmd("conferenceInvite", {
                numConf: numConf, exten: exten, role: role, earlyJoin: earlyJoin,
                variables: variables, marked: marked,
                leaveWhenLastMarkedLeave: leaveWhenLastMarkedLeave, callerId: callerId
            });
        },
        createIncludeToConference: function (role, marked, leaveWhenLastMarkedLeave, callerId) {
            return cmd("includeToConference", {
                role: role, marked: marked,
                leaveWhenLastMarkedLeave: leaveWhenLastMarkedLeave, callerId: callerId
            });
        },
        createSubscribeToAgentStats: function () {
            return cmd("subscribeToAgentStats");
        },
        createSubscribeToQueueStats: function () {
            return cmd("subscribeToQueueStats");
        },
        createSubscribeToQueueCalls: function (queueId) {
            return cmd("subscribeToQueueCalls", { queueId: queueId });
        },
        createUnSubscribeToQueueCalls: function (queueId) {
            return cmd("unSubscribeToQueueCalls", { queueId: queueId });
        },
        createRetrieveQueueCall: function (queueCall) {
            return cmd("retrieveQueueCall", { queueCall: queueCall });
        },
        createGetQueueStatistics: function (queueId, window, xqos) {
            return cmd("getQueueStatistics", { queueId: queueId, window: window, xqos: xqos });
        },
        createSubscribeToAgentEvents: function () {
            return cmd("subscribeToAgentEvents");
        },
        createGetAgentStates: function () {
            return cmd("getAgentStates");
        },
        createGetConfig: function (objectType) {
            return cmd("getConfig", { objectType: objectType });
        },
        createGetList: function (objectType) {
            return cmd("getList", { objectType: objectType });
        },
        createGetIceConfig: function () {
            return cmd("getIceConfig");
        },
        createGetAgentDirectory: function () {
            return cmd("getAgentDirectory");
        },
        createSetAgentQueue: function (agentId, queueId, penalty) {
            return cmd("setAgentQueue", { agentId: agentId, queueId: queueId, penalty: penalty });
        },
        createRemoveAgentFromQueue: function (agentId, queueId) {
            return cmd("removeAgentFromQueue", { agentId: agentId, queueId: queueId });
        },
        createSetAgentGroup: function (agentId, groupId) {
            return cmd("setAgentGroup", { agentId: agentId, groupId: groupId });
        },
        createInviteConferenceRoom: function (userId) {
            return cmd("inviteConferenceRoom", { userId: userId });
        },
        createDirectoryLookUp: function (term) {
            return cmd("directoryLookUp", { term: term });
        },
        createSearchContacts: function (term) {
            return cmd("searchContacts", { term: term });
        },
        createGetFavorites: function () {
            return cmd("getFavorites");
        },
        createGetFavoriteContacts: function () {
            return cmd("getFavoriteContacts");
        },
        createAddFavorite: function (contactId, source) {
            return cmd("addFavorite", { contactId: contactId, source: source });
        },
        createRemoveFavorite: function (contactId, source) {
            return cmd("removeFavorite", { contactId: contactId, source: source });
        },
        createGetCurrentCallsPhoneEvents: function () {
            return cmd("getCurrentCallsPhoneEvents");
        },
        createFlashTextRequest: function (requestType) {
            return cmd("flashTextBrowserRequest", { request: requestType });
        },
        createFlashTextMessage: function (to, seq, message) {
            var m = builders.createFlashTextRequest("FlashTextDirectMessage");
            m.sequence = seq;
            m.to = { username: to };
            m.message = message;
            return m;
        }
    };
    for (var builder in builders) {
        if (Object.prototype.hasOwnProperty.call(builders, builder)) {
            factory[builder] = builders[builder];
        }
    }

    function send(message) {
        api.sendCallback(message);
    }

    // -------------------------------------------------------------- the methods apps call
    var methods = {
        changeUserStatus: function (statusId) { send(factory.createUserStatusUpdate(statusId)); },
        loginAgent: function (agentPhoneNumber, agentId) { send(factory.createAgentLogin(agentPhoneNumber, agentId)); },
        logoutAgent: function (agentId) { send(factory.createAgentLogout(agentId)); },
        pauseAgent: function (agentId, reason) { send(factory.createPauseAgent(agentId, reason)); },
        unpauseAgent: function (agentId) { send(factory.createUnpauseAgent(agentId)); },
        listenAgent: function (agentId) { send(cmd("listenAgent", { agentid: agentId })); },
        monitorPause: function (agentId) { send(cmd("monitorPause", { agentid: agentId })); },
        monitorUnpause: function (agentId) { send(cmd("monitorUnpause", { agentid: agentId })); },
        dnd: function (state) { send(factory.createDnd(state)); },
        naFwd: function (destination, state) { send(cmd("naFwd", { state: state, destination: destination })); },
        uncFwd: function (destination, state) { send(cmd("uncFwd", { state: state, destination: destination })); },
        busyFwd: function (destination, state) { send(cmd("busyFwd", { state: state, destination: destination })); },
        dial: function (destination, variables) { send(factory.createDial(destination, variables)); },
        dialFromMobile: function (destination, variables) { send(factory.createDialMobile(destination, variables)); },
        dialFromQueue: function (destination, queueId, callerIdName, callerIdNumber, variables) {
            send(factory.createDialFromQueue(destination, queueId, callerIdName, callerIdNumber, variables));
        },
        dialByUsername: function (username, variables) { send(factory.createDialByUsername(username, variables)); },
        originate: function (destination) { send(factory.createOriginate(destination)); },
        hangup: function (uniqueId) { send(factory.createHangup(uniqueId)); },
        answer: function (uniqueId) { send(factory.createAnswer(uniqueId)); },
        hold: function (uniqueId) { send(factory.createHold(uniqueId)); },
        toggleMicrophone: function (uniqueId) { send(factory.createToggleMicrophone(uniqueId)); },
        directTransfer: function (destination) { send(factory.createDirectTransfer(destination)); },
        attendedTransfer: function (destination, device) { send(factory.createAttendedTransfer(destination, device)); },
        completeTransfer: function () { send(factory.createCompleteTransfer()); },
        cancelTransfer: function () { send(factory.createCancelTransfer()); },
        conference: function () { send(factory.createConference()); },
        conferenceMute: function (numConf, index) { send(factory.createConferenceMute(numConf, index)); },
        conferenceUnmute: function (numConf, index) { send(factory.createConferenceUnmute(numConf, index)); },
        conferenceMuteAll: function (numConf) { send(factory.createConferenceMuteAll(numConf)); },
        conferenceUnmuteAll: function (numConf) { send(factory.createConferenceUnmuteAll(numConf)); },
        conferenceMuteMe: function (numConf) { send(factory.createConferenceMuteMe(numConf)); },
        conferenceUnmuteMe: function (numConf) { send(factory.createConferenceUnmuteMe(numConf)); },
        conferenceKick: function (numConf, index) { send(factory.createConferenceKick(numConf, index)); },
        conferenceDeafen: function (numConf, index) { send(factory.createConferenceDeafen(numConf, index)); },
        conferenceUndeafen: function (numConf, index) { send(factory.createConferenceUndeafen(numConf, index)); },
        conferenceReset: function (numConf) { send(factory.createConferenceReset(numConf)); },
        conferenceClose: function (numConf) { send(factory.createConferenceClose(numConf)); },
        conferenceInvite: function (numConf, exten, role, earlyJoin, variables, marked, leaveWhenLastMarkedLeave, callerId) {
            send(factory.createConferenceInvite(numConf, exten, role, earlyJoin, variables, marked, leaveWhenLastMarkedLeave, callerId));
        },
        includeToConference: function (role, marked, leaveWhenLastMarkedLeave, callerId) {
            send(factory.createIncludeToConference(role, marked, leaveWhenLastMarkedLeave, callerId));
        },
        inviteConferenceRoom: function (userId) { send(factory.createInviteConferenceRoom(userId)); },
        getConferenceRooms: function () { send(factory.createGetList("meetme")); },
        subscribeToQueueStats: function () { send(factory.createSubscribeToQueueStats()); },
        subscribeToQueueCalls: function (queueId) { send(factory.createSubscribeToQueueCalls(queueId)); },
        unSubscribeToQueueCalls: function (queueId) { send(factory.createUnSubscribeToQueueCalls(queueId)); },
        retrieveQueueCall: function (queueCall) { send(factory.createRetrieveQueueCall(queueCall)); },
        subscribeToAgentStats: function () { send(factory.createSubscribeToAgentStats()); },
        getQueueStatistics: function (queueId, window, xqos) { send(factory.createGetQueueStatistics(queueId, window, xqos)); },
        subscribeToAgentEvents: function () { send(factory.createSubscribeToAgentEvents()); },
        getAgentStates: function () { send(factory.createGetAgentStates()); },
        getConfig: function (objectType) { send(factory.createGetConfig(objectType)); },
        getList: function (objectType) { send(factory.createGetList(objectType)); },
        getIceConfig: function () { send(factory.createGetIceConfig()); },
        getAgentDirectory: function () { send(factory.createGetAgentDirectory()); },
        setAgentQueue: function (agentId, queueId, penalty) { send(factory.createSetAgentQueue(agentId, queueId, penalty)); },
        removeAgentFromQueue: function (agentId, queueId) { send(factory.createRemoveAgentFromQueue(agentId, queueId)); },
        setAgentGroup: function (agentId, groupId) { send(factory.createSetAgentGroup(agentId, groupId)); },
        moveAgentsInGroup: function (groupId, fromQueueId, fromPenalty, toQueueId, toPenalty) {
            send(cmd("moveAgentsInGroup", {
                groupId: groupId, fromQueueId: fromQueueId, fromPenalty: fromPenalty,
                toQueueId: toQueueId, toPenalty: toPenalty
            }));
        },
        addAgentsInGroup: function (groupId, fromQueueId, fromPenalty, toQueueId, toPenalty) {
            send(cmd("addAgentsInGroup", {
                groupId: groupId, fromQueueId: fromQueueId, fromPenalty: fromPenalty,
                toQueueId: toQueueId, toPenalty: toPenalty
            }));
        },
        removeAgentGroupFromQueueGroup: function (groupId, queueId, penalty) {
            send(cmd("removeAgentGroupFromQueueGroup", { groupId: groupId, queueId: queueId, penalty: penalty }));
        },
        addAgentsNotInQueueFromGroupTo: function (groupId, queueId, penalty) {
            send(cmd("addAgentsNotInQueueFromGroupTo", { groupId: groupId, queueId: queueId, penalty: penalty }));
        },
        getAgentCallHistory: function (size) { send(cmd("getAgentCallHistory", { size: size })); },
        getUserCallHistory: function (size) { send(cmd("getUserCallHistory", { size: size })); },
        getUserCallHistoryByDays: function (days) { send(cmd("getUserCallHistoryByDays", { days: days })); },
        getQueueCallHistory: function (queue, size) { send(cmd("getQueueCallHistory", { queue: queue, size: size })); },
        findCustomerCallHistory: function (requestId, filters, size) {
            send(cmd("findCustomerCallHistory", { id: requestId, request: { filters: filters, size: size } }));
        },
        directoryLookUp: function (term) { send(factory.createDirectoryLookUp(term)); },
        searchContacts: function (term) { send(factory.createSearchContacts(term)); },
        getFavorites: function () { send(factory.createGetFavorites()); },
        getFavoriteContacts: function () { send(factory.createGetFavoriteContacts()); },
        addFavorite: function (contactId, source) { send(factory.createAddFavorite(contactId, source)); },
        removeFavorite: function (contactId, source) { send(factory.createRemoveFavorite(contactId, source)); },
        setData: function (variables) { send(cmd("setData", { variables: variables })); },
        getCurrentCallsPhoneEvents: function () { send(factory.createGetCurrentCallsPhoneEvents()); },
        sendDtmf: function (key) { send(cmd("sendDtmf", { key: key })); },
        subscribeToPhoneHints: function (phoneNumbers) { send(cmd("subscribeToPhoneHints", { phoneNumbers: phoneNumbers })); },
        unsubscribeFromAllPhoneHints: function () { send(cmd("unsubscribeFromAllPhoneHints")); },
        sendFlashTextMessage: function (to, seq, message) { send(factory.createFlashTextMessage(to, seq, message)); },
        getFlashTextPartyHistory: function (to, seq) {
            var m = factory.createFlashTextRequest("FlashTextDirectMessageHistory");
            m.sequence = seq;
            m.to = { username: to };
            send(m);
        },
        markFlashTextAsRead: function (to, seq) {
            var m = factory.createFlashTextRequest("FlashTextMarkAsRead");
            m.sequence = seq;
            m.to = { username: to };
            send(m);
        },
        toggleUniqueAccountDevice: function (deviceType) { send(cmd("toggleUniqueAccountDevice", { deviceType: deviceType })); },
        displayNameLookup: function (username) { send(cmd("displayNameLookup", { username: username })); },
        setUserPreference: function (key, value, valueType) {
            send(cmd("setUserPreference", { key: key, value: value, value_type: valueType }));
        },
        unregisterMobileApp: function () { send(cmd("unregisterMobileApp")); },
        pushLogToServer: function (level, log) { send(cmd("pushLogToServer", { level: level, log: log })); },
        videoEvent: function (status) { send(cmd("videoEvent", { status: status })); },
        subscribeToVideoStatus: function (usernames) { send(cmd("subscribeToVideoStatus", { usernames: usernames })); },
        unsubscribeFromAllVideoStatus: function () { send(cmd("unsubscribeFromAllVideoStatus")); },
        inviteToMeetingRoom: function (requestId, token, username) {
            send(cmd("inviteToMeetingRoom", { requestId: requestId, token: token, username: username }));
        },
        meetingRoomInviteAck: function (requestId, username) { send(cmd("meetingRoomInviteAck", { requestId: requestId, username: username })); },
        meetingRoomInviteAccept: function (requestId, username) { send(cmd("meetingRoomInviteAccept", { requestId: requestId, username: username })); },
        meetingRoomInviteReject: function (requestId, username) { send(cmd("meetingRoomInviteReject", { requestId: requestId, username: username })); }
    };
    for (var method in methods) {
        if (Object.prototype.hasOwnProperty.call(methods, method)) {
            api[method] = methods[method];
        }
    }

    api.WebsocketMessageFactory = factory;

    // -------------------------------------------------------------- enumerations
    api.MessageType = {
        ERROR: "Error",
        LOGGEDON: "LoggedOn",
        LOGGEDONERROR: "LoggedOnError",
        SHEET: "Sheet",
        USERSTATUSES: "UsersStatuses",
        CTISTATUSES: "CtiStatuses",
        USERSTATUSUPDATE: "UserStatusUpdate",
        USERCONFIGUPDATE: "UserConfigUpdate",
        USERDISPLAYNAME: "UserDisplayName",
        USERPREFERENCE: "UserPreference",
        DIRECTORYRESULT: "DirectoryResult",
        CONTACTSHEET: "ContactSheet",
        FAVORITECONTACTSHEET: "FavoriteContactSheet",
        PHONESTATUSUPDATE: "PhoneStatusUpdate",
        VOICEMAILSTATUSUPDATE: "VoiceMailStatusUpdate",
        LINKSTATUSUPDATE: "LinkStatusUpdate",
        QUEUESTATISTICS: "QueueStatistics",
        QUEUECONFIG: "QueueConfig",
        QUEUELIST: "QueueList",
        QUEUEMEMBER: "QueueMember",
        QUEUEMEMBERLIST: "QueueMemberList",
        QUEUECALLS: "QueueCalls",
        GETQUEUESTATISTICS: "GetQueueStatistics",
        AGENTCONFIG: "AgentConfig",
        AGENTDIRECTORY: "AgentDirectory",
        AGENTERROR: "AgentError",
        AGENTLIST: "AgentList",
        AGENTLISTEN: "AgentListen",
        AGENTSTATISTICS: "AgentStatistics",
        AGENTGROUPLIST: "AgentGroupList",
        AGENTSTATEEVENT: "AgentStateEvent",
        CONFERENCES: "ConferenceList",
        CONFERENCEEVENT: "ConferenceEvent",
        CONFERENCEPARTICIPANTEVENT: "ConferenceParticipantEvent",
        CONFERENCECOMMANDERROR: "ConferenceCommandError",
        CALLHISTORY: "CallHistory",
        CALLHISTORYBYDAYS: "CallHistoryByDays",
        RICHCALLHISTORY: "RichCallHistory",
        CUSTOMERCALLHISTORY: "CustomerCallHistoryResponseWithId",
        FAVORITES: "Favorites",
        FAVORITEUPDATED: "FavoriteUpdated",
        PHONEEVENT: "PhoneEvent",
        CURRENTCALLSPHONEEVENTS: "CurrentCallsPhoneEvents",
        PHONEHINTSTATUSEVENT: "PhoneHintStatusEvent",
        LINECONFIG: "LineConfig",
        ICECONFIG: "IceConfig",
        AUTHENTICATIONTOKEN: "AuthenticationToken",
        RIGHTPROFILE: "RightProfile",
        FLASHTEXTEVENT: "FlashTextEvent",
        WEBRTCCMD: "WebRTCCmd",
        DIALBYUSERNAME: "DialByUsername",
        VIDEOEVENT: "VideoStatusEvent",
        MEETINGROOMINVITE: "MeetingRoomInvite",
        MEETINGROOMACK: "MeetingRoomInviteAck",
        MEETINGROOMRESPONSE: "MeetingRoomInviteResponse"
    };

    // Asterisk hint codes, as PhoneHintStatusEvent.status and directory entries carry them.
    api.PhoneStatus = {
        ONHOLD: 16,
        RINGING: 8,
        INDISPONIBLE: 4,
        BUSY_AND_RINGING: 9,
        AVAILABLE: 0,
        CALLING: 1,
        BUSY: 2,
        DEACTIVATED: -1,
        UNEXISTING: -2,
        ERROR: -99
    };

    api.PhoneStatusColors = {
        "16": "#F7FE2E",
        "8": "#2E2EFE",
        "4": "#F2F2F2",
        "9": "#CC2EFA",
        "0": "#01DF01",
        "1": "#FF8000",
        "2": "#81BEF7",
        "-1": "#F2F2F2",
        "-2": "#F2F2F2",
        "-99": "#F2F2F2"
    };

    return api;
})();

// -------------------------------------------------------------- the socket
Cti.WebSocket = (function () {
    "use strict";

    var PING_INTERVAL_MS = 5000;
    var MAX_MISSED_HEARTBEATS = 3;

    function publishLink(status) {
        Cti.Topic(Cti.MessageType.LINKSTATUSUPDATE).publish({ status: status });
    }

    function attach(socket) {
        var missed = 0;
        var heartbeat = null;
        var closed = false;

        function stopHeartbeat() {
            if (heartbeat !== null) {
                clearInterval(heartbeat);
                heartbeat = null;
            }
        }

        function onClosed() {
            stopHeartbeat();
            if (!closed) {
                closed = true;
                publishLink("closed");
            }
        }

        socket.onopen = function () {
            publishLink("opened");
            missed = 0;
            stopHeartbeat();
            heartbeat = setInterval(function () {
                if (missed >= MAX_MISSED_HEARTBEATS) {
                    console.warn("cti.js: closing the connection: too many missed heartbeats");
                    try {
                        socket.close();
                    } catch (e) {
                        // already closing
                    }
                    onClosed();
                    return;
                }
                missed++;
                try {
                    socket.send(JSON.stringify(Cti.WebsocketMessageFactory.createPing()));
                } catch (e) {
                    onClosed();
                }
            }, PING_INTERVAL_MS);
        };

        socket.onclose = onClosed;

        socket.onerror = function (error) {
            console.warn("cti.js: WebSocket error", error);
        };

        socket.onmessage = function (event) {
            missed = 0;
            Cti.receive(event);
        };

        socket.sendCallback = function (message) {
            var json = JSON.stringify(message);
            if (Cti.debugMsg) {
                console.log("S>>> " + json);
            }
            socket.send(json);
        };
    }

    return {
        // Opens the socket at `wsurl` (token form `/xuc/api/2.0/cti?token=T`, or a password
        // form `/xuc/ctichannel?username=U&agentNumber=N&password=P`). `username` and
        // `phoneNumber` are only kept in `Cti.username` / `Cti.agentNumber`; `WSClass` replaces
        // the browser's WebSocket (tests).
        init: function (wsurl, username, phoneNumber, WSClass) {
            var WS = WSClass || (typeof window !== "undefined" && window.MozWebSocket) || WebSocket;
            var socket = new WS(wsurl);
            attach(socket);
            Cti.init(username, phoneNumber, socket);
            return socket;
        }
    };
})();
