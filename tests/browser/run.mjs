// ctid's pages and cti.js in headless Chromium: the sample application logs in with a password
// and with a REST token, drives a call (the /sim routes play the far end) and an agent; the
// wallboard follows a sim call joining a queue. Run by crates/ctid/tests/browser.rs against a
// real `ctid serve`; by hand:
//
//   node run.mjs --base http://127.0.0.1:8090 [--chromium /usr/bin/chromium]
//                [--screenshots DIR]   # also writes sample.png and wallboard.png into DIR
//                [--cti-js FILE]       # serve FILE in place of /assets/javascripts/cti.js
//
// Every wait is on a page condition with a timeout; nothing sleeps. Prints one line per case
// ("ok - ..." / "not ok - ...") and "N passed, M failed"; exits 1 when a case failed.

import { readFileSync, mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const WAIT_MS = 10_000;

function options(argv) {
    const opts = { chromium: "/usr/bin/chromium" };
    for (let i = 2; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, "").replace(/-(.)/g, (_, c) => c.toUpperCase());
        if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
        opts[key] = argv[i + 1];
    }
    if (!opts.base) throw new Error("--base http://HOST:PORT is required");
    return opts;
}

const opts = options(process.argv);
const base = opts.base.replace(/\/$/, "");

if (!existsSync(opts.chromium)) {
    console.error(`no Chromium at ${opts.chromium}: apt-get install -y chromium`);
    process.exit(2);
}

// ---------------------------------------------------------------- the embedded PBX
async function sim(path, body) {
    const response = await fetch(base + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
}

// ---------------------------------------------------------------- pages
async function openPage(context, path) {
    const page = await context.newPage();
    page.errors = [];
    page.on("pageerror", (error) => page.errors.push(String(error)));
    if (opts.ctiJs) {
        const body = readFileSync(opts.ctiJs);
        let served = 0;
        await page.route("**/assets/javascripts/cti.js", (route) => {
            served++;
            return route.fulfill({ status: 200, contentType: "text/javascript", body });
        });
        await page.goto(base + path);
        if (served === 0) throw new Error(`${opts.ctiJs} was not loaded in place of cti.js`);
        return page;
    }
    await page.goto(base + path);
    return page;
}

const visible = (page, selector) => page.locator(selector).first().waitFor({ timeout: WAIT_MS });

async function logged(page, msgType, text) {
    const selector = `#log li[data-type="${msgType}"]`;
    const locator = text ? page.locator(selector, { hasText: text }) : page.locator(selector);
    await locator.first().waitFor({ state: "attached", timeout: WAIT_MS });
}

async function textOf(page, selector, expected) {
    await page.waitForFunction(
        ([sel, want]) => {
            const node = document.querySelector(sel);
            return node !== null && node.textContent.trim() === want;
        },
        [selector, expected],
        { timeout: WAIT_MS },
    ).catch(async () => {
        const actual = await page.locator(selector).first().textContent().catch(() => null);
        throw new Error(`${selector}: wanted ${JSON.stringify(expected)}, shows ${JSON.stringify(actual)}`);
    });
}

function noPageErrors(page) {
    if (page.errors.length) throw new Error(`errors thrown in the page: ${page.errors.join("; ")}`);
}

// ---------------------------------------------------------------- cases
async function sampleWithPassword(context) {
    const page = await openPage(context, "/sample");
    await page.fill("#login", "carol");
    await page.fill("#password", "carol");
    await page.fill("#phone", "1003");
    await page.click("#btn-password-login");
    await visible(page, '#link-status[data-status="opened"]');
    await logged(page, "LoggedOn");
    await textOf(page, "#user-name", "Carol Colin");
    await visible(page, '#phone-status[data-status="AVAILABLE"]');
    await page.locator('#presence option[value="away"]').waitFor({ state: "attached", timeout: WAIT_MS });
    await logged(page, "UsersStatuses");
    await logged(page, "UserStatusUpdate");
    await logged(page, "PhoneStatusUpdate");

    // Her agent: log in on her own line, pause with a reason, back to ready, log out.
    await page.click("#btn-agent-login");
    await visible(page, '#agent-state[data-state="AgentReady"]');
    await page.fill("#pause-reason", "coffee");
    await page.click("#btn-pause");
    await visible(page, '#agent-state[data-state="AgentOnPause"]');
    await textOf(page, "#agent-cause", "(coffee)");
    await page.click("#btn-unpause");
    await visible(page, '#agent-state[data-state="AgentReady"]');
    await page.click("#btn-agent-logout");
    await visible(page, '#agent-state[data-state="AgentLoggedOut"]');
    await logged(page, "AgentStateEvent", "AgentOnPause");

    // Presence and services round-trip through the server.
    await page.selectOption("#presence", "away");
    await logged(page, "UserStatusUpdate", "away");
    await page.check("#dnd");
    await logged(page, "UserConfigUpdate", '"dndEnabled":true');
    await page.uncheck("#dnd");
    await logged(page, "UserConfigUpdate", '"dndEnabled":false');
    await page.selectOption("#presence", "available");
    await logged(page, "UserStatusUpdate", "available");
    noPageErrors(page);
    return page;
}

async function sampleWithToken(context) {
    const page = await openPage(context, "/sample");
    await page.fill("#login", "bob");
    await page.fill("#password", "bob");
    await page.click("#btn-token-login");
    await visible(page, '#link-status[data-status="opened"]');
    await visible(page, "#token-info:has-text('token for bob')");
    await textOf(page, "#user-name", "Bob Bernard");
    await logged(page, "QueueStatistics");

    // A call to alice's line: dialing, then alice's phone answers (the sim), hold, resume, hang up.
    await page.fill("#destination", "1001");
    await page.click("#btn-dial");
    await logged(page, "PhoneEvent", "EventDialing");
    await visible(page, '#calls tbody tr[data-unique-id]');
    await sim("/sim/lines/1001/answer"); // refused (409) unless alice's phone rings
    await logged(page, "PhoneEvent", "EventEstablished");
    await visible(page, '#calls tbody tr[data-event="EventEstablished"]');
    await visible(page, '#phone-status[data-status="CALLING"]');
    await page.click("#btn-hold");
    await visible(page, '#calls tbody tr[data-event="EventOnHold"]');
    await logged(page, "PhoneEvent", "EventOnHold");
    await page.click("#btn-hold"); // hold toggles: resumes
    await visible(page, '#calls tbody tr[data-event="EventEstablished"]');
    if (opts.screenshots) {
        await page.screenshot({ path: join(opts.screenshots, "sample.png"), fullPage: true });
    }
    await page.click("#btn-hangup");
    await logged(page, "PhoneEvent", "EventReleased");
    await page.locator("#calls tbody tr").first().waitFor({ state: "detached", timeout: WAIT_MS });
    await visible(page, '#phone-status[data-status="AVAILABLE"]');

    // A failing command gets an Error message, shown in the log; the socket stays.
    await page.click("#btn-complete-transfer");
    await logged(page, "Error", "completeTransfer");
    await visible(page, '#link-status[data-status="opened"]');

    // Logging out revokes the token and closes the socket.
    await page.click("#btn-logout");
    await visible(page, '#link-status[data-status="closed"]');
    noPageErrors(page);
    return page;
}

async function sampleTransfer(context) {
    const page = await openPage(context, "/sample");
    await page.fill("#login", "bob");
    await page.fill("#password", "bob");
    await page.click("#btn-password-login");
    await visible(page, '#link-status[data-status="opened"]');
    await page.fill("#destination", "1001");
    await page.click("#btn-dial");
    await logged(page, "PhoneEvent", "EventDialing");
    await sim("/sim/lines/1001/answer");
    await visible(page, '#calls tbody tr[data-event="EventEstablished"]');

    // Attended transfer to carol: consult her, she answers, bob completes and leaves the call.
    await page.fill("#destination", "1003");
    await page.click("#btn-attended-transfer");
    await logged(page, "PhoneEvent", '"otherDN":"1003"');
    await sim("/sim/lines/1003/answer");
    await visible(page, "#calls tbody tr:nth-child(2)");
    await page.click("#btn-complete-transfer");
    await page.locator("#calls tbody tr").first().waitFor({ state: "detached", timeout: WAIT_MS });
    await visible(page, '#phone-status[data-status="AVAILABLE"]');
    await sim("/sim/lines/1003/hangup");
    noPageErrors(page);
    return page;
}

async function wallboard(context) {
    const page = await openPage(context, "/wallboard");
    await visible(page, "#wb-login:not([hidden])");
    await page.fill("#wb-user", "alice");
    await page.fill("#wb-password", "alice");
    await page.click("#wb-btn-login");
    await visible(page, '#wb-status[data-status="live"]');
    const sales = '#wb-queues [data-queue-id="1"]';
    await textOf(page, `${sales} .waiting .value`, "0");
    await visible(page, '#wb-agents tr[data-agent-id="4"]');

    // An agent logs in (the supervisor does it for dave): its row and the queue's count change.
    await page.evaluate(() => Cti.loginAgent("1004", 2));
    await visible(page, '#wb-agents tr[data-agent-id="2"] .agent-state[data-state="AgentReady"]');
    await textOf(page, `${sales} .state[data-state="ready"] b`, "1");

    // A customer calls the sales queue: waiting goes to 1 in place.
    const before = await page.locator(sales).elementHandle();
    await page.evaluate(() => Cti.pauseAgent(2, "briefing"));
    await visible(page, '#wb-agents tr[data-agent-id="2"] .agent-state[data-state="AgentOnPause"]');
    const call = await sim("/sim/calls", { from: "0612345678", to: "3001", caller_name: "Jane Doe" });
    await textOf(page, `${sales} .waiting .value`, "1");
    await visible(page, `${sales}[data-alert="waiting"]`);
    const after = await page.locator(sales).elementHandle();
    if (!(await page.evaluate(([a, b]) => a === b, [before, after]))) {
        throw new Error("the queue's card was replaced, not updated in place");
    }
    if (opts.screenshots) {
        await page.evaluate(() => { Cti.loginAgent("1005", 3); Cti.loginAgent("1006", 4); });
        await visible(page, '#wb-agents tr[data-agent-id="4"] .agent-state[data-state="AgentReady"]');
        await sim("/sim/calls", { from: "0698765432", to: "3002", caller_name: "John Roe" });
        await visible(page, '#wb-agents tr[data-agent-id="3"] .agent-state[data-state="AgentRinging"]');
        await page.screenshot({ path: join(opts.screenshots, "wallboard.png"), fullPage: true });
    }
    await sim(`/sim/calls/${call.call_id}/hangup`);
    await textOf(page, `${sales} .waiting .value`, "0");
    noPageErrors(page);
    return page;
}

async function assets() {
    for (const prefix of ["/assets", "/xucassets"]) {
        for (const file of ["cti.js", "callback.js", "membership.js", "shotgun.js"]) {
            const response = await fetch(`${base}${prefix}/javascripts/${file}`);
            if (response.status !== 200) throw new Error(`${prefix}/javascripts/${file}: ${response.status}`);
            if (!response.headers.get("content-type").startsWith("text/javascript")) {
                throw new Error(`${file}: content type ${response.headers.get("content-type")}`);
            }
        }
    }
}

// ---------------------------------------------------------------- run
const cases = [
    ["cti.js, callback.js, membership.js, shotgun.js are served", assets],
    ["sample: password login, presence, services, agent login/pause/ready/logout", sampleWithPassword],
    ["sample: token login, dial, far end answers, hold, hang up, error reply, logout", sampleWithToken],
    ["sample: attended transfer (consult, the far end answers, complete)", sampleTransfer],
    ["wallboard: live queues and agents, a sim call joins a queue", wallboard],
];

if (opts.screenshots) mkdirSync(opts.screenshots, { recursive: true });
const browser = await chromium.launch({
    executablePath: opts.chromium,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let passed = 0;
let failed = 0;
try {
    for (const [name, run] of cases) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
        const started = Date.now();
        let page = null;
        try {
            page = await run(context);
            passed++;
            console.log(`ok - ${name} (${Date.now() - started} ms)`);
        } catch (error) {
            failed++;
            console.log(`not ok - ${name}: ${error.message}`);
            for (const p of context.pages()) {
                const log = await p.locator("#log").textContent().catch(() => null);
                if (log) console.log(`  page log (newest first): ${log.slice(0, 3000)}`);
                if (p.errors && p.errors.length) console.log(`  page errors: ${p.errors.join("; ")}`);
            }
        } finally {
            await context.close();
        }
    }
} finally {
    await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
