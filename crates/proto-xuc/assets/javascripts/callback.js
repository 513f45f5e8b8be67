/*
 * callback.js, as served by ctid: the XuC callback API (object `Callback`), written for ctid
 * from the published XuC JavaScript API. Load it after cti.js and call `Callback.init(Cti)`;
 * its commands go through Cti's socket, its messages come to `Cti.setHandler` handlers under
 * the names of `Callback.MessageType`.
 *
 * ctid answers these commands with an `Error` "not implemented" until callbacks are stored
 * (docs/xuc-api.md).
 */
var Callback = (function () {
    "use strict";

    var cti = null;

    function send(message) {
        if (cti === null) {
            console.error("callback.js: Callback.init(Cti) first");
            return;
        }
        cti.sendCallback(message);
    }

    var factory = {
        ctiMessageFactory: null,
        init: function (ctiMessageFactory) {
            factory.ctiMessageFactory = ctiMessageFactory;
        },
        createMessage: function (command) {
            if (factory.ctiMessageFactory === null) {
                return { claz: "web", command: command };
            }
            return factory.ctiMessageFactory.createMessage(command);
        },
        createGetCallbackLists: function () {
            return factory.createMessage("getCallbackLists");
        },
        createFindCallbackRequest: function (requestId, filters, offset, limit) {
            var m = factory.createMessage("findCallbackRequest");
            m.id = requestId;
            m.request = { filters: filters, offset: offset, limit: limit };
            return m;
        },
        createGetCallbackPreferredPeriods: function () {
            return factory.createMessage("getCallbackPreferredPeriods");
        },
        createTakeCallback: function (uuid) {
            var m = factory.createMessage("takeCallback");
            m.uuid = uuid;
            return m;
        },
        createReleaseCallback: function (uuid) {
            var m = factory.createMessage("releaseCallback");
            m.uuid = uuid;
            return m;
        },
        createStartCallback: function (uuid, number) {
            var m = factory.createMessage("startCallback");
            m.uuid = uuid;
            m.number = number;
            return m;
        },
        listenCallbackMessage: function (voiceMessageRef) {
            var m = factory.createMessage("listenCallbackMessage");
            m.voiceMessageRef = voiceMessageRef;
            return m;
        },
        // `dueDate` and `periodUuid` are sent only when both are given (a reschedule).
        createUpdateCallbackTicket: function (uuid, status, comment, dueDate, periodUuid) {
            var m = factory.createMessage("updateCallbackTicket");
            m.uuid = uuid;
            m.status = status;
            m.comment = comment;
            if (typeof dueDate !== "undefined" && typeof periodUuid !== "undefined") {
                m.dueDate = dueDate;
                m.periodUuid = periodUuid;
            }
            return m;
        }
    };

    return {
        MessageType: {
            CALLBACKLISTS: "CallbackLists",
            CALLBACKFINDRESPONSE: "FindCallbackResponseWithId",
            CALLBACKTAKEN: "CallbackTaken",
            CALLBACKRELEASED: "CallbackReleased",
            CALLBACKSTARTED: "CallbackStarted",
            CALLBACKCLOTURED: "CallbackClotured",
            CALLBACKPREFERREDPERIODS: "PreferredCallbackPeriodList",
            CALLBACKREQUESTUPDATED: "CallbackRequestUpdated"
        },
        MessageFactory: factory,
        init: function (ctiObject) {
            cti = ctiObject;
            factory.init(ctiObject.WebsocketMessageFactory);
        },
        sendCallback: function (message) {
            send(message);
        },
        getCallbackLists: function () {
            send(factory.createGetCallbackLists());
        },
        findCallbackRequest: function (requestId, filters, offset, limit) {
            send(factory.createFindCallbackRequest(requestId, filters, offset, limit));
        },
        getCallbackPreferredPeriods: function () {
            send(factory.createGetCallbackPreferredPeriods());
        },
        takeCallback: function (uuid) {
            send(factory.createTakeCallback(uuid));
        },
        releaseCallback: function (uuid) {
            send(factory.createReleaseCallback(uuid));
        },
        startCallback: function (uuid, number) {
            send(factory.createStartCallback(uuid, number));
        },
        listenCallbackMessage: function (voiceMessageRef) {
            send(factory.listenCallbackMessage(voiceMessageRef));
        },
        updateCallbackTicket: function (uuid, status, comment, dueDate, periodUuid) {
            send(factory.createUpdateCallbackTicket(uuid, status, comment, dueDate, periodUuid));
        }
    };
})();
