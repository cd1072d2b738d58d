// site.mjs: browser tests of the a6reg web site in real headless Chromium (TAP). Builds a
// registry from the real JCM Viet Nam data, starts `a6reg serve` on a free port, and walks
// through it as people would: dashboard, search, an activity's timeline, sign in, a transfer
// above the four-eyes threshold through the form, its approval by a second person, a
// retirement and its certificate, the language switch. Screenshots go to the artifacts folder.
// usage: node site.mjs A6REG_BINARY DATA_DIR ARTIFACTS_DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [a6reg, dataDir, artifacts] = process.argv.slice(2);
if (!a6reg || !dataDir || !artifacts) {
    console.error('usage: node site.mjs A6REG_BINARY DATA_DIR ARTIFACTS_DIR');
    process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'a6reg-browser-'));
// The registry's database: a SQLite file, or on the PostgreSQL test server (tests/testdb).
const testdb = new URL('../testdb', import.meta.url).pathname;
const env = { ...process.env,
              A6REG_DB: execFileSync(testdb, ['new', work, 'site'], { encoding: 'utf8' }).trim() };
const PAGE_BYTES_MAX = 50 * 1024;

let count = 0, failures = 0;
function ok(condition, description, detail = '') {
    count++;
    if (!condition) failures++;
    console.log(`${condition ? 'ok' : 'not ok'} ${count} - ${description}`);
    if (!condition && detail) {
        // eslint-disable-next-line no-control-regex
        const plain = String(detail).replace(/\x1b\[[0-9;]*m/g, '');
        for (const line of plain.split('\n')) console.log(`# ${line}`);
    }
}

function run(...args) {
    return execFileSync(a6reg, args, { env, encoding: 'utf8', input: args.stdin });
}
function runInput(input, ...args) {
    return execFileSync(a6reg, args, { env, encoding: 'utf8', input });
}

function prepareRegistry() {
    run('init');
    run('import', 'jcm', dataDir);
    // Two people of the Government of Viet Nam (the holder of the host share in account 1).
    for (const name of ['nguyen-an', 'tran-binh']) {
        run('user', 'add', name, '--role', 'participant', '--holder', 'Government of Viet Nam');
        runInput(`${name}-password\n`, 'user', 'passwd', name);
    }
    // An authorization request for the authority's queue: a registered project with a verified
    // period, the national framework, the NDC, and a request that passes every rule.
    run('user', 'add', 'le-chi', '--role', 'authority');
    runInput('le-chi-password\n', 'user', 'passwd', 'le-chi');
    run('approach', 'add', 'CA0001', '--name', 'JCM Japan-Viet Nam', '--partner', 'JPN',
        '--partner-registry', 'JPN01', '--ndc-first-transfer', 'issuance', '--role', 'authority');
    run('activity', 'add', '--ref', 'VN101', '--kind', 'project', '--title', 'Rooftop solar',
        '--technology', 'solar-pv', '--sector', 'energy');
    for (const [step, role] of [['submit', 'participant'], ['start_validation', 'auditor'],
                                ['validate', 'auditor'], ['register', 'committee']])
        run('activity', 'advance', 'VN101', step, '--role', role, '--date', '2026-01-10');
    const period = run('monitoring', 'add', 'VN101', '--start', '2026-01-10', '--end', '2026-06-30',
                       '--claimed', '1000', '--date', '2026-07-05').trim().split(' ')[1];
    run('monitoring', 'verify', period, '--verified', '1000', '--date', '2026-07-10');
    run('policy', 'set', '--role', 'authority', '--sector', 'energy', '--technology', 'solar-pv',
        '--purpose', 'NDC', '--max-share-bp', '5000', '--vintages', '2021-2030', '--target-year', '2030');
    run('ndc', 'set', '--first-year', '2021', '--last-year', '2030', '--target-year', '2030',
        '--method', 'trajectory', '--bau', '927900000', '--unconditional-bp', '1580');
    run('ndc', 'inventory', '--year', '2030', '--emissions', '700000000');
    run('authorization', 'request', 'VN101', '--quantity', '400', '--vintages', '2026-2030',
        '--purpose', 'NDC');
    // A programme of activities with two component activities included by the auditor.
    run('activity', 'add', '--ref', 'PoA001', '--kind', 'poa', '--title', 'Rooftop solar programme',
        '--methodology', 'VN_AM007', '--criteria', 'Rooftop PV of 0.1 to 5 MW on industrial roofs',
        '--coordinator', 'Solar Coordination JSC');
    for (const [step, role] of [['submit', 'participant'], ['start_validation', 'auditor'],
                                ['validate', 'auditor'], ['register', 'committee']])
        run('activity', 'advance', 'PoA001', step, '--role', role, '--date', '2026-05-10');
    for (const n of ['01', '02']) {
        run('activity', 'add', '--ref', `PoA001-CPA${n}`, '--kind', 'cpa', '--title',
            `Rooftop site ${n}`, '--parent', 'PoA001');
        run('activity', 'advance', `PoA001-CPA${n}`, 'submit', '--role', 'participant', '--date',
            '2026-06-01');
        run('poa', 'include', 'PoA001', `PoA001-CPA${n}`, '--role', 'auditor', '--date', '2026-06-15');
    }
}

function startServer() {
    return new Promise((resolve, reject) => {
        const server = spawn(a6reg, ['serve', '--listen', '127.0.0.1:0', '--four-eyes-above', '10',
                                     '--access-log', 'off'], { env });
        let output = '';
        server.stdout.on('data', (chunk) => {
            output += chunk;
            const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
            if (match) resolve({ server, base: match[1] });
        });
        server.on('exit', (code) => reject(new Error(`a6reg serve exited with ${code}`)));
        setTimeout(() => reject(new Error('a6reg serve did not start')), 15000);
    });
}

async function shot(page, name) {
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function signIn(page, base, name) {
    await page.goto(`${base}/signin`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', `${name}-password`);
    await Promise.all([page.waitForNavigation(), page.click('form.action button')]);
}

async function signOut(page) {
    await Promise.all([page.waitForNavigation(), page.click('header form button')]);
}

async function holdingsTotal(page, base, account) {
    await page.goto(`${base}/accounts/${account}`);
    const text = await page.textContent('.card b');
    return Number(text.replace(/,/g, ''));
}

// An account another holder owns, read from the registry itself rather than through the site.
function ledgerTotal(account) {
    return JSON.parse(run('holdings', String(account), '--json')).total;
}

async function dashboard(page, base) {
    const response = await page.goto(`${base}/`);
    ok(response.status() === 200, 'the dashboard answers 200');
    ok((await response.body()).length < PAGE_BYTES_MAX, 'the dashboard is under 50 KB');
    ok((await page.textContent('h1')).includes('Registry dashboard'), 'the dashboard has its title');
    const charts = await page.locator('svg[role=img]').count();
    ok(charts >= 1, `the dashboard draws charts (${charts})`);
    const activities = await page.textContent('a.card[href="/activities"] b');
    ok(activities.trim() === '24',
       'the dashboard counts the 20 JCM Viet Nam activities, VN101, the PoA and its 2 CPAs', activities);
    await shot(page, '01-dashboard');
}

async function searchAndTimeline(page, base) {
    await page.goto(`${base}/activities`);
    await page.fill('input[name=q]', 'tachograph');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
    const rows = await page.locator('table tbody tr').count();
    ok(rows === 1, `searching "tachograph" finds one activity (${rows})`);
    ok((await page.textContent('table tbody tr')).includes('VN001'), 'the match is VN001');
    await shot(page, '02-search');
    await Promise.all([page.waitForNavigation(), page.click('table tbody a[href="/activities/VN001"]')]);
    ok((await page.textContent('h1')).trim() === 'VN001', 'the activity page opens');
    const description = await page.textContent('svg[role=img] desc');
    ok(/2015-08-01/.test(description) && /2016-06-30/.test(description),
       'the timeline reads the monitoring period 2015-08-01 to 2016-06-30', description);
    ok(/2017-10-10/.test(description), 'the timeline reads the notification on 2017-10-10', description);
    await shot(page, '03-activity-timeline');
}

async function transferAndApprove(page, base) {
    await signIn(page, base, 'nguyen-an');
    ok(page.url().endsWith('/accounts'), 'signing in leads to the accounts', page.url());
    const before = ledgerTotal(2);
    await page.goto(`${base}/accounts/1`);
    const held = Number((await page.textContent('.card b')).replace(/,/g, ''));
    ok(held === 29, `account 1 holds the 29 host-share units of VN001 (${held})`);
    await page.fill('#form-transfer input[name=to]', '999');
    await page.fill('#form-transfer input[name=quantity]', '5');
    await Promise.all([page.waitForNavigation(), page.click('#form-transfer button')]);
    const refusal = await page.textContent('.notice.error');
    ok(/2001/.test(refusal) && /account-not-found/.test(refusal),
       'a transfer to an unknown account is refused with its check code', refusal);
    ok(await holdingsTotal(page, base, 1) === 29, '... and moves nothing');
    await page.goto(`${base}/accounts/1`);
    await page.fill('#form-transfer input[name=to]', '2');
    await page.fill('#form-transfer input[name=quantity]', '20');
    await Promise.all([page.waitForNavigation(), page.click('#form-transfer button')]);
    const notice = await page.textContent('.notice.ok');
    const approval = (notice.match(/approval (\d+)/) || [])[1];
    ok(approval !== undefined, 'a transfer of 20 above the threshold of 10 waits for approval', notice);
    await shot(page, '04-transfer-held');
    await page.goto(`${base}/approvals`);
    ok((await page.locator(`#approve-${approval}`).count()) === 1, 'the approval is in the queue');
    await Promise.all([page.waitForNavigation(), page.click(`#approve-${approval}`)]);
    ok((await page.locator('.notice.error').count()) === 1, 'the requester cannot approve it');
    await signOut(page);

    await signIn(page, base, 'tran-binh');
    await page.goto(`${base}/approvals`);
    await shot(page, '05-approval-queue');
    await Promise.all([page.waitForNavigation(), page.click(`#approve-${approval}`)]);
    const given = await page.textContent('.notice.ok');
    ok(given.includes(`Approval ${approval} given`), 'a second person approves it', given);
    const after = ledgerTotal(2);
    ok(after === before + 20, `account 2 received the 20 units (${before} -> ${after})`);
    ok(await holdingsTotal(page, base, 1) === 9, 'account 1 keeps 9');
}

async function retireAndCertificate(page, base) {
    await page.goto(`${base}/accounts/1`);
    await page.fill('#form-retire input[name=quantity]', '5');
    await Promise.all([page.waitForNavigation(), page.click('#form-retire button')]);
    ok((await page.textContent('.notice.ok')).includes('Retirement completed'), 'a retirement of 5 completes');
    await Promise.all([page.waitForNavigation(), page.click('table a[href^="/certificates/"]')]);
    ok((await page.textContent('h1')).includes('Retirement certificate'), 'the certificate opens');
    ok((await page.textContent('.certificate')).includes('5 tCO2e'), 'the certificate states 5 tCO2e');
    await shot(page, '06-certificate');
    const link = await page.getAttribute('.certificate a[href*="signature="]', 'href');
    await page.context().clearCookies();
    await page.goto(`${base}${link}`);
    ok((await page.locator('.notice.ok').count()) === 1, 'anyone opening the verification link sees it verified');
    // One hex digit of the signature changed (never to itself, whatever the signature is).
    const forged = link.replace(/signature=(.)/, (m, d) => `signature=${d === '0' ? '1' : '0'}`);
    await page.goto(`${base}${forged}`);
    ok((await page.locator('.notice.error').count()) === 1, 'a changed signature is not verified');
}

async function analysis(page, base) {
    await page.goto(`${base}/delays`);
    ok((await page.textContent('h1')).includes('Issuance delays'), 'the issuance-delay page opens');
    const histogram = await page.textContent('#lag-histogram-d');
    ok(/12\u201318 1/.test(histogram), 'the histogram puts VN001 (15 months) in 12-18 months', histogram);
    const first = await page.textContent('table tbody tr');
    ok(/VN00[15]/.test(first) && first.includes('late'), 'the late list starts with a late period', first);
    await shot(page, '08-delays');
    await page.goto(`${base}/finance`);
    const cost = async () => (await page.locator('table', { hasText: 'Transaction cost per tCO2e' })
        .locator('tbody tr:last-child').textContent()).trim();
    const before = await cost();
    await page.fill('input[name=sites]', '40');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
    ok(page.url().includes('sites=40'), 'the finance form submits its parameters');
    const after = await cost();
    ok(after !== before, `the cost per tCO2e follows the number of sites (${before} | ${after})`);
    await shot(page, '09-finance');
}

async function programmePage(page, base) {
    await page.goto(`${base}/activities/PoA001`);
    const cpas = page.locator('table', { hasText: 'PoA001-CPA01' });
    ok((await cpas.locator('tbody tr').count()) === 2, 'the PoA page lists its two CPAs');
    ok((await cpas.textContent()).includes('included') &&
       (await cpas.textContent()).includes('Rooftop site 01'), 'its CPAs are included, with their titles');
    await shot(page, '11-poa');
    await Promise.all([page.waitForNavigation(), cpas.locator('a[href="/activities/PoA001-CPA02"]').click()]);
    ok((await page.locator('dl.facts a[href="/activities/PoA001"]').count()) === 1,
       'a CPA links back to its programme');
}

async function authorityQueue(page, base) {
    await page.context().clearCookies();
    await signIn(page, base, 'le-chi');
    await page.goto(`${base}/authorizations`);
    const row = page.locator('table tbody tr', { hasText: 'VN101' });
    ok((await row.count()) === 1, 'the authority sees the request for VN101 in its queue');
    ok((await row.textContent()).includes('requested'), 'the request waits for a decision');
    await shot(page, '10-authorizations');
    await Promise.all([page.waitForNavigation(), row.locator('button[id^="authorize-"]').click()]);
    ok((await page.textContent('.notice.ok')).includes('decided'), 'the authority authorizes it');
    const decided = page.locator('table tbody tr', { hasText: 'VN101' });
    ok((await decided.textContent()).includes('authorized') &&
       (await decided.locator('button').count()) === 0,
       'the request is authorized and offers no decision any more');
    const csv = await page.request.get(`${base}/authorizations.csv`);
    ok(csv.status() === 200 && (await csv.text()).includes('VN101'), 'the queue downloads as CSV');
    await page.context().clearCookies();
}

async function forgedForm(page, base) {
    const response = await page.request.post(`${base}/accounts/1/transfer`,
        { form: { to: '2', quantity: '1' }, maxRedirects: 0 });
    ok(response.status() === 403 || response.status() === 401,
       `a form without the CSRF token is refused (${response.status()})`);
}

async function language(page, base) {
    await page.goto(`${base}/activities`);
    await Promise.all([page.waitForNavigation(), page.click('a[lang=vi]')]);
    ok((await page.getAttribute('html', 'lang')) === 'vi', 'the switch serves Vietnamese');
    ok((await page.textContent('h1')).trim() === 'Hoạt động', 'the title is in Vietnamese');
    await page.goto(`${base}/`);
    ok((await page.getAttribute('html', 'lang')) === 'vi', 'the choice is kept across pages');
    await shot(page, '07-vietnamese');
    const csv = await page.request.get(`${base}/activities.csv`);
    ok(csv.status() === 200 && (await csv.text()).startsWith('Reference,'), 'the CSV download works');
}

async function pageSizes(page, base) {
    for (const path of ['/activities', '/activities/VN001', '/credits', '/ndc', '/reports', '/audit',
                        '/delays', '/finance']) {
        const response = await page.request.get(`${base}${path}`);
        const size = (await response.body()).length;
        ok(response.status() === 200 && size < PAGE_BYTES_MAX, `${path} answers 200 under 50 KB (${size} bytes)`);
    }
}

async function main() {
    prepareRegistry();
    const { server, base } = await startServer();
    const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
        const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1200, height: 900 } });
        const page = await context.newPage();
        const steps = [dashboard, searchAndTimeline, transferAndApprove, retireAndCertificate,
                       analysis, programmePage, authorityQueue, forgedForm, language, pageSizes];
        for (const step of steps) {
            try {
                await step(page, base);
            } catch (error) {
                ok(false, `${step.name} ran to its end`, error.stack);
            }
        }
    } finally {
        await browser.close();
        server.kill('SIGTERM');
    }
    console.log(`1..${count}`);
    rmSync(work, { recursive: true, force: true });
    process.exit(failures ? 1 : 0);
}

main().catch((error) => {
    console.log(`not ok ${count + 1} - the browser test ran`);
    for (const line of String(error.stack).split('\n')) console.log(`# ${line}`);
    console.log(`1..${count + 1}`);
    process.exit(1);
});
