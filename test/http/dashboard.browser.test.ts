import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { readUntil } from '../support/async.js';
import { CHROMIUM, CHROMIUM_ARGS, describeWithChromium } from '../support/chromium.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';

const SCREENSHOTS = 'test-results/dashboard';

describeWithChromium('the dashboard in a real Chromium', () => {
  let system: StrataSystem;
  let gateway: FastifyInstance;
  let browser: Browser;
  let base: string;
  /** Whether the poison subscriber still fails on user "poison". */
  let poisoned = true;
  /** What the browser complained about: console errors and uncaught exceptions, by page. */
  const complaints: string[] = [];

  const register = (userId: string, name = userId) =>
    system.commands.send({
      type: 'identity.RegisterUser',
      data: { userId, email: `${userId}@example.com`, name },
    });

  beforeAll(async () => {
    system = await createSystem({ app: devpie, driver: await memoryPgliteDriver() });
    system.engine.add({
      name: 'test.poison',
      filter: { types: ['identity.UserRegistered'] },
      retry: { maxAttempts: 1 },
      onPoisonEvent: 'park',
      handle: (events) =>
        poisoned && events.some((event) => event.streamId === 'user-poison')
          ? Promise.reject(new Error('poisoned <b>on purpose</b>'))
          : Promise.resolve(),
    });
    await system.start();
    gateway = await buildGateway({ system });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    await mkdir(SCREENSHOTS, { recursive: true });
    await register('ada', 'Ada <img src=x onerror=alert(1)>');
  });

  beforeEach(() => {
    complaints.splice(0);
  });

  afterAll(async () => {
    await browser.close();
    await gateway.close();
    await system.stop();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') complaints.push(`${path}: ${message.text()}`);
    });
    page.on('pageerror', (error) => complaints.push(`${path}: ${error.message}`));
    // Every confirm() is accepted, and any other dialog (an injected alert) is a complaint.
    page.on('dialog', (dialog) => {
      if (dialog.type() !== 'confirm') complaints.push(`${path}: a ${dialog.type()} dialog`);
      void dialog.accept();
    });
    const response = await page.goto(`${base}${path}`);
    expect(response?.status(), path).toBe(200);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

  it('loads every page without a console error, hostile text shown as text', async () => {
    const [ada] = await system.store.readStream('user-ada');
    const paths: [string, string][] = [
      ['overview', '/dashboard'],
      ['streams', '/dashboard/streams'],
      ['category', '/dashboard/streams?category=user'],
      ['search', `/dashboard/streams?q=${ada!.metadata.correlationId}`],
      ['stream', '/dashboard/streams/user-ada'],
      ['event', `/dashboard/events/${ada!.id}`],
      ['subscribers', '/dashboard/subscribers'],
      ['parked', '/dashboard/parked'],
      ['projections', '/dashboard/projections'],
      ['bus', '/dashboard/bus'],
      ['lake', '/dashboard/lake'],
      ['webhooks', '/dashboard/webhooks'],
      ['schemas', '/dashboard/schemas'],
      ['tail', '/dashboard/tail'],
    ];
    for (const [name, path] of paths) {
      const page = await open(path);
      await expect.poll(() => page.locator('h1').count()).toBe(1);
      await shot(page, name);
      await page.close();
    }
    const event = await open(`/dashboard/events/${ada!.id}`);
    expect(await event.locator('#event-data').textContent()).toContain(
      'Ada <img src=x onerror=alert(1)>',
    );
    expect(await event.locator('#lineage').textContent()).toContain('identity.UserRegistered');
    await event.close();
    const search = await open(`/dashboard/streams?q=${ada!.metadata.correlationId}`);
    expect(await search.locator('table').textContent()).toContain('user-ada');
    await search.close();
    expect(complaints).toEqual([]);
  });

  it('shows an event appended while the live tail is open', async () => {
    const page = await open('/dashboard/tail');
    await expect.poll(() => page.locator('#tail-status').textContent()).toBe('connected');
    await register('grace');
    const row = page.locator('#tail tbody tr', { hasText: 'user-grace@1' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('identity.UserRegistered');
    await shot(page, 'tail-live');
    await page.close();
    expect(complaints).toEqual([]);
  });

  it('releases a parked event retried from the page', async () => {
    await register('poison');
    await readUntil(
      () => system.engine.parked.list({ subscriber: 'test.poison' }),
      (list) => list.length === 1,
      30_000,
    );
    const page = await open('/dashboard/parked');
    expect(await page.locator('tbody').textContent()).toContain('poisoned <b>on purpose</b>');
    await shot(page, 'parked');
    poisoned = false;
    await page
      .locator('tr', { hasText: 'user-poison' })
      .getByRole('button', { name: 'Retry' })
      .click();
    await page.waitForURL(/notice=/);
    expect(await page.locator('.notice').textContent()).toContain('handled');
    expect(await page.locator('.empty').textContent()).toBe('Nothing is parked.');
    expect(await system.engine.parked.list({ subscriber: 'test.poison' })).toEqual([]);
    await page.close();
    expect(complaints).toEqual([]);
  });

  it('pauses and resumes a subscriber from the page', async () => {
    const page = await open('/dashboard/subscribers');
    const row = page.locator('tr[data-subscriber="test.poison"]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await page.waitForURL(/notice=/);
    expect(await row.locator('.state').textContent()).toBe('paused');
    await readUntil(
      () => system.engine.statusOf('test.poison'),
      (status) => status.state === 'paused',
      10_000,
    );
    await shot(page, 'subscribers-paused');
    await row.getByRole('button', { name: 'Resume' }).click();
    await page.waitForURL(/resumed/);
    expect(await system.engine.pauses()).toEqual([]);
    await page.close();
    expect(complaints).toEqual([]);
  });

  it('starts a rebuild from the page that completes', async () => {
    const page = await open('/dashboard/projections');
    const row = page.locator('tr[data-projection="identity.users"]');
    expect(await row.locator('.generations').textContent()).toContain('generation 1');
    await row.getByRole('button', { name: 'Rebuild' }).click();
    await page.waitForURL(/notice=/);
    expect(await page.locator('.notice').textContent()).toContain('generation 2');
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('tr[data-projection="identity.users"] .generations').textContent();
        },
        { timeout: 30_000 },
      )
      .toMatch(/^generation 2 \(v\d+\)$/);
    await shot(page, 'projections-rebuilt');
    await page.close();
    expect(complaints).toEqual([]);
  });
});
