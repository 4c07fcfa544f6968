// What people receive: a ticket sent from the Italian contact page gets its team email (in the
// help center's default language, stating the ticket's language) and its acknowledgement (in
// Italian, without the message), written by `helpcenter serve`'s in-process worker as .eml files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { launch, newPage, url, STATE, marker } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Waits for an .eml file of the outbox and parses it. */
async function email(name, timeoutMs = 10_000) {
  const file = join(STATE, 'outbox', name);
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) assert.fail(`no ${name} in the outbox`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return simpleParser(readFileSync(file));
}

test('a ticket sent in Italian: the team email and an Italian acknowledgement reach the outbox', async () => {
  const page = await newPage(browser);
  await page.goto(url('/it/contact/?audience=users&category=account'));
  const subject = marker('Link di reimpostazione scaduto');
  const description = 'Clicco il link nella email e la pagina dice che il link è scaduto.';
  await page.fill('#f-username', 'giulia');
  await page.fill('#f-email', 'giulia@example.org');
  await page.selectOption('#f-subcategory', 'sign-in');
  await page.fill('#f-subject', subject);
  await page.fill('#f-description', description);
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#form-success').waitFor({ state: 'visible' });
  const ticketId = (await page.locator('#success-ticket').textContent()).trim();
  assert.match(ticketId, /^HC-[A-Z0-9-]+$/);

  const ack = await email(`${ticketId}.ack.eml`);
  assert.equal(ack.to.value[0].address, 'giulia@example.org');
  assert.match(ack.subject, /Abbiamo ricevuto la tua richiesta/);
  assert.ok(ack.subject.includes(ticketId), ack.subject);
  assert.match(ack.text, /Ciao giulia,/);
  assert.ok(ack.text.includes(`Il numero del tuo ticket: ${ticketId}`), ack.text);
  assert.ok(ack.text.includes(subject), 'the subject, so the person knows which request');
  assert.match(ack.text, /https:\/\/lumen\.example\/privacy/);
  assert.ok(!ack.text.includes('la pagina dice'), 'never the message itself');
  const teamAddress = ack.replyTo.value[0].address;

  const team = await email(`${ticketId}.team.eml`);
  assert.equal(team.to.value[0].address, teamAddress, 'the acknowledgement replies to the team');
  assert.equal(team.subject, `[${ticketId}] ${subject}`);
  assert.equal(team.replyTo.value[0].address, 'giulia@example.org');
  assert.match(team.text, /Italiano/, 'the ticket language, so the team answers in it');
  assert.match(team.text, /Answer in Italiano/, 'in the default language (English)');
  assert.ok(team.text.includes(description), 'the whole message');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
